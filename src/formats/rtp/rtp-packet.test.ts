import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildRtpPacket, parseRtpPacket, RtpParseError, type RtpPacket } from './rtp-packet.ts';

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const hex = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('hex');
const HEADER = '80 60 00 01 00 00 00 02 00 00 00 03'; // V=2, PT 96, seq 1, ts 2, SSRC 3

interface Fields { marker: boolean; payloadType: number; sequenceNumber: number; timestamp: number; ssrc: number; payload: string }
const fieldsOf = (p: RtpPacket): Fields =>
  ({ marker: p.marker, payloadType: p.payloadType, sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, ssrc: p.ssrc, payload: hex(p.payload) });
const f = (marker: boolean, payloadType: number, sequenceNumber: number, timestamp: number, ssrc: number, payload: string): Fields =>
  ({ marker, payloadType, sequenceNumber, timestamp, ssrc, payload: payload.replace(/\s+/g, '') });

// RFC 3550 §5.1: V(2) P(1) X(1) CC(4) | M(1) PT(7) | sequence number(16) | timestamp(32) | SSRC(32) | CSRC(32) × CC,
// then with X a 32-bit extension header (16-bit profile-defined, 16-bit length in 32-bit words) and its words; with
// P the last octet counts the padding octets, itself included. [name, wire, fields, buildable: no CSRC/X/P]
const VECTORS: [string, string, Fields, boolean][] = [
  ['PT 96, no marker', '80 60 12 34 00 01 e2 40 de ad be ef  aa bb cc', f(false, 96, 0x1234, 123456, 0xdeadbeef, 'aabbcc'), true],
  ['marker, PT 0, empty payload', '80 80 00 00 00 00 00 00 00 00 00 00', f(true, 0, 0, 0, 0, ''), true],
  ['largest PT, sequence number, timestamp and SSRC', '80 ff ff ff ff ff ff ff ff ff ff ff  01', f(true, 127, 0xffff, 0xffffffff, 0xffffffff, '01'), true],
  ['two CSRCs (CC=2) skipped', '82 60 00 01 00 00 00 02 00 00 00 03  00 00 00 0a 00 00 00 0b  99', f(false, 96, 1, 2, 3, '99'), false],
  ['fifteen CSRCs (CC=15, the most)', `8f 60 00 01 00 00 00 02 00 00 00 03 ${'00 00 00 0a '.repeat(15)} ee`, f(false, 96, 1, 2, 3, 'ee'), false],
  ['extension (X) in the RFC 8285 one-byte form', '90 60 00 01 00 00 00 02 00 00 00 03  be de 00 01  10 ff 00 00  aa', f(false, 96, 1, 2, 3, 'aa'), false],
  ['extension of zero words', '90 60 00 01 00 00 00 02 00 00 00 03  10 00 00 00  aa', f(false, 96, 1, 2, 3, 'aa'), false],
  ['padding (P): the last octet counts itself', 'a0 60 00 01 00 00 00 02 00 00 00 03  aa bb  00 00 03', f(false, 96, 1, 2, 3, 'aabb'), false],
  ['padding only: empty payload', 'a0 60 00 01 00 00 00 02 00 00 00 03  00 00 00 04', f(false, 96, 1, 2, 3, ''), false],
  ['CSRC, extension, padding and marker together', 'b1 e0 00 01 00 00 00 02 00 00 00 03  00 00 00 0a  ab cd 00 00  ca fe  00 02', f(true, 96, 1, 2, 3, 'cafe'), false],
];

// [name, wire]: each refused with RtpParseError.
const MALFORMED: [string, string][] = [
  ['empty', ''],
  ['11 bytes: shorter than the fixed header', '80 60 00 01 00 00 00 02 00 00 00'],
  ['version 0', '00 60 00 01 00 00 00 02 00 00 00 03'],
  ['version 1', '40 60 00 01 00 00 00 02 00 00 00 03'],
  ['version 3', 'c0 60 00 01 00 00 00 02 00 00 00 03'],
  ['CC=1 without the CSRC', '81 60 00 01 00 00 00 02 00 00 00 03  00 00'],
  ['CC=15 with 14 CSRCs', `8f 60 00 01 00 00 00 02 00 00 00 03 ${'00 00 00 0a '.repeat(14)}`],
  ['X without the 4-byte extension header', '90 60 00 01 00 00 00 02 00 00 00 03  be de 00'],
  ['extension longer than the packet', '90 60 00 01 00 00 00 02 00 00 00 03  be de 00 02  00 00 00 00'],
  ['extension of 65535 words, 4 present', '90 60 00 01 00 00 00 02 00 00 00 03  be de ff ff  00 00 00 00'],
  ['padding count 0', 'a0 60 00 01 00 00 00 02 00 00 00 03  aa 00'],
  ['padding longer than the payload', 'a0 60 00 01 00 00 00 02 00 00 00 03  aa 03'],
  ['padding reaching into the header', 'a0 60 00 01 00 00 00 02 00 00 00 01'],
  ['padding reaching into the CSRC list', 'a1 60 00 01 00 00 00 02 00 00 00 03  00 00 00 05'],
];

const arbitraryFields = fc.record({
  marker: fc.boolean(),
  payloadType: fc.integer({ min: 0, max: 127 }),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  ssrc: fc.integer({ min: 0, max: 0xffffffff }),
  payload: fc.uint8Array({ maxLength: 2000 }),
});

describe('RTP packet (RFC 3550 §5.1)', () => {
  for (const [name, wire, fields, isBuildable] of VECTORS) {
    it(`vectors: ${name}: parses to its fields${isBuildable ? ', and the fields build to these bytes' : ''}`, () => {
      const p = parseRtpPacket(bytes(wire));
      assert.deepEqual(fieldsOf(p), fields);
      assert.equal(hex(p.raw), hex(bytes(wire)));
      if (!isBuildable) return;
      const built = buildRtpPacket({ ...fields, payload: bytes(fields.payload) });
      assert.equal(hex(built.raw), hex(bytes(wire)));
      assert.deepEqual(fieldsOf(built), fields);
    });
  }

  for (const [name, wire] of MALFORMED) {
    it(`refuses with RtpParseError: ${name}`, () => {
      assert.throws(() => parseRtpPacket(bytes(wire)), (e: unknown) => e instanceof RtpParseError && e.name === 'RtpParseError');
    });
  }

  it('keeps the wire bytes: raw is the input and the payload a view of it, so forwarding copies nothing', () => {
    const wire = bytes(`${HEADER} 01 02 03`);
    const p = parseRtpPacket(wire);
    assert.equal(p.raw, wire);
    assert.equal(p.payload.buffer, wire.buffer);
    assert.equal(p.payload.byteOffset, wire.byteOffset + 12);
  });

  it('parses and builds packets at the 65535-byte limit of TCP interleaving (RFC 2326 §10.12)', () => {
    const payload = Buffer.alloc(65535 - 12, 0xab);
    const built = buildRtpPacket({ marker: true, payloadType: 96, sequenceNumber: 7, timestamp: 8, ssrc: 9, payload });
    assert.equal(built.raw.length, 65535);
    assert.equal(parseRtpPacket(built.raw).payload.length, 65523);
    const padded = Buffer.concat([bytes('a0 60 00 01 00 00 00 02 00 00 00 03'), Buffer.alloc(65535 - 12 - 1), Buffer.from([255])]);
    assert.equal(parseRtpPacket(padded).payload.length, 65535 - 12 - 255);
  });

  it('builds sequence numbers, timestamps and SSRCs modulo their field sizes, and says so in what it returns', () => {
    const p = buildRtpPacket({ marker: false, payloadType: 96, sequenceNumber: 0x10005, timestamp: -1, ssrc: 2 ** 32 + 3, payload: Buffer.alloc(0) });
    assert.equal(hex(p.raw), hex(bytes('80 60 00 05 ff ff ff ff 00 00 00 03')));
    assert.deepEqual(fieldsOf(p), fieldsOf(parseRtpPacket(p.raw)));
  });

  it('parse(build(x)) = x for any fields and payload', () => {
    fc.assert(fc.property(arbitraryFields, (x) => {
      const built = buildRtpPacket({ ...x, payload: Buffer.from(x.payload) });
      const expected = { ...x, payload: hex(x.payload) };
      assert.deepEqual(fieldsOf(built), expected);
      assert.deepEqual(fieldsOf(parseRtpPacket(built.raw)), expected);
    }), { numRuns: 1000 });
  });

  it('throws RtpParseError and nothing else on arbitrary bytes; what it accepts lies inside the packet', () => {
    const packet = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      // Mostly valid headers, so the CSRC, extension and padding checks get exercised too.
      fc.tuple(fc.integer({ min: 0, max: 0x3f }), fc.uint8Array({ minLength: 11, maxLength: 80 })).map(([b0, rest]) => Uint8Array.of(0x80 | b0, ...rest)),
    );
    fc.assert(fc.property(packet, (u) => {
      let p: RtpPacket;
      try { p = parseRtpPacket(Buffer.from(u)); } catch (e) { assert.ok(e instanceof RtpParseError, String(e)); return; }
      const start = p.payload.byteOffset - p.raw.byteOffset;
      assert.ok(start >= 12 + 4 * (u[0]! & 0x0f) && start + p.payload.length <= u.length);
    }), { numRuns: 5000 });
  });
});

describe('RTP packet: found by these tests', () => {
  it('refuses to build a payload type that does not fit its 7 bits (it was written masked: 200 became 72)', () => {
    for (const payloadType of [128, 200, -1, 1.5]) {
      assert.throws(() => buildRtpPacket({ marker: false, payloadType, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: Buffer.alloc(0) }), { name: 'RtpParseError' }, String(payloadType));
    }
    const p = buildRtpPacket({ marker: false, payloadType: 127, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: Buffer.alloc(0) });
    assert.equal(parseRtpPacket(p.raw).payloadType, 127);
  });
});
