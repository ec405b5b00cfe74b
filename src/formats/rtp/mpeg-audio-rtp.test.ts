import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMpegAudioHeader } from '../../codecs/index.ts';
import { FramePacketizer } from './frame-rtp.ts';
import { MpegAudioDepacketizer } from './mpeg-audio-rtp.ts';
import { buildRtpPacket, type RtpPacket } from './rtp-packet.ts';
import { mpegAudioFraming } from './simple-rtp.ts';

// MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no padding: 144 × 128000 / 44100 = 417 bytes.
const frame = (fill: number): Buffer => Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(413, fill)]);
const pkt = (seq: number, offset: number, data: Buffer): RtpPacket => {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(offset, 2);
  return buildRtpPacket({ marker: false, payloadType: 14, sequenceNumber: seq, timestamp: seq * 1152, ssrc: 1, payload: Buffer.concat([h, data]) });
};

describe('MPEG audio (RFC 2250)', () => {
  it('reads frame lengths from headers (ISO 11172-3 vectors)', () => {
    assert.deepEqual(parseMpegAudioHeader(Uint8Array.of(0xff, 0xfb, 0x90, 0x00)), { layer: 3, sampleRate: 44100, channels: 2, samples: 1152, frameLength: 417 });
    assert.equal(parseMpegAudioHeader(Uint8Array.of(0xff, 0xfb, 0x92, 0xc0)).frameLength, 418); // padding, mono
    assert.equal(parseMpegAudioHeader(Uint8Array.of(0xff, 0xfd, 0x94, 0x00)).frameLength, 480); // layer II 128k 48 kHz
    assert.equal(parseMpegAudioHeader(Uint8Array.of(0xff, 0xf3, 0x84, 0x00)).samples, 576); // MPEG-2 layer III
  });

  it('splits packets of whole frames and joins fragmented frames, without relying on the marker bit', () => {
    const d = new MpegAudioDepacketizer();
    assert.deepEqual(d.push(pkt(1, 0, Buffer.concat([frame(1), frame(2)]))).frames, [frame(1), frame(2)]);
    assert.deepEqual(d.push(pkt(2, 0, frame(3).subarray(0, 300))).frames, []);
    assert.deepEqual(d.push(pkt(3, 300, frame(3).subarray(300))).frames, [frame(3)]);
  });

  it('drops a fragmented frame with a sequence gap', () => {
    const d = new MpegAudioDepacketizer();
    d.push(pkt(1, 0, frame(3).subarray(0, 300)));
    assert.deepEqual(d.push(pkt(3, 300, frame(3).subarray(300))).frames, []);
  });

  it('round-trips frames through the packetizer at any payload size; arbitrary payloads only raise FrameRtpError', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 1500 }), (fill, max) => {
      const d = new MpegAudioDepacketizer();
      const got = new FramePacketizer(14, mpegAudioFraming, max).packetize(frame(fill), 0).flatMap((p) => d.push(p).frames);
      assert.deepEqual(got, [frame(fill)]);
    }));
    fc.assert(fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 3 }))), (ps) => {
      const d = new MpegAudioDepacketizer();
      ps.forEach(([b, off], i) => {
        try { d.push(pkt(i, off, Buffer.concat([Buffer.from([0xff, 0xfb]), Buffer.from(b)]))); } catch (e) { assert.equal((e as Error).name, 'FrameRtpError'); }
      });
    }), { numRuns: 2000 });
  });
});
