import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { av1FrameSize, h265PictureSize } from './video-size.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('picture sizes of H265 SPS and AV1 sequence headers', () => {
  it('vectors: encoder output, with and without a conformance window', () => {
    // SPS of x265 via Debian's FFmpeg 5.1, 32x32 (no window) and 70x38 (coded 72x40, cropped by the conformance window):
    //   ffmpeg -f lavfi -i testsrc2=size=WxH:duration=0.04 -pix_fmt yuv420p -c:v libx265 -x265-params info=0 -f hevc out.hevc
    assert.deepEqual(h265PictureSize(hex('42010101600000030090000003000003001ea04208596564b932bc05a02000000300200000030321')), { width: 32, height: 32 });
    assert.deepEqual(h265PictureSize(hex('42010101600000030090000003000003001ea024829d565959ae4caf016808000003000800000300c840')), { width: 70, height: 38 });
    // libaom via FFmpeg 5.1 (-c:v libaom-av1 -f obu), sequence header OBUs of 64x48 and 70x38.
    assert.deepEqual(av1FrameSize(hex('0a0a00000002aff79b5f2008')), { width: 64, height: 48 });
    assert.deepEqual(av1FrameSize(hex('0a0a000000032c594daf9004')), { width: 70, height: 38 });
  });

  it('arbitrary bytes raise only CodecError', () => {
    assert.throws(() => h265PictureSize(hex('40010c01')), { name: 'CodecError' });
    assert.throws(() => av1FrameSize(hex('12000a')), { name: 'CodecError' });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
      for (const f of [h265PictureSize, av1FrameSize]) {
        try { f(b); } catch (e) { assert.equal((e as Error).name, 'CodecError'); }
      }
      try { h265PictureSize(Buffer.concat([hex('4201'), b])); } catch (e) { assert.equal((e as Error).name, 'CodecError'); }
      try { av1FrameSize(Buffer.concat([hex('08'), b])); } catch (e) { assert.equal((e as Error).name, 'CodecError'); }
    }), { numRuns: 3000 });
  });
});
