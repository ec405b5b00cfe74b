import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { leb128, readLeb128 } from '../../codecs/index.ts';
import { Av1Depacketizer, Av1Packetizer } from './av1-rtp.ts';
import { buildRtpPacket, type RtpPacket } from './rtp-packet.ts';

const pkt = (seq: number, payload: number[], marker: boolean, timestamp = 3000): RtpPacket =>
  buildRtpPacket({ marker, payloadType: 96, sequenceNumber: seq, timestamp, ssrc: 1, payload: Buffer.from(payload) });
// OBU headers without size field: sequence header (type 1), frame (type 6), temporal delimiter (type 2).
const SEQ = [0x08, 0xaa, 0xbb];
const FRAME = [0x30, 1, 2, 3, 4, 5, 6];

describe('AV1 RTP payload format', () => {
  it('LEB128 vectors', () => {
    assert.deepEqual([...leb128(0)], [0]);
    assert.deepEqual([...leb128(127)], [0x7f]);
    assert.deepEqual([...leb128(128)], [0x80, 0x01]);
    assert.deepEqual(readLeb128(Uint8Array.of(0xe5, 0x8e, 0x26), 0), { value: 624485, length: 3 });
    assert.throws(() => readLeb128(Uint8Array.of(0x80, 0x80), 0), { name: 'CodecError' });
  });

  it('vectors: one packet with N, length-prefixed elements; temporal delimiter and obu_size fields dropped', () => {
    const withSize = [0x32, 6, 1, 2, 3, 4, 5, 6]; // FRAME with has_size_field and obu_size 6
    const [p, ...more] = new Av1Packetizer(96, 100).packetize([Uint8Array.of(0x12, 0), Uint8Array.from(SEQ), Uint8Array.from(withSize)], 0);
    assert.equal(more.length, 0);
    assert.deepEqual([...p!.payload], [0x08, 3, ...SEQ, 7, ...FRAME]);
    assert.equal(p!.marker, true);
    const d = new Av1Depacketizer();
    assert.deepEqual(d.push(pkt(1, [0x08, 3, ...SEQ, 7, ...FRAME], true)).map((t) => t.obus.map((o) => [...o])), [[SEQ, FRAME]]);
  });

  it('vectors: an OBU fragmented with Y then Z, and W=2 with an unprefixed last element', () => {
    const d = new Av1Depacketizer();
    assert.deepEqual(d.push(pkt(1, [0x40, 3, 0x30, 1, 2], false)), []);
    assert.deepEqual(d.push(pkt(2, [0x80, 5, 3, 4, 5, 6, 7], true)).map((t) => t.obus.map((o) => [...o])), [[[0x30, 1, 2, 3, 4, 5, 6, 7]]]);
    assert.deepEqual(d.push(pkt(3, [0x20, 3, ...SEQ, ...FRAME], true, 6000)).map((t) => t.obus.map((o) => [...o])), [[SEQ, FRAME]]);
  });

  it('drops a temporal unit with a sequence gap inside it', () => {
    const d = new Av1Depacketizer();
    d.push(pkt(1, [0x40, 3, 0x30, 1, 2], false));
    assert.deepEqual(d.push(pkt(3, [0x80, 2, 3, 4], true)), []);
    assert.equal(d.push(pkt(4, [0x00, 7, ...FRAME], true, 9000)).length, 1);
  });

  it('bounds an OBU fragment that never ends (Y set on every packet, no marker) by the frame size limit', () => {
    const d = new Av1Depacketizer();
    const chunk = new Array<number>(60000).fill(7);
    const element = [...leb128(chunk.length), ...chunk];
    d.push(pkt(0, [0x40, ...element], false)); // starts an OBU fragment
    let thrown: unknown;
    let seq = 1;
    for (; seq < 400 && thrown === undefined; seq++) {
      try { d.push(pkt(seq, [0xc0, ...element], false)); } catch (e) { thrown = e; }
    }
    assert.equal((thrown as Error | undefined)?.name, 'FrameRtpError', 'fragment bytes kept growing past MAX_FRAME_BYTES');
    assert.ok(seq * chunk.length <= 8 * 1024 * 1024 + 2 * chunk.length);
    // The next temporal unit decodes as usual.
    assert.deepEqual(d.push(pkt(seq, [0x00, 7, ...FRAME], true, 6000)).map((t) => t.obus.map((o) => [...o])), [[FRAME]]);
  });

  it('round-trips any temporal unit through any payload size; arbitrary payloads only raise FrameRtpError or CodecError', () => {
    const obu = fc.tuple(fc.constantFrom(1, 3, 4, 5, 6), fc.uint8Array({ maxLength: 3000 })).map(([t, body]) => Uint8Array.from([t << 3, ...body]));
    fc.assert(fc.property(fc.array(obu, { minLength: 1, maxLength: 8 }), fc.integer({ min: 8, max: 1500 }), (obus, max) => {
      const d = new Av1Depacketizer();
      const out = new Av1Packetizer(96, max).packetize(obus, 90000).flatMap((p) => d.push(p));
      assert.deepEqual(out.map((t) => t.obus.map((o) => [...o])), [obus.map((o) => [...o])]);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 30 }), fc.boolean())), (payloads) => {
      const d = new Av1Depacketizer();
      payloads.forEach(([b, m], i) => {
        try { d.push(pkt(i, [...b], m)); } catch (e) { assert.ok(['FrameRtpError', 'CodecError'].includes((e as Error).name), String(e)); }
      });
    }), { numRuns: 2000 });
  });
});
