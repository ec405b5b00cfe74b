import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { annexBToNalus } from './annexb.ts';
import { H264NaluType, h264NaluType } from './h264.ts';
import { H264DtsExtractor } from './h264-dts-extractor.ts';
import { parseH264Sps } from './h264-sps.ts';
import { X264_BFRAMES_ANNEXB, X264_BFRAMES_TIMESTAMPS } from './fixtures/x264-bframes.ts';

/** Access units of the fixture: parameter sets and SEI join the slice that follows them (one slice per frame). */
function accessUnits(): Uint8Array[][] {
  const aus: Uint8Array[][] = [];
  let cur: Uint8Array[] = [];
  for (const n of annexBToNalus(X264_BFRAMES_ANNEXB)) {
    cur.push(n);
    const t = h264NaluType(n);
    if (t === H264NaluType.Idr || t === H264NaluType.NonIdr) { aus.push(cur); cur = []; }
  }
  return aus;
}

const to90k = (v: number): number => (v * 90000) / 12800;
const ffmpeg = X264_BFRAMES_TIMESTAMPS.split(' ').map((pair) => pair.split(',').map((x) => to90k(Number(x))) as [number, number]);

describe('H264 SPS', () => {
  it('reads size, POC type and the VUI hints of an x264 SPS', () => {
    const sps = accessUnits()[0]!.find((n) => h264NaluType(n) === H264NaluType.Sps)!;
    const s = parseH264Sps(sps);
    assert.deepEqual([s.width, s.height, s.pocType, s.frameMbsOnly], [64, 64, 0, true]);
    assert.equal(s.maxNumReorderFrames, 2); // b-pyramid
    assert.equal(s.frameDuration90k, 3600); // 25 fps
  });

  it('throws CodecError and nothing else on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      try { parseH264Sps(Uint8Array.from([0x67, ...b])); } catch (e) { assert.equal((e as Error).name, 'CodecError'); }
    }), { numRuns: 2000 });
  });
});

describe('H264DtsExtractor', () => {
  it('gives the same DTS as FFmpeg for x264 with B-frames and b-pyramid', () => {
    const aus = accessUnits();
    assert.equal(aus.length, ffmpeg.length);
    const x = new H264DtsExtractor();
    const got = aus.map((au, i) => x.extract(au, ffmpeg[i]![0]));
    assert.deepEqual(got, ffmpeg.map(([, dts]) => dts));
  });

  it('keeps DTS increasing and not after PTS with the SPS only out of band and no VUI reorder hint', () => {
    const aus = accessUnits().map((au) => au.filter((n) => h264NaluType(n) !== H264NaluType.Sps));
    const spsNalu = accessUnits()[0]!.find((n) => h264NaluType(n) === H264NaluType.Sps)!;
    const x = new H264DtsExtractor(spsNalu);
    let prev = -Infinity;
    aus.forEach((au, i) => {
      const pts = ffmpeg[i]![0];
      const dts = x.extract(au, pts);
      assert.ok(dts > prev, `frame ${i}: dts ${dts} after ${prev}`);
      assert.ok(dts <= pts, `frame ${i}: dts ${dts} > pts ${pts}`);
      prev = dts;
    });
  });

  it('is monotonic whatever the input (garbage slices, shuffled PTS)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 1e9 })), { maxLength: 40 }), (frames) => {
      const x = new H264DtsExtractor();
      let prev = -Infinity;
      for (const [bytes, pts] of frames) {
        const dts = x.extract([Uint8Array.from([0x41, ...bytes])], pts);
        assert.ok(dts > prev);
        prev = dts;
      }
    }));
  });
});
