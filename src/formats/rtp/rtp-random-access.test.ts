import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rtpCarriesRandomAccess } from './rtp-random-access.ts';

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);
/** An aggregation packet: its header bytes, then each NAL unit with a 16-bit size (STAP-A, H265 AP). */
const aggregate = (head: number[], ...nalus: number[][]): Buffer => Buffer.concat([b(...head), ...nalus.map((n) => Buffer.concat([b(n.length >> 8, n.length & 0xff), b(...n)]))]);

// [what, codec, payload, carries a random access picture or parameter sets]
const VECTORS: [string, 'h264' | 'h265', Buffer, boolean][] = [
  ['H264 IDR slice', 'h264', b(0x65, 0x88), true],
  ['H264 SPS', 'h264', b(0x67, 0x42), true],
  ['H264 PPS', 'h264', b(0x68, 0xce), true],
  ['H264 non-IDR slice', 'h264', b(0x41, 0x9a), false],
  ['H264 SEI', 'h264', b(0x06, 0x05), false],
  ['H264 STAP-A with SPS and PPS', 'h264', aggregate([0x78], [0x67, 0x42], [0x68, 0xce]), true],
  ['H264 STAP-A with SEI and a non-IDR slice', 'h264', aggregate([0x78], [0x06, 0x05], [0x41, 0x9a]), false],
  ['H264 FU-A of an IDR slice (start)', 'h264', b(0x7c, 0x85, 0x00), true],
  ['H264 FU-A of an IDR slice (middle)', 'h264', b(0x7c, 0x05, 0x00), true],
  ['H264 FU-A of a non-IDR slice', 'h264', b(0x7c, 0x81, 0x00), false],
  ['H264 empty', 'h264', b(), false],
  ['H264 STAP-A cut short', 'h264', b(0x78, 0x00, 0x05), false],
  ['H265 IDR_W_RADL', 'h265', b(19 << 1, 0x01), true],
  ['H265 CRA', 'h265', b(21 << 1, 0x01), true],
  ['H265 VPS', 'h265', b(32 << 1, 0x01), true],
  ['H265 TRAIL_R', 'h265', b(1 << 1, 0x01), false],
  ['H265 AP with VPS, SPS, PPS', 'h265', aggregate([48 << 1, 0x01], [32 << 1, 0x01], [33 << 1, 0x01], [34 << 1, 0x01]), true],
  ['H265 AP with two trailing pictures', 'h265', aggregate([48 << 1, 0x01], [1 << 1, 0x01], [1 << 1, 0x01]), false],
  ['H265 FU of an IDR', 'h265', b(49 << 1, 0x01, 0x80 | 19, 0x00), true],
  ['H265 FU of a trailing picture', 'h265', b(49 << 1, 0x01, 0x80 | 1, 0x00), false],
  ['H265 one byte', 'h265', b(19 << 1), false],
];

describe('rtpCarriesRandomAccess', () => {
  for (const [what, codec, payload, expected] of VECTORS) {
    it(`${what}: ${expected}`, () => assert.equal(rtpCarriesRandomAccess(codec, payload), expected));
  }

  it('never throws and never reads past the payload, whatever the bytes', () => {
    fc.assert(fc.property(fc.constantFrom<'h264' | 'h265'>('h264', 'h265'), fc.uint8Array({ maxLength: 64 }), (codec, bytes) => {
      assert.equal(typeof rtpCarriesRandomAccess(codec, bytes), 'boolean');
    }), { numRuns: 2000 });
  });
});
