import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Mpeg4AudioDepacketizer, Mpeg4AudioPacketizer } from './mpeg4-audio-rtp.ts';
import { buildRtpPacket, type RtpPacket } from './rtp-packet.ts';

const bytes = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const hex = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('hex');
const pkt = (seq: number, payload: string | Uint8Array, marker = true, timestamp = 48000): RtpPacket =>
  buildRtpPacket({ marker, payloadType: 97, sequenceNumber: seq, timestamp, ssrc: 1, payload: typeof payload === 'string' ? bytes(payload) : Buffer.from(payload) });
const depacketize = (ps: RtpPacket[]): { pts: number; aus: string[] }[] => {
  const d = new Mpeg4AudioDepacketizer();
  return ps.map((p) => d.push(p)).map((r) => ({ pts: r.pts, aus: r.aus.map(hex) }));
};
const pattern = (size: number): Buffer => Buffer.from(Array.from({ length: size }, (_, i) => (i * 13 + 5) & 0xff));

// RFC 3640 AAC-hbr (mode=AAC-hbr; sizelength=13; indexlength=3; indexdeltalength=3): the payload starts with the
// 16-bit AU-headers-length in bits (§3.2.1), then one 16-bit AU header per AU: AU-size (13 bits) | AU-index(-delta)
// (3 bits, 0 without interleaving) (§3.3.6), then the AUs in order.
// [name, AU, payload]: one AU per packet both ways.
const VECTORS: [string, string, string][] = [
  ['a 6-byte AU: AU-headers-length 16, AU-size 6', 'de ad be ef ca fe', '00 10 00 30 de ad be ef ca fe'],
  ['a 1-byte AU', '21', '00 10 00 08 21'],
  ['a 371-byte AU (the mean size of AAC-LC at 128 kbit/s, 44.1 kHz): AU-size 0x173', pattern(371).toString('hex'), `00 10 0b 98 ${pattern(371).toString('hex')}`],
  ['a 5120-byte AU, the largest accepted (5 KiB): AU-size 0x1400', pattern(5120).toString('hex'), `00 10 a0 00 ${pattern(5120).toString('hex')}`],
];

describe('MPEG-4 audio RTP (RFC 3640 AAC-hbr)', () => {
  for (const [name, au, payload] of VECTORS) {
    it(`vectors: ${name}`, () => {
      // A payload size that holds the largest AU whole (RTSP over TCP carries any size).
      const [p, ...rest] = new Mpeg4AudioPacketizer(97, 65000).packetize([bytes(au)], 48000);
      assert.deepEqual(rest, []);
      assert.equal(hex(p!.payload), hex(bytes(payload)));
      assert.equal(p!.marker, true);
      assert.equal(p!.timestamp, 48000);
      assert.deepEqual(depacketize([pkt(1, payload)]), [{ pts: 48000, aus: [hex(bytes(au))] }]);
    });
  }

  it('sends each AU of a unit in its own packet, 1024 samples apart, marker on each', () => {
    const ps = new Mpeg4AudioPacketizer(97).packetize([bytes('01 02'), bytes('03'), bytes('04 05 06')], 1000);
    assert.deepEqual(ps.map((p) => [hex(p.payload), p.timestamp, p.marker]),
      [['00 10 00 10 01 02', 1000, true], ['00 10 00 08 03', 2024, true], ['00 10 00 18 04 05 06', 3048, true]].map(([h, ts, m]) => [hex(bytes(h as string)), ts, m]));
    assert.ok(ps.every((p, i) => p.sequenceNumber === ((ps[0]!.sequenceNumber + i) & 0xffff) && p.payloadType === 97));
  });

  it('vectors: several AUs in one packet (§3.2.1, as FFmpeg aggregates them): AU-headers-length 48, three headers, then the AUs', () => {
    assert.deepEqual(depacketize([pkt(1, '00 30  00 18 00 10 00 20  01 02 03  04 05  06 07 08 09')]), [{ pts: 48000, aus: ['010203', '0405', '06070809'] }]);
  });

  it('gives an empty list for a packet with no AU header', () => {
    assert.deepEqual(depacketize([pkt(1, '00 00')]), [{ pts: 48000, aus: [] }]);
  });

  for (const [name, payload] of [
    ['an empty payload', ''], ['a payload shorter than AU-headers-length', '00'],
    ['an AU-headers-length that is not a whole number of 16-bit headers', '00 0f 00 08 aa'],
    ['AU headers longer than the packet', '00 20 00 08'], ['an AU longer than the packet', '00 10 00 18 aa'],
    ['the second AU longer than the packet', '00 20 00 08 00 10 aa bb'],
    ['an AU of 5121 bytes, over the 5 KiB limit', `00 10 a0 08 ${'00'.repeat(5121)}`],
  ] as const) {
    it(`refuses ${name} with Mpeg4AudioRtpError`, () => {
      assert.throws(() => new Mpeg4AudioDepacketizer().push(pkt(1, payload)), { name: 'Mpeg4AudioRtpError' });
    });
  }

  it('round-trips random AUs, keeping their timestamps across the 32-bit wrap', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 2000 }), { minLength: 1, maxLength: 5 }), fc.nat({ max: 0xffffffff }), (aus, pts) => {
      const ps = new Mpeg4AudioPacketizer(97).packetize(aus, pts);
      assert.deepEqual(depacketize(ps), aus.map((au, i) => ({ pts: pts + i * 1024, aus: [hex(au)] })));
    }), { numRuns: 500 });
  });

  it('throws Mpeg4AudioRtpError and nothing else on arbitrary payloads', () => {
    // Arbitrary bytes, and arbitrary AU headers behind a plausible AU-headers-length of 1 to 3 headers.
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 60 }),
      fc.tuple(fc.constantFrom(0x10, 0x20, 0x30), fc.uint8Array({ maxLength: 60 })).map(([l, b]) => Uint8Array.of(0, l, ...b)),
    );
    fc.assert(fc.property(fc.array(payload, { maxLength: 10 }), (payloads) => {
      const d = new Mpeg4AudioDepacketizer();
      payloads.forEach((b, i) => {
        try { d.push(pkt(i, b)); } catch (e) { assert.equal((e as Error).name, 'Mpeg4AudioRtpError', String(e)); }
      });
    }), { numRuns: 2000 });
  });
});

describe('MPEG-4 audio RTP: found by these tests', () => {
  // RFC 3640 §3.2.3: an AU larger than a packet is sent in fragments, each with one AU header carrying the whole AU's
  // size, the marker on the last. FFmpeg does this (libavformat/rtpenc_aac.c) for AUs over its maximum payload - 4.
  it('reassembles a fragmented AU', () => {
    assert.deepEqual(depacketize([pkt(1, '00 10 00 50  01 02 03 04 05', false), pkt(2, '00 10 00 50  06 07 08 09 0a', true)]).flatMap((r) => r.aus),
      ['0102030405060708090a']);
  });

  it('fragments an AU larger than the payload size, marker on the last fragment, and reads it back', () => {
    const au = pattern(3000);
    const ps = new Mpeg4AudioPacketizer(97, 1000).packetize([au], 9000);
    assert.deepEqual(ps.map((p) => [p.payload.length, p.marker, p.timestamp]), [[1000, false, 9000], [1000, false, 9000], [1000, false, 9000], [16, true, 9000]]);
    assert.ok(ps.every((p) => hex(p.payload.subarray(0, 4)) === '00105dc0'), 'every fragment carries the whole AU size (3000 << 3)');
    assert.deepEqual(depacketize(ps).flatMap((r) => r.aus), [hex(au)]);
  });

  it('refuses an interrupted or overlong fragmented AU and recovers at the next AU', () => {
    const d = new Mpeg4AudioDepacketizer();
    d.push(pkt(1, '00 10 00 50  01 02 03 04 05', false));
    assert.throws(() => d.push(pkt(2, '00 10 00 50  06 07 08 09 0a', true, 49024)), /interrupted/);
    assert.deepEqual(d.push(pkt(3, '00 10 00 08 21')).aus.map(hex), ['21']);
    d.push(pkt(4, '00 10 00 18  01 02', false));
    assert.throws(() => d.push(pkt(5, '00 10 00 18  03 04', true)), /exceed/);
  });

  it('refuses to packetize an AU over the 5 KiB limit (the 13-bit size field would wrap at 8 KiB)', () => {
    assert.throws(() => new Mpeg4AudioPacketizer(97).packetize([Buffer.alloc(8192)], 0), { name: 'Mpeg4AudioRtpError' });
  });
});
