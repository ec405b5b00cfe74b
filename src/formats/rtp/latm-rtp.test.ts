import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameDepacketizer, FramePacketizer } from './frame-rtp.ts';
import { latmFraming, latmMuxElement, parseLatmMuxElements } from './latm-rtp.ts';

describe('MP4A-LATM (RFC 3016)', () => {
  it('vectors: PayloadLengthInfo is 255s then the remainder', () => {
    assert.deepEqual([...latmMuxElement(Uint8Array.of(1, 2))], [2, 1, 2]);
    assert.deepEqual([...latmMuxElement(new Uint8Array(255)).subarray(0, 2)], [255, 0]);
    assert.deepEqual([...latmMuxElement(new Uint8Array(300)).subarray(0, 2)], [255, 45]);
    assert.deepEqual(parseLatmMuxElements(Buffer.from([2, 9, 8, 1, 7])).map((b) => [...b]), [[9, 8], [7]]);
    assert.throws(() => parseLatmMuxElements(Buffer.from([255, 255])), { name: 'FrameRtpError' });
    assert.throws(() => parseLatmMuxElements(Buffer.from([3, 1])), { name: 'FrameRtpError' });
  });

  it('round-trips AUs through fragmented packets; arbitrary bytes only raise FrameRtpError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 1500 }), (au, max) => {
      const d = new FrameDepacketizer(latmFraming);
      const frames = new FramePacketizer(96, latmFraming, max).packetize(latmMuxElement(au), 1024).flatMap((p) => d.push(p));
      assert.deepEqual(frames.flatMap((f) => parseLatmMuxElements(f.frame)).map((b) => [...b]), [[...au]]);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
      try { parseLatmMuxElements(Buffer.from(b)); } catch (e) { assert.equal((e as Error).name, 'FrameRtpError'); }
    }));
  });
});
