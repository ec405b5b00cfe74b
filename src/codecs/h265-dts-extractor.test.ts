import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { annexBToNalus } from './annexb.ts';
import { groupH265AccessUnits, h265NaluType, H265NaluType } from './h265.ts';
import { H265DtsExtractor } from './h265-dts-extractor.ts';
import { parseH265Sps } from './h265-params.ts';
import { X265_BFRAMES_ANNEXB, X265_BFRAMES_TIMESTAMPS } from './fixtures/x265-bframes.ts';

const accessUnits = (): Uint8Array[][] => groupH265AccessUnits(annexBToNalus(X265_BFRAMES_ANNEXB));

const to90k = (v: number): number => (v * 90000) / 12800;
const ffmpeg = X265_BFRAMES_TIMESTAMPS.split(' ').map((pair) => pair.split(',').map((x) => to90k(Number(x))) as [number, number]);

describe('H265DtsExtractor', () => {
  it('reads the reorder depth and POC size from the SPS', () => {
    const s = parseH265Sps(accessUnits()[0]!.find((n) => h265NaluType(n) === H265NaluType.Sps)!);
    assert.equal(s.chromaFormatIdc, 1);
    assert.ok(s.maxNumReorderPics >= 1);
    assert.ok(s.log2MaxPocLsb >= 4);
  });

  it('gives FFmpeg\'s DTS for x265 with B-frames and open GOPs (CRA + RASL), after the first three frames', () => {
    const aus = accessUnits();
    assert.equal(aus.length, ffmpeg.length);
    const x = new H265DtsExtractor();
    const got = aus.map((au, i) => x.extract(au, ffmpeg[i]![0]));
    got.forEach((dts, i) => {
      assert.ok(dts <= ffmpeg[i]![0], `frame ${i}: dts ${dts} after pts`);
      if (i > 0) assert.ok(dts > got[i - 1]!, `frame ${i}: dts not increasing`);
    });
    // x265 puts the frame rate only in the SPS VUI, which is not parsed: the first frames use a 30 fps guess and
    // the estimate locks onto the real spacing from the frames that follow.
    assert.deepEqual(got.slice(3), ffmpeg.slice(3).map(([, dts]) => dts));
  });

  it('is monotonic whatever the input', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 1e9 })), { maxLength: 40 }), (frames) => {
      const x = new H265DtsExtractor();
      let prev = -Infinity;
      for (const [bytes, pts] of frames) {
        const dts = x.extract([Uint8Array.from([0x02, 0x01, ...bytes])], pts);
        assert.ok(dts > prev);
        prev = dts;
      }
    }));
  });
});
