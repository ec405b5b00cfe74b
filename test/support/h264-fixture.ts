import { annexBToNalus, buildAvcConfig, h264NaluType, H264NaluType, nalusToAvcc } from '../../src/codecs/index.ts';
import { X264_BFRAMES_ANNEXB } from '../../src/codecs/fixtures/x264-bframes.ts';
import { buildFlvVideo } from '../../src/protocols/rtmp/index.ts';
import type { TimedBody } from './rtmp-raw-publisher.ts';

/** The x264 fixture's access units (64x64, B-frames): parameter sets and SEI gathered with the slice that follows them. */
export function x264FixtureAccessUnits(): Buffer[][] {
  const out: Buffer[][] = [];
  let au: Buffer[] = [];
  for (const n of annexBToNalus(X264_BFRAMES_ANNEXB)) {
    au.push(Buffer.from(n));
    const t = h264NaluType(n);
    if (t === H264NaluType.Idr || t === H264NaluType.NonIdr) { out.push(au); au = []; }
  }
  return out;
}

/** The fixture as an RTMP publisher sends it: the AVC sequence header, then one FLV frame every 40 ms. */
export function x264FixtureFlv(): { header: TimedBody; frames: TimedBody[] } {
  const aus = x264FixtureAccessUnits();
  const sps = aus[0]!.find((n) => h264NaluType(n) === H264NaluType.Sps)!;
  const pps = aus[0]!.find((n) => h264NaluType(n) === H264NaluType.Pps)!;
  return {
    header: { ms: 0, type: 'video', body: buildFlvVideo({ config: buildAvcConfig(sps, pps), isKeyframe: true, compositionTimeMs: 0 }) },
    frames: aus.map((au, i) => ({
      ms: i * 40, type: 'video', body: buildFlvVideo({ data: nalusToAvcc(au), isKeyframe: au.some((n) => h264NaluType(n) === H264NaluType.Idr), compositionTimeMs: 0 }),
    })),
  };
}
