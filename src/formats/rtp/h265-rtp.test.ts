import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { H265Depacketizer, H265Packetizer } from './h265-rtp.ts';
import { buildRtpPacket, type RtpPacket } from './rtp-packet.ts';

const pkt = (seq: number, payload: number[] | Buffer, marker = true, timestamp = 9000): RtpPacket =>
  buildRtpPacket({ marker, payloadType: 96, sequenceNumber: seq, timestamp, ssrc: 1, payload: Buffer.from(payload) });

// A 2-byte-header NAL of type `t` (layer 0, TID 1) followed by `body`.
const nal = (t: number, body: number[]): Buffer => Buffer.from([t << 1, 1, ...body]);

describe('H265 RTP (RFC 7798)', () => {
  it('vectors: single NAL unit packet ↔ NAL unit', () => {
    const idr = nal(19, [0xaa, 0xbb]);
    const [p] = new H265Packetizer(96, 100).packetize([idr], 1234);
    assert.deepEqual([...p!.payload], [0x26, 0x01, 0xaa, 0xbb]);
    assert.equal(p!.marker, true);
    const au = new H265Depacketizer().push(pkt(1, [0x26, 0x01, 0xaa, 0xbb]));
    assert.deepEqual(au.map((a) => [a.nalus, a.randomAccess]), [[[idr], true]]);
  });

  it('vectors: FU packets ↔ NAL unit (payload header type 49, FU header S/E + type)', () => {
    const big = nal(1, [1, 2, 3, 4, 5, 6, 7]); // 9 bytes, maxPayload 6 → 3 bytes of NAL data per FU
    const ps = new H265Packetizer(96, 6).packetize([big], 0);
    assert.deepEqual(ps.map((p) => [...p.payload]), [[0x62, 0x01, 0x81, 1, 2, 3], [0x62, 0x01, 0x01, 4, 5, 6], [0x62, 0x01, 0x41, 7]]);
    assert.deepEqual(ps.map((p) => p.marker), [false, false, true]);
    const d = new H265Depacketizer();
    const out = [pkt(10, [0x62, 0x01, 0x81, 1, 2, 3], false), pkt(11, [0x62, 0x01, 0x01, 4, 5, 6], false), pkt(12, [0x62, 0x01, 0x41, 7])].flatMap((p) => d.push(p));
    assert.deepEqual(out.map((a) => a.nalus), [[big]]);
  });

  it('vectors: an aggregation packet gives its NAL units', () => {
    const vps = nal(32, [9]);
    const sps = nal(33, [8, 7]);
    const ap = [0x60, 0x01, 0, 3, ...vps, 0, 4, ...sps];
    assert.deepEqual(new H265Depacketizer().push(pkt(1, ap)).map((a) => a.nalus), [[vps, sps]]);
  });

  it('drops an FU whose packets have a sequence gap', () => {
    const d = new H265Depacketizer();
    d.push(pkt(10, [0x62, 0x01, 0x81, 1, 2, 3], false));
    assert.deepEqual(d.push(pkt(12, [0x62, 0x01, 0x41, 7])), []);
  });

  it('round-trips random access units through any payload size', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.uint8Array({ minLength: 1, maxLength: 3000 })), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 4, max: 1500 }),
      (spec, max) => {
        const au = spec.map(([t, body]) => nal(t, [...body]));
        const d = new H265Depacketizer();
        const out = new H265Packetizer(96, max).packetize(au, 90000).flatMap((p) => d.push(p));
        assert.equal(out.length, 1);
        assert.deepEqual(out[0]!.nalus, au);
      }));
  });

  it('throws H265RtpError and nothing else on arbitrary payloads, and bounds access units', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 20 }), fc.boolean(), (payloads, marker) => {
      const d = new H265Depacketizer();
      payloads.forEach((b, i) => {
        try { d.push(pkt(i, Buffer.from(b), marker)); } catch (e) { assert.equal((e as Error).name, 'H265RtpError'); }
      });
    }), { numRuns: 2000 });
    const d = new H265Depacketizer();
    assert.throws(() => { for (let i = 0; i < 60; i++) d.push(pkt(i, nal(1, [i]), false)); }, { name: 'H265RtpError' });
  });
});

describe('H265 RTP limits', () => {
  it('bounds an FU that never ends, and refuses payload sizes too small to make progress', () => {
    const d = new H265Depacketizer();
    const mid = (seq: number, start: boolean): RtpPacket => pkt(seq, Buffer.concat([Buffer.from([0x62, 0x01, (start ? 0x80 : 0) | 1]), Buffer.alloc(1400)]), false);
    d.push(mid(0, true));
    assert.throws(() => { for (let i = 1; i < 10_000; i++) d.push(mid(i, false)); }, { name: 'H265RtpError', message: /fragmented/ });
    assert.throws(() => new H265Packetizer(96, 3), RangeError);
  });
});
