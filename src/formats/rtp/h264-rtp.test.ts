import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { H264Depacketizer, H264Packetizer, type H264AccessUnit } from './h264-rtp.ts';
import { buildRtpPacket, type RtpPacket } from './rtp-packet.ts';

const bytes = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const hex = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('hex');
const pkt = (seq: number, payload: string | Uint8Array, marker: boolean, timestamp = 3000): RtpPacket =>
  buildRtpPacket({ marker, payloadType: 96, sequenceNumber: seq, timestamp, ssrc: 1, payload: typeof payload === 'string' ? bytes(payload) : Buffer.from(payload) });
const units = (aus: H264AccessUnit[]): { pts: number; nalus: string[]; randomAccess: boolean }[] =>
  aus.map((a) => ({ pts: a.pts, nalus: a.nalus.map(hex), randomAccess: a.randomAccess }));
const depacketize = (ps: RtpPacket[]): ReturnType<typeof units> => { const d = new H264Depacketizer(); return units(ps.flatMap((p) => d.push(p))); };

// A NAL unit: header byte then `size - 1` bytes of a counting pattern.
const nal = (header: number, size: number): Buffer => Buffer.from([header, ...Array.from({ length: size - 1 }, (_, i) => (i * 7 + 1) & 0xff)]);

// [name, access unit (NAL units), maxPayload, packets as "payload" + marker]: packetize gives exactly these packets,
// and depacketizing them gives the access unit back.
// STAP-A (§5.7.1): NAL header F|NRI|24, F set if any unit's is, NRI the highest of the units' (§5.7); then for each
// unit its 16-bit size and the unit itself. Consecutive units go together while they fit, as gortsplib's rtph264.
const VECTORS: [string, string[], number, [string, boolean][]][] = [
  ['single NAL unit packet (RFC 6184 §5.6)', ['65 88 84 00'], 1460, [['65 88 84 00', true]]],
  ['SPS, PPS and IDR slice that fit together: one STAP-A, marker set (§5.7.1, §5.1)',
    ['67 42 c0 1e', '68 ce 3c 80', '65 88 80 40'], 1460, [['78 0004 6742c01e 0004 68ce3c80 0004 65888040', true]]],
  ['SPS and PPS in a STAP-A, the IDR slice too big to join them in FU-A (§5.7.1, §5.8)',
    ['67 42 c0 1e', '68 ce 3c 80', '65 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d'], 13,
    [['78 0004 6742c01e 0004 68ce3c80', false], ['7c 85 01 02 03 04 05 06 07 08 09 0a 0b', false], ['7c 45 0c 0d', true]]],
  ['STAP-A NRI is the highest of its units, F set if any unit has it: SEI (NRI 0), slice (NRI 2), forbidden bit', ['06 05 01', '41 9a', 'c1 9b'], 1460,
    [['d8 0003 060501 0002 419a 0002 c19b', true]]],
  ['a STAP-A of exactly maxPayload bytes; one byte more and the last unit goes alone', ['41 aa', '41 bb cc'], 10,
    [['58 0002 41aa 0003 41bbcc', true]]],
  ['one byte over maxPayload as a STAP-A: single NAL unit packets', ['41 aa', '41 bb cc dd'], 10, [['41 aa', false], ['41 bb cc dd', true]]],
  ['a small unit after a fragmented one starts a new packet; the next small one joins it', ['65 01 02 03 04 05 06 07 08 09 0a', '41 aa', '41 bb'], 9,
    [['7c 85 01 02 03 04 05 06 07', false], ['7c 45 08 09 0a', false], ['58 0002 41aa 0002 41bb', true]]],
  // FU indicator: F|NRI of the NAL unit, type 28; FU header: S|E|R=0|type of the NAL unit; the NAL header byte itself is not sent.
  ['FU-A start, middle and end of an IDR slice (§5.8)', ['65 01 02 03 04 05 06 07 08 09 0a'], 6,
    [['7c 85 01 02 03 04', false], ['7c 05 05 06 07 08', false], ['7c 45 09 0a', true]]],
  ['FU-A keeps NRI 2 of a non-IDR slice (§5.8)', ['41 e0 e1 e2 e3 e4'], 5, [['5c 81 e0 e1 e2', false], ['5c 41 e3 e4', true]]],
  ['a NAL unit of exactly maxPayload bytes stays whole; one byte more is fragmented', ['41 aa bb cc dd', '41 d1 d2 d3 d4 d5'], 5,
    [['41 aa bb cc dd', false], ['5c 81 d1 d2 d3', false], ['5c 41 d4 d5', true]]],
];

// NAL unit sizes of real encoder output (header byte, bytes), per access unit:
//   ffmpeg -f lavfi -i testsrc2=size=640x360:rate=25 -frames:v 3 -c:v libx264 -preset ultrafast -tune zerolatency -g 50 -f h264
//     (FFmpeg 5.1, x264 core 164: two slices per picture)
//   ffmpeg -f lavfi -i testsrc2=size=1280x720:rate=30 -frames:v 3 -c:v libx264 -g 60 -bf 0 -f h264
// and, per maxPayload, the packet count and last payload size of each STAP-A or NAL unit: SPS, PPS and SEI go in one
// STAP-A of 1 + Σ(2 + size) bytes; FU-A carries maxPayload - 2 bytes of the NAL unit after its header byte, so n
// bytes take ceil((n - 1) / (maxPayload - 2)) packets.
const X264_AUS: [string, [number, number][], Record<number, [number, number][]>][] = [
  ['640x360 ultrafast IDR: SPS, PPS, SEI, 2 slices', [[0x67, 25], [0x68, 4], [0x06, 603], [0x65, 8209], [0x65, 7914]],
    { 1460: [[1, 639], [6, 920], [6, 625]], 1200: [[1, 639], [7, 1022], [7, 727]] }],
  ['640x360 ultrafast P', [[0x41, 2115], [0x41, 5266]], { 1460: [[2, 658], [4, 893]], 1200: [[2, 918], [5, 475]] }],
  ['640x360 ultrafast P', [[0x41, 2432], [0x41, 5978]], { 1460: [[2, 975], [5, 147]], 1200: [[3, 37], [5, 1187]] }],
  ['1280x720 medium IDR', [[0x67, 24], [0x68, 6], [0x06, 623], [0x65, 21462]],
    { 1460: [[1, 660], [15, 1051]], 1200: [[1, 660], [18, 1097]] }],
  ['1280x720 medium P', [[0x41, 12603]], { 1460: [[9, 940]], 1200: [[11, 624]] }],
  ['1280x720 medium P', [[0x41, 11396]], { 1460: [[8, 1191]], 1200: [[10, 615]] }],
];

describe('H264 RTP (RFC 6184)', () => {
  for (const [name, au, maxPayload, packets] of VECTORS) {
    it(`vectors: ${name}`, () => {
      const ps = new H264Packetizer(96, maxPayload).packetize(au.map(bytes), 123456);
      assert.deepEqual(ps.map((p) => [hex(p.payload), p.marker]), packets.map(([h, m]) => [hex(bytes(h)), m]));
      assert.ok(ps.every((p, i) => p.timestamp === 123456 && p.payloadType === 96 && p.sequenceNumber === ((ps[0]!.sequenceNumber + i) & 0xffff)));
      const wire = packets.map(([h, m], i) => pkt(100 + i, h, m, 123456));
      assert.deepEqual(depacketize(wire), [{ pts: 123456, nalus: au.map((h) => hex(bytes(h))), randomAccess: au.some((h) => (bytes(h)[0]! & 0x1f) === 5) }]);
    });
  }

  it('vectors: STAP-A (§5.7.1) gives its NAL units, and they join the rest of the access unit', () => {
    // STAP-A NAL header: F=0, NRI=3 (the highest of the units), type 24; then 16-bit size + NAL unit, repeated.
    const stapA = '78 00 04 67 42 c0 1e 00 04 68 ce 3c 80';
    assert.deepEqual(depacketize([pkt(1, stapA, false), pkt(2, '65 88 84 00', true)]),
      [{ pts: 3000, nalus: ['6742c01e', '68ce3c80', '65888400'], randomAccess: true }]);
    assert.deepEqual(depacketize([pkt(1, stapA, true)]), [{ pts: 3000, nalus: ['6742c01e', '68ce3c80'], randomAccess: false }]);
  });

  it('takes a zero size after the last STAP-A unit as padding, as gortsplib does (cameras pad STAP-A packets)', () => {
    assert.deepEqual(depacketize([pkt(1, '78 00 04 67 42 c0 1e 00 04 68 ce 3c 80 00 00', true)]),
      [{ pts: 3000, nalus: ['6742c01e', '68ce3c80'], randomAccess: false }]);
    assert.deepEqual(depacketize([pkt(1, '78 00 04 67 42 c0 1e 00 00 00 00 00', true)]), [{ pts: 3000, nalus: ['6742c01e'], randomAccess: false }]);
  });

  it('ends an access unit at a timestamp change when its marker packet was lost', () => {
    const d = new H264Depacketizer();
    assert.deepEqual(d.push(pkt(1, '41 01', false, 3000)), []);
    assert.deepEqual(units(d.push(pkt(2, '41 02', true, 6000))), [
      { pts: 3000, nalus: ['4101'], randomAccess: false }, { pts: 6000, nalus: ['4102'], randomAccess: false },
    ]);
  });

  it('drops a FU-A NAL unit with a lost fragment or a lost start, and resumes at the next one', () => {
    assert.deepEqual(depacketize([pkt(10, '7c 85 01 02', false), pkt(12, '7c 45 05 06', true), pkt(13, '41 09', true, 6000)]),
      [{ pts: 6000, nalus: ['4109'], randomAccess: false }]);
    assert.deepEqual(depacketize([pkt(11, '7c 05 03 04', false), pkt(12, '7c 45 05 06', true), pkt(13, '41 09', true, 6000)]),
      [{ pts: 6000, nalus: ['4109'], randomAccess: false }]);
  });

  for (const [name, payload] of [
    ['an empty payload', ''], ['NAL unit type 0', '00 01'], ['STAP-B (type 25)', '19 00 00 00 01 41'], ['MTAP16 (type 26)', '1a 00 00'],
    ['MTAP24 (type 27)', '1b 00 00'], ['FU-B (type 29)', '1d 85 00 00 01'], ['type 30', '1e 00'], ['type 31', '1f 00'],
    ['a STAP-A cut inside a size field', '78 00'], ['a STAP-A unit of size 0', '78 00 00 41'], ['a STAP-A unit longer than the packet', '78 00 05 67 42'],
    ['a FU-A without fragment data', '7c 85'],
  ] as const) {
    it(`refuses ${name} with H264RtpError`, () => {
      assert.throws(() => new H264Depacketizer().push(pkt(1, payload, true)), { name: 'H264RtpError' });
    });
  }

  it('bounds access units: at most 50 NAL units and 8 MiB, fragments included', () => {
    const d = new H264Depacketizer();
    assert.throws(() => { for (let i = 0; i < 51; i++) d.push(pkt(i, '41 00', false)); }, { name: 'H264RtpError', message: /limits/ });
    const f = new H264Depacketizer();
    const fragment = (seq: number, start: boolean): RtpPacket => pkt(seq, Buffer.concat([bytes(start ? '7c 85' : '7c 05'), Buffer.alloc(1400)]), false);
    f.push(fragment(0, true));
    assert.throws(() => { for (let i = 1; i < 10_000; i++) f.push(fragment(i, false)); }, { name: 'H264RtpError', message: /fragmented/ });
    assert.throws(() => new H264Packetizer(96, 3), RangeError);
  });

  for (const maxPayload of [1460, 1200]) {
    it(`packetizes real x264 NAL unit sizes at a maximum payload of ${maxPayload} bytes, and gets them back`, () => {
      let pts = 0;
      for (const [name, sizes, layouts] of X264_AUS) {
        const au = sizes.map(([header, size]) => nal(header, size));
        const ps = new H264Packetizer(96, maxPayload).packetize(au, pts);
        const layout: [number, number][] = [];
        for (const p of ps) {
          const isFragment = (p.payload[0]! & 0x1f) === 28;
          if (!isFragment || (p.payload[1]! & 0x80) !== 0) layout.push([0, 0]);
          layout[layout.length - 1] = [layout.at(-1)![0] + 1, p.payload.length];
        }
        assert.deepEqual(layout, layouts[maxPayload], name);
        assert.ok(ps.every((p, i) => p.payload.length <= maxPayload && p.marker === (i === ps.length - 1) && p.timestamp === pts), name);
        assert.deepEqual(depacketize(ps), [{ pts, nalus: au.map(hex), randomAccess: sizes.some(([h]) => (h & 0x1f) === 5) }], name);
        pts += 3600;
      }
    });
  }

  it('round-trips random access units through any maximum payload size', () => {
    const naluArb = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 23 }), fc.uint8Array({ maxLength: 3000 }))
      .map(([fNri, type, body]) => Buffer.from([(fNri << 5) | type, ...body]));
    fc.assert(fc.property(fc.array(naluArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 4, max: 1500 }), fc.nat({ max: 0xffffffff }), (au, max, pts) => {
      const ps = new H264Packetizer(96, max).packetize(au, pts);
      assert.ok(ps.every((p) => p.payload.length <= max));
      assert.deepEqual(depacketize(ps), [{ pts, nalus: au.map(hex), randomAccess: au.some((n) => (n[0]! & 0x1f) === 5) }]);
    }), { numRuns: 300 });
  });

  it('throws H264RtpError and nothing else on arbitrary payloads', () => {
    // Arbitrary bytes, and arbitrary bytes behind a STAP-A or FU-A header so the aggregation and fragment paths run.
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 60 }),
      fc.tuple(fc.constantFrom(0x78, 0x7c, 0x5c), fc.uint8Array({ maxLength: 60 })).map(([h, b]) => Uint8Array.of(h, ...b)),
    );
    fc.assert(fc.property(fc.array(fc.tuple(payload, fc.boolean(), fc.constantFrom(3000, 6000))), (packets) => {
      const d = new H264Depacketizer();
      packets.forEach(([b, marker, ts], i) => {
        try { d.push(pkt(i, b, marker, ts)); } catch (e) { assert.equal((e as Error).name, 'H264RtpError', String(e)); }
      });
    }), { numRuns: 2000 });
  });
});
