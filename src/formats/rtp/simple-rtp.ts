import { FrameRtpError, type FragmentFraming } from './frame-rtp.ts';
import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';

/** MPEG-4 Visual (RFC 6416 §5.1): no payload header; a frame ends with the marker bit and the next packet starts one. */
export const mpeg4VideoFraming: FragmentFraming = {
  header: () => new Uint8Array(0),
  parse: (pl) => {
    if (pl.length === 0) throw new FrameRtpError('empty MPEG-4 video payload');
    return { headerLength: 0 };
  },
};

/** MPEG-1/2 audio (RFC 2250 §3.5): 16 zero bits and a 16-bit fragment offset; offset 0 starts a frame. */
export const mpegAudioFraming: FragmentFraming = {
  header: (_first, _last, offset) => {
    const h = Buffer.alloc(4);
    h.writeUInt16BE(Math.min(offset, 0xffff), 2);
    return h;
  },
  parse: (pl) => {
    if (pl.length < 5) throw new FrameRtpError('short MPEG audio payload');
    return { headerLength: 4, start: pl.readUInt16BE(2) === 0 };
  },
};

/**
 * Codecs whose RTP payload is whole frames or whole samples with no header: Opus (RFC 7587, one frame per packet),
 * G711 (RFC 3551 §4.5.14, one byte per sample) and LPCM L8/L16/L24 (RFC 3551 §4.5.11, RFC 3190, big-endian,
 * interleaved channels). Frames larger than a packet are not possible for Opus; sample streams are split on sample
 * boundaries, the timestamp advancing by samples.
 */
export class SamplesPacketizer {
  private readonly seq: RtpSequencer;
  private readonly frameBytes: number;

  /** `bytesPerSample` × `channels` bytes make one timestamp tick; 0 for Opus (one frame per packet, as given). */
  constructor(payloadType: number, o: { bytesPerSample: number; channels: number }, private readonly maxPayload = 1460) {
    this.seq = new RtpSequencer(payloadType);
    this.frameBytes = o.bytesPerSample * o.channels;
  }

  /** Packets of `data` starting at `pts`. */
  packetize(data: Uint8Array, pts: number): RtpPacket[] {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (this.frameBytes === 0) return [this.seq.next(buf, pts >>> 0, true)];
    if (buf.length % this.frameBytes !== 0) throw new FrameRtpError('sample data is not a whole number of samples');
    const step = Math.max(this.frameBytes, this.maxPayload - (this.maxPayload % this.frameBytes));
    const out: RtpPacket[] = [];
    for (let off = 0; off < buf.length; off += step) {
      out.push(this.seq.next(buf.subarray(off, off + step), (pts + off / this.frameBytes) >>> 0, true));
    }
    return out;
  }
}

/** Takes whole-frame or sample payloads out of packets (Opus, G711, LPCM), with unwrapped timestamps. */
export class SamplesDepacketizer {
  private readonly unwrapper = new TimestampUnwrapper();

  /** The payload of one packet and its pts. */
  push(p: RtpPacket): { pts: number; data: Buffer } {
    if (p.payload.length === 0) throw new FrameRtpError('empty audio payload');
    return { pts: this.unwrapper.unwrap(p.timestamp), data: p.payload };
  }
}
