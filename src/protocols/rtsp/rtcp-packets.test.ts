import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  RtcpParseError, buildBye, buildReceiverReport, buildSenderReport, ntpMiddle32, ntpTimeOfUnixMs, parseRtcpPackets,
  type RtcpPacket, type RtcpReportBlock,
} from './rtcp-packets.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const BLOCK: RtcpReportBlock = {
  ssrc: 42, fractionLost: 25, totalLost: 3, highestSequence: 0x10005, jitter: 12,
  lastSenderReport: 0xccdd1122, delaySinceLastSenderReport: 0x10000,
};
const BLOCK_HEX = '0000002a 19000003 00010005 0000000c ccdd1122 00010000';

// Each vector is read by the parser and written by the builder: bytes ⇄ packet.
const VECTORS: { name: string; bytes: string; packet: RtcpPacket }[] = [
  {
    name: 'SR without report blocks (what readers get)',
    bytes: '80c80006 12345678 83aa7e81 80000000 00015f90 0000000a 000003e8',
    packet: { type: 'sr', ssrc: 0x12345678, ntpSeconds: 0x83aa7e81, ntpFraction: 0x80000000, rtpTime: 90000, packetCount: 10, octetCount: 1000, reports: [] },
  },
  {
    name: 'SR with one report block',
    bytes: `81c8000c 00000001 83aa7e80 00000000 00000000 00000000 00000000 ${BLOCK_HEX}`,
    packet: { type: 'sr', ssrc: 1, ntpSeconds: 0x83aa7e80, ntpFraction: 0, rtpTime: 0, packetCount: 0, octetCount: 0, reports: [BLOCK] },
  },
  {
    name: 'RR with one report block (what publishers get)',
    bytes: `81c90007 00000001 ${BLOCK_HEX}`,
    packet: { type: 'rr', ssrc: 1, reports: [BLOCK] },
  },
  {
    name: 'RR whose cumulative loss is negative (duplicates)',
    bytes: '81c90007 00000001 0000002a 00ffffff 00000000 00000000 00000000 00000000',
    packet: { type: 'rr', ssrc: 1, reports: [{ ssrc: 42, fractionLost: 0, totalLost: -1, highestSequence: 0, jitter: 0, lastSenderReport: 0, delaySinceLastSenderReport: 0 }] },
  },
  { name: 'empty RR', bytes: '80c90001 deadbeef', packet: { type: 'rr', ssrc: 0xdeadbeef, reports: [] } },
  { name: 'BYE of one source', bytes: '81cb0001 12345678', packet: { type: 'bye', ssrcs: [0x12345678] } },
  { name: 'BYE of two sources', bytes: '82cb0002 00000001 00000002', packet: { type: 'bye', ssrcs: [1, 2] } },
];

function build(p: RtcpPacket): Buffer {
  switch (p.type) {
    case 'sr': return buildSenderReport(p);
    case 'rr': return buildReceiverReport(p);
    case 'bye': return buildBye(p.ssrcs);
    case 'other': throw new Error('no builder');
  }
}

describe('RTCP packets (RFC 3550 §6.4, §6.6)', () => {
  for (const v of VECTORS) {
    it(`parses ${v.name}`, () => assert.deepEqual(parseRtcpPackets(hex(v.bytes)), [v.packet]));
    it(`builds ${v.name}`, () => assert.equal(build(v.packet).toString('hex'), v.bytes.replace(/\s+/g, '')));
  }

  it('splits a compound packet and keeps unknown packets as their body', () => {
    const sdes = '81ca0002 12345678 01000000'; // SDES with an empty chunk, as a view
    const [sr, other, bye] = parseRtcpPackets(hex(`${VECTORS[0]!.bytes} ${sdes} 81cb0001 12345678`));
    assert.equal(sr!.type, 'sr');
    assert.deepEqual(other, { type: 'other', packetType: 202, count: 1, body: hex('12345678 01000000') });
    assert.deepEqual(bye, { type: 'bye', ssrcs: [0x12345678] });
  });

  it('drops the padding of a packet with the P bit', () => {
    assert.deepEqual(parseRtcpPackets(hex('a0c90002 deadbeef 00000004')), [{ type: 'rr', ssrc: 0xdeadbeef, reports: [] }]);
  });

  const malformed: [string, string][] = [
    ['shorter than a header', '80c800'],
    ['version 1', '40c90001 deadbeef'],
    ['a length beyond the buffer', '80c90002 deadbeef'],
    ['a truncated second header', '80c90001 deadbeef 80c9'],
    ['an SR shorter than its report count', '81c80006 12345678 83aa7e81 80000000 00015f90 0000000a 000003e8'],
    ['an RR shorter than its report count', '81c90001 00000001'],
    ['a BYE shorter than its source count', '82cb0001 00000001'],
    ['zero padding', 'a0c90002 deadbeef 00000000'],
    ['padding longer than the body', 'a0c90001 000000ff'],
  ];
  for (const [name, bytes] of malformed) {
    it(`refuses ${name}`, () => assert.throws(() => parseRtcpPackets(hex(bytes)), RtcpParseError));
  }

  it('converts Unix time to NTP time and takes its middle 32 bits', () => {
    assert.deepEqual(ntpTimeOfUnixMs(0), { ntpSeconds: 2208988800, ntpFraction: 0 });
    assert.deepEqual(ntpTimeOfUnixMs(1500), { ntpSeconds: 2208988801, ntpFraction: 0x80000000 });
    assert.equal(ntpMiddle32(0xaabbccdd, 0x11223344), 0xccdd1122);
  });

  it('parses what it builds (property)', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const block = fc.record({
      ssrc: u32, fractionLost: fc.integer({ min: 0, max: 255 }), totalLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
      highestSequence: u32, jitter: u32, lastSenderReport: u32, delaySinceLastSenderReport: u32,
    }, { noNullPrototype: true });
    const blocks = fc.array(block, { maxLength: 31 });
    const packet: fc.Arbitrary<RtcpPacket> = fc.oneof(
      fc.record({ type: fc.constant('sr' as const), ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTime: u32, packetCount: u32, octetCount: u32, reports: blocks }, { noNullPrototype: true }),
      fc.record({ type: fc.constant('rr' as const), ssrc: u32, reports: blocks }, { noNullPrototype: true }),
      fc.record({ type: fc.constant('bye' as const), ssrcs: fc.array(u32, { maxLength: 31 }) }, { noNullPrototype: true }),
    );
    fc.assert(fc.property(fc.array(packet, { minLength: 1, maxLength: 4 }), (packets) => {
      assert.deepEqual(parseRtcpPackets(Buffer.concat(packets.map(build))), packets);
    }), { numRuns: 500 });
  });

  it('never throws anything but RtcpParseError (property)', () => {
    const valid = Buffer.concat(VECTORS.map((v) => hex(v.bytes)));
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)),
      // Valid packets with a few bytes changed reach deeper than random bytes.
      fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }).map((edits) => {
        const b = Buffer.from(valid);
        for (const [i, v] of edits) b[i] = v;
        return b.subarray(0, Math.max(0, b.length - (edits[0]?.[1] ?? 0)));
      }),
    );
    fc.assert(fc.property(bytes, (b) => {
      try { parseRtcpPackets(b); } catch (e) { if (!(e instanceof RtcpParseError)) throw e; }
    }), { numRuns: 3000 });
  });
});
