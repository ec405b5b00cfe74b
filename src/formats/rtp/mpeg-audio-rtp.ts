import { CodecError, parseMpegAudioHeader } from '../../codecs/index.ts';
import { FrameRtpError } from './frame-rtp.ts';
import type { RtpPacket } from './rtp-packet.ts';
import { TimestampUnwrapper } from './rtp-sequencer.ts';

/**
 * MPEG-1/2 audio from RFC 2250 §3.5 packets. A packet at offset 0 holds one or more whole frames, or the start of a
 * frame continued at increasing offsets; frame lengths come from the frame headers, because senders leave the
 * marker bit at 0 (it only flags talk-spurts, RFC 2250 §3.2). Free-format frames (no length) are taken one per packet.
 */
export class MpegAudioDepacketizer {
  private partial: { parts: Buffer[]; have: number; length: number } | undefined;
  private lastSeq: number | undefined;
  private readonly unwrapper = new TimestampUnwrapper();

  /** Frames the packet completes, with the pts of the packet that started them. */
  push(p: RtpPacket): { pts: number; frames: Buffer[] } {
    const pl = p.payload;
    if (pl.length < 5) throw new FrameRtpError('short MPEG audio payload');
    const gap = this.lastSeq !== undefined && p.sequenceNumber !== ((this.lastSeq + 1) & 0xffff);
    this.lastSeq = p.sequenceNumber;
    const offset = pl.readUInt16BE(2);
    const data = pl.subarray(4);
    const pts = this.unwrapper.unwrap(p.timestamp);
    if (offset > 0) {
      const f = this.partial;
      if (gap || !f || offset !== f.have) { this.partial = undefined; return { pts, frames: [] }; }
      f.parts.push(data);
      f.have += data.length;
      if (f.have < f.length) return { pts, frames: [] };
      this.partial = undefined;
      return { pts, frames: [Buffer.concat(f.parts).subarray(0, f.length)] };
    }
    this.partial = undefined;
    const frames: Buffer[] = [];
    let pos = 0;
    while (pos < data.length) {
      let length: number | undefined;
      try {
        length = parseMpegAudioHeader(data.subarray(pos, pos + 4)).frameLength;
      } catch (err) {
        if (err instanceof CodecError) throw new FrameRtpError(err.message);
        throw err;
      }
      if (length === undefined) { frames.push(data.subarray(pos)); break; }
      if (pos + length > data.length) {
        if (frames.length > 0) throw new FrameRtpError('MPEG audio frame cut inside a packet of whole frames');
        this.partial = { parts: [data], have: data.length, length };
        break;
      }
      frames.push(data.subarray(pos, pos + length));
      pos += length;
    }
    return { pts, frames };
  }
}
