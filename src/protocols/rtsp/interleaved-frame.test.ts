import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildInterleavedFrame, buildInterleavedHeader, readInterleavedFrame, sharedInterleavedFrame, sharedInterleavedFrames, INTERLEAVED_MAX_PAYLOAD,
} from './interleaved-frame.ts';
import { RtspParseError } from './rtsp-parse-error.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 2326 §10.12: `$`, channel, 16-bit length, payload. Each vector is read and written.
const VECTORS: [string, number, string][] = [
  ['RTP on channel 0', 0, '80600001 00000000 00000001 65'],
  ['RTCP on channel 1', 1, '81cb0001 12345678'],
  ['an empty payload on channel 255', 255, ''],
];

describe('interleaved frames (RFC 2326 §10.12)', () => {
  for (const [name, channel, payload] of VECTORS) {
    const frame = Buffer.concat([Buffer.from([0x24, channel]), Buffer.from([hex(payload).length >> 8, hex(payload).length & 0xff]), hex(payload)]);
    it(`builds ${name}`, () => assert.deepEqual(buildInterleavedFrame(channel, hex(payload)), frame));
    it(`reads ${name}`, () => {
      const read = readInterleavedFrame(Buffer.concat([frame, hex('24')]));
      assert.deepEqual(read && { channel: read.channel, payload: read.payload, size: read.size }, { channel, payload: hex(payload), size: frame.length });
    });
  }

  it('waits for the rest of a split frame', () => {
    const frame = buildInterleavedFrame(3, Buffer.from([1, 2, 3]));
    for (let n = 0; n < frame.length; n++) assert.equal(readInterleavedFrame(frame.subarray(0, n)), undefined, `${n} bytes`);
  });

  it('refuses bytes that are not a frame, and a channel or length that does not fit', () => {
    assert.throws(() => readInterleavedFrame(Buffer.from('OPTIONS')), RtspParseError);
    assert.throws(() => buildInterleavedHeader(256, 0), RangeError);
    assert.throws(() => buildInterleavedHeader(0, INTERLEAVED_MAX_PAYLOAD + 1), RangeError);
    assert.deepEqual(buildInterleavedHeader(7, INTERLEAVED_MAX_PAYLOAD), hex('2407ffff'));
  });

  it('frames a packet once per channel and shares the bytes', () => {
    const payload = Buffer.from([9, 9]);
    assert.equal(sharedInterleavedFrame(0, payload), sharedInterleavedFrame(0, payload));
    assert.notEqual(sharedInterleavedFrame(2, payload), sharedInterleavedFrame(0, payload));
    assert.deepEqual(sharedInterleavedFrame(2, payload), buildInterleavedFrame(2, payload));
  });

  it('joins the frames of a unit\'s packets once per channel, and shares the bytes', () => {
    const packets = [{ raw: Buffer.from([1, 2, 3]) }, { raw: Buffer.alloc(0) }, { raw: Buffer.from([4]) }];
    const joined = sharedInterleavedFrames(2, packets);
    assert.deepEqual(joined, Buffer.concat(packets.map((p) => buildInterleavedFrame(2, p.raw))));
    assert.equal(sharedInterleavedFrames(2, packets), joined, 'built once');
    assert.deepEqual(sharedInterleavedFrames(0, packets), Buffer.concat(packets.map((p) => buildInterleavedFrame(0, p.raw))));
    const single = [{ raw: Buffer.from([5, 6]) }];
    assert.equal(sharedInterleavedFrames(1, single), sharedInterleavedFrame(1, single[0]!.raw), 'one packet: its own shared frame');
    assert.throws(() => sharedInterleavedFrames(256, packets), RangeError);
    assert.throws(() => sharedInterleavedFrames(0, [{ raw: Buffer.alloc(1) }, { raw: Buffer.alloc(INTERLEAVED_MAX_PAYLOAD + 1) }]), RangeError);
  });

  it('reads what it builds, and never throws anything but RtspParseError (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 300 }), (channel, bytes) => {
      const payload = Buffer.from(bytes);
      const read = readInterleavedFrame(buildInterleavedFrame(channel, payload));
      assert.deepEqual(read && [read.channel, read.payload], [channel, payload]);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      try { readInterleavedFrame(Buffer.from(bytes)); } catch (e) { if (!(e instanceof RtspParseError)) throw e; }
    }), { numRuns: 2000 });
  });
});
