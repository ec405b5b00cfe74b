import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildVpcc, parseVp9KeyFrame, parseVpcc, vp9IsKeyFrame } from './vp9.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
// First bytes of key frames from Debian's FFmpeg 5.1 libvpx-vp9, 320x240, and the vpcC FFmpeg's MP4 muxer wrote for each.
const KEY = [
  { frame: hex('824983420013f00ef60838241c184a00'), profile: 0, bitDepth: 8, sx: 1, sy: 1, vpcc: hex('010000000014820202020000') },
  { frame: hex('a249834200027e01dec1070483830940'), profile: 1, bitDepth: 8, sx: 0, sy: 0, vpcc: hex('010000000114860202020000') },
  { frame: hex('924983420009f8077b041c120e0c2c00'), profile: 2, bitDepth: 10, sx: 1, sy: 1, vpcc: hex('010000000214a20202020000') },
];

describe('VP9 key frame header (VP9 bitstream §6.2)', () => {
  it('reads profile, bit depth, subsampling, range and size of encoder output', () => {
    for (const k of KEY) {
      const info = parseVp9KeyFrame(k.frame);
      assert.deepEqual(info, { profile: k.profile, bitDepth: k.bitDepth, subsamplingX: k.sx, subsamplingY: k.sy, fullRange: false, width: 320, height: 240 });
      assert.equal(vp9IsKeyFrame(k.frame), true);
    }
  });

  it('builds the VPCodecConfigurationRecord FFmpeg writes for the same stream', () => {
    for (const k of KEY) {
      const info = parseVp9KeyFrame(k.frame)!;
      assert.deepEqual(buildVpcc(info), k.vpcc, `profile ${k.profile}`);
      assert.deepEqual(parseVpcc(k.vpcc), { profile: k.profile, bitDepth: k.bitDepth });
    }
  });

  it('inter frames and repeated frames are no key frames; arbitrary bytes raise only CodecError', () => {
    assert.equal(parseVp9KeyFrame(hex('86')), undefined); // frame_type 1
    assert.equal(parseVp9KeyFrame(hex('88')), undefined); // show_existing_frame
    assert.equal(vp9IsKeyFrame(hex('86')), false);
    assert.throws(() => parseVp9KeyFrame(hex('0249834200')), { name: 'CodecError' }); // frame_marker 0
    assert.throws(() => parseVp9KeyFrame(hex('8249000000')), { name: 'CodecError' }); // no sync code
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (b) => {
      try { parseVp9KeyFrame(b); } catch (e) { assert.equal((e as Error).name, 'CodecError'); }
      assert.equal(typeof vp9IsKeyFrame(b), 'boolean');
      try { parseVpcc(Buffer.from(b)); } catch (e) { assert.equal((e as Error).name, 'CodecError'); }
    }), { numRuns: 3000 });
  });
});
