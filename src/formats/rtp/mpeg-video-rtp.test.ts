import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MpegVideoDepacketizer, MpegVideoPacketizer } from './mpeg-video-rtp.ts';
import { buildRtpPacket, type RtpPacket } from './rtp-packet.ts';

const code = (c: number, body: number[] | Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 1, c]), Buffer.from(body)]);
// 13818-2 §6.2: a 320x240 sequence header (8 bytes after its code), a GOP header (4 bytes).
const SEQUENCE = code(0xb3, [0x14, 0x00, 0xf0, 0x13, 0xff, 0xff, 0xe0, 0x18]);
const GOP = code(0xb8, [0x00, 0x08, 0x00, 0x00]);
// picture_header() bits (§6.2.3): temporal_reference(10) picture_coding_type(3) vbv_delay(16) [f-codes] padding.
const PICTURE_I = code(0x00, [0x00, 0x0f, 0xff, 0xf8, 0x00]); // TR 0, I
const PICTURE_P = code(0x00, [0x01, 0x57, 0xff, 0xfb, 0x80]); // TR 5, P, full_pel_forward 0, forward_f_code 7
const PICTURE_B = code(0x00, [0x00, 0xdf, 0xff, 0xfd, 0x28]); // TR 3, B, FFV 1, FFC 2, FBV 0, BFC 5
const slice = (n: number, length: number): Buffer => code(n, Buffer.alloc(length, 0x10 + n));

const pkt = (seq: number, ts: number, marker: boolean, payload: number[] | Buffer): RtpPacket =>
  buildRtpPacket({ marker, payloadType: 32, sequenceNumber: seq & 0xffff, timestamp: ts, ssrc: 7, payload: Buffer.from(payload) });
const headerOf = (p: RtpPacket): number[] => [...p.payload.subarray(0, 4)];

describe('MPEG-1/2 video RTP (RFC 2250 §3)', () => {
  it('vectors: one packet per small picture, the §3.4 header from the picture header, marker and timestamp', () => {
    const iFrame = Buffer.concat([SEQUENCE, GOP, PICTURE_I, slice(1, 100), slice(2, 100)]);
    const [i, ...rest] = new MpegVideoPacketizer(32, 1460).packetize(iFrame, 90_000);
    assert.equal(rest.length, 0, 'one packet');
    assert.deepEqual(headerOf(i!), [0x00, 0x00, 0x39, 0x00], 'TR 0, S B E, P=I');
    assert.ok(i!.payload.subarray(4).equals(iFrame), 'the frame follows the header');
    assert.deepEqual([i!.payloadType, i!.timestamp, i!.marker], [32, 90_000, true]);
    const [p] = new MpegVideoPacketizer().packetize(Buffer.concat([PICTURE_P, slice(1, 50)]), 3600);
    assert.deepEqual(headerOf(p!), [0x00, 0x05, 0x1a, 0x07], 'TR 5, B E, P=P, FFV 0 FFC 7');
    const [b] = new MpegVideoPacketizer().packetize(Buffer.concat([PICTURE_B, slice(1, 50)]), 3600);
    assert.deepEqual(headerOf(b!), [0x00, 0x03, 0x1b, 0x5a], 'TR 3, B E, P=B, FBV 0 BFC 5 FFV 1 FFC 2');
  });

  it('vectors: headers stay in front of the first slice, whole slices per packet, a large slice fragmented (§3.1)', () => {
    const headers = Buffer.concat([SEQUENCE, GOP, PICTURE_I]);
    const frame = Buffer.concat([headers, slice(1, 100), slice(2, 100), slice(3, 2000)]);
    const ps = new MpegVideoPacketizer(32, headers.length + 104 + 4).packetize(frame, 0);
    const room = headers.length + 104;
    assert.deepEqual(ps.slice(0, 3).map((p) => p.payload.length - 4), [room, 104, room], 'payload sizes');
    assert.equal(ps.length, 2 + Math.ceil(2004 / room), `${ps.length} packets`);
    assert.ok(ps[0]!.payload.subarray(4).equals(Buffer.concat([headers, slice(1, 100)])), 'headers + first slice');
    assert.deepEqual(ps.map((p) => p.payload[2]! & 0x38), [0x38, 0x18, 0x10, ...Array(ps.length - 4).fill(0), 0x08], 'S, B and E flags');
    assert.deepEqual(ps.map((p) => p.marker), ps.map((_, n) => n === ps.length - 1), 'marker on the last packet only');
    assert.ok(ps.every((p) => p.payload.length <= headers.length + 108), 'no packet above the maximum');
    const d = new MpegVideoDepacketizer();
    const out = ps.flatMap((p) => d.push(p));
    assert.equal(out.length, 1);
    assert.ok(out[0]!.frame.equals(frame), 'the depacketizer gives the frame back');
  });

  it('vectors: reads packets of other senders, with the MPEG-2 extension (T) and frames ended by the marker', () => {
    const d = new MpegVideoDepacketizer();
    const a = Buffer.concat([PICTURE_P, slice(1, 10)]);
    const b = slice(2, 10);
    // T set: 4 more header bytes (§3.4.1) before the data.
    assert.deepEqual(d.push(pkt(1, 3000, false, [0x04, 0x05, 0x1a, 0x07, 0x02, 0x00, 0x00, 0x00, ...a])), []);
    const got = d.push(pkt(2, 3000, true, [0x00, 0x05, 0x1a, 0x07, ...b]));
    assert.deepEqual(got.map((f) => [f.pts, f.frame.toString('hex')]), [[3000, Buffer.concat([a, b]).toString('hex')]]);
  });

  it('drops a picture with a lost packet, and a picture whose start was lost', () => {
    const frame = Buffer.concat([PICTURE_P, slice(1, 300), slice(2, 300)]);
    const ps = new MpegVideoPacketizer(32, 200).packetize(frame, 0);
    const d = new MpegVideoDepacketizer();
    assert.deepEqual(ps.filter((_, n) => n !== 2).flatMap((p) => d.push(p)), [], 'gap');
    const next = new MpegVideoPacketizer(32, 200).packetize(frame, 3600);
    const e = new MpegVideoDepacketizer();
    assert.deepEqual(next.slice(1).flatMap((p) => e.push(p)), [], 'no start');
    assert.throws(() => e.push(pkt(9, 0, true, [0x80, 0, 0x18, 0, 0, 0, 1, 0])), /MBZ/);
    assert.throws(() => e.push(pkt(10, 0, true, [0, 0, 0x18, 0])), /short MPEG video payload/);
  });

  it('round-trips any picture at any payload size; arbitrary payloads only raise FrameRtpError', () => {
    // Slice bytes never hold 00 00 01 (start codes are not emulated in MPEG video), hence 0x02–0xff.
    const sliceArb = fc.tuple(fc.integer({ min: 1, max: 0xaf }), fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((b) => Buffer.from(b.map((x) => Math.max(2, x)))));
    const frameArb = fc.record({
      sequence: fc.boolean(), picture: fc.constantFrom(PICTURE_I, PICTURE_P, PICTURE_B), slices: fc.array(sliceArb, { minLength: 1, maxLength: 8 }), end: fc.boolean(),
    }).map((f) => Buffer.concat([
      ...(f.sequence ? [SEQUENCE, GOP] : []), f.picture, ...f.slices.map(([n, body]) => code(n, body)), ...(f.end ? [Buffer.from([0, 0, 1, 0xb7])] : []),
    ]));
    fc.assert(fc.property(fc.array(frameArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: 40, max: 1500 }), fc.nat(), (frames, max, ts) => {
      const pz = new MpegVideoPacketizer(32, max);
      const d = new MpegVideoDepacketizer();
      const got = frames.flatMap((f, n) => {
        const ps = pz.packetize(f, ts + n * 3600);
        assert.ok(ps.every((p) => p.payload.length <= max && p.timestamp === ((ts + n * 3600) >>> 0)), 'sizes and timestamps');
        return ps.flatMap((p) => d.push(p)).map((r) => r.frame);
      });
      assert.deepEqual(got, frames);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.boolean(), fc.integer({ min: 0, max: 2 }))), (ps) => {
      const d = new MpegVideoDepacketizer();
      ps.forEach(([b, marker, ts], n) => {
        try { d.push(pkt(n, ts, marker, Buffer.from(b))); } catch (e) { assert.equal((e as Error).name, 'FrameRtpError', String(e)); }
      });
    }), { numRuns: 2000 });
  });
});
