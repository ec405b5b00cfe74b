import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameDepacketizer, FramePacketizer, type FragmentFraming } from './frame-rtp.ts';
import { buildRtpPacket, type RtpPacket } from './rtp-packet.ts';
import { mpeg4VideoFraming, mpegAudioFraming, SamplesDepacketizer, SamplesPacketizer } from './simple-rtp.ts';
import { vp8Framing, vp8IsKeyFrame } from './vp8-rtp.ts';
import { vp9IsKeyFrame } from '../../codecs/index.ts';
import { vp9Framing } from './vp9-rtp.ts';

const pkt = (seq: number, payload: number[], marker: boolean, timestamp = 3000): RtpPacket =>
  buildRtpPacket({ marker, payloadType: 96, sequenceNumber: seq, timestamp, ssrc: 1, payload: Buffer.from(payload) });
const frames = (f: FragmentFraming, ps: RtpPacket[]): number[][] => {
  const d = new FrameDepacketizer(f);
  return ps.flatMap((p) => d.push(p)).map((x) => [...x.frame]);
};

const FRAMINGS: [string, () => FragmentFraming][] = [
  ['VP8', () => vp8Framing], ['VP9', vp9Framing], ['MPEG-4 video', () => mpeg4VideoFraming], ['MPEG audio', () => mpegAudioFraming],
];

describe('fragmented frame payload formats', () => {
  it('VP8 vectors (RFC 7741 §4.2): 1-byte descriptor sent; X/I(15-bit)/L/T/K descriptors parsed', () => {
    const ps = new FramePacketizer(96, vp8Framing, 4).packetize(Uint8Array.of(1, 2, 3, 4, 5), 0);
    assert.deepEqual(ps.map((p) => [...p.payload]), [[0x10, 1, 2, 3], [0x00, 4, 5]]);
    // X=1, S=1 | I,L,T set | M=1 picture id 0x1234 | TL0PICIDX | TID | data
    assert.deepEqual(frames(vp8Framing, [pkt(1, [0x90, 0xe0, 0x92, 0x34, 7, 0x40, 0xaa], false), pkt(2, [0x80, 0xe0, 0x12, 7, 0x40, 0xbb], true)]), [[0xaa, 0xbb]]);
    assert.equal(vp8IsKeyFrame(Uint8Array.of(0x50)), true);
    assert.equal(vp8IsKeyFrame(Uint8Array.of(0x51)), false);
  });

  it('VP9 vectors (RFC 9628 §4.2): I/B/E sent; L, flexible P_DIFF and scalability structure parsed', () => {
    const f = vp9Framing();
    const ps = new FramePacketizer(96, f, 5).packetize(Uint8Array.of(1, 2, 3), 0);
    assert.deepEqual(ps.map((p) => [p.payload[0], p.payload.length]), [[0x88, 5], [0x84, 4]]);
    assert.equal(ps[0]!.payload[1]! & 0x80, 0x80, '15-bit picture id');
    // I|L|B|V, picture id 7-bit, layer byte + TL0PICIDX, SS: N_S=0, Y=1, G=1: 4 bytes size, N_G=1, one group with R=1, 1 P_DIFF
    const ss = [0x18, 0, 0x40, 0, 0x30, 1, 0x04, 1];
    assert.deepEqual(frames(vp9Framing(), [pkt(1, [0xaa, 5, 0x00, 3, ...ss, 0xcc], false), pkt(2, [0x84, 0x06, 0xdd], true)]), [[0xcc, 0xdd]]);
    // flexible mode with two P_DIFF bytes (N=1 on the first)
    assert.deepEqual(frames(vp9Framing(), [pkt(1, [0xdc, 5, 0x03, 0x02, 0xee], true)]), [[0xee]]);
    assert.equal(vp9IsKeyFrame(Uint8Array.of(0x82, 0x49)), true); // marker 2, profile 0, show_existing 0, key
    assert.equal(vp9IsKeyFrame(Uint8Array.of(0x86)), false); // inter frame
  });

  it('MPEG audio (RFC 2250) fragment offsets, and MPEG-4 video frames ending at the marker', () => {
    const ps = new FramePacketizer(14, mpegAudioFraming, 7).packetize(Uint8Array.of(1, 2, 3, 4, 5), 0);
    assert.deepEqual(ps.map((p) => [...p.payload]), [[0, 0, 0, 0, 1, 2, 3], [0, 0, 0, 3, 4, 5]]);
    assert.deepEqual(frames(mpeg4VideoFraming, [pkt(1, [1], false), pkt(2, [2], true), pkt(3, [3], true, 6000)]), [[1, 2], [3]]);
  });

  it('drops a frame with a sequence gap and resumes at the next start', () => {
    assert.deepEqual(frames(vp8Framing, [pkt(1, [0x10, 1], false), pkt(3, [0x00, 2], true), pkt(4, [0x10, 9], true, 6000)]), [[9]]);
    assert.deepEqual(frames(mpeg4VideoFraming, [pkt(1, [1], false), pkt(3, [2], true), pkt(4, [7], true, 6000)]), [[7]]);
  });

  for (const [name, make] of FRAMINGS) {
    it(`${name}: any frame survives packetize → depacketize at any payload size; arbitrary payloads only raise FrameRtpError`, () => {
      fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 5000 }), fc.integer({ min: 8, max: 1500 }), (frame, max) => {
        const f = make();
        const d = new FrameDepacketizer(f);
        const out = new FramePacketizer(96, f, max).packetize(frame, 123456).flatMap((p) => d.push(p));
        assert.deepEqual(out.map((x) => [...x.frame]), [[...frame]]);
      }), { numRuns: 300 });
      fc.assert(fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 30 }), fc.boolean())), (payloads) => {
        const d = new FrameDepacketizer(make());
        payloads.forEach(([b, m], i) => {
          try { d.push(pkt(i, [...b], m)); } catch (e) { assert.equal((e as Error).name, 'FrameRtpError'); }
        });
      }), { numRuns: 1000 });
    });
  }
});

describe('sample payload formats (G711, LPCM, Opus)', () => {
  it('splits L16 stereo on sample boundaries and advances the timestamp by samples', () => {
    const p = new SamplesPacketizer(96, { bytesPerSample: 2, channels: 2 }, 10);
    const ps = p.packetize(new Uint8Array(20), 1000);
    assert.deepEqual(ps.map((x) => [x.payload.length, x.timestamp]), [[8, 1000], [8, 1002], [4, 1004]]);
    assert.throws(() => p.packetize(new Uint8Array(3), 0), { name: 'FrameRtpError' });
  });

  it('sends an Opus frame as one packet and gets it back with its pts', () => {
    const [pk] = new SamplesPacketizer(111, { bytesPerSample: 0, channels: 2 }).packetize(Uint8Array.of(0xfc, 1, 2), 960);
    const d = new SamplesDepacketizer();
    assert.deepEqual(d.push(pk!), { pts: 960, data: Buffer.from([0xfc, 1, 2]) });
  });
});
