import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';

/** Thrown for RTP payloads that can't be turned into frames. */
export class FrameRtpError extends Error {
  override readonly name = 'FrameRtpError';
}

// A reassembled frame is at most this big (docs/limits.md §Media).
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/**
 * How a payload format carries one frame in fragments: the header each packet gets, and what a received header
 * says. `start` undefined means the format doesn't mark frame starts, so a frame starts after a marker packet.
 */
export interface FragmentFraming {
  /** Payload header of the fragment of a frame starting at byte `offset` (`first`/`last` fragment). */
  header(first: boolean, last: boolean, offset: number): Uint8Array;
  /** Called once before each frame is packetized (picture ids and other per-frame state). */
  nextFrame?(): void;
  /** Length of a received payload's header and whether it starts a frame. Throws FrameRtpError when malformed. */
  parse(payload: Buffer): { headerLength: number; start?: boolean };
}

/** Cuts frames into packets of at most `maxPayload` bytes, header included; marker on each frame's last packet. */
export class FramePacketizer {
  private readonly seq: RtpSequencer;

  constructor(payloadType: number, private readonly framing: FragmentFraming, private readonly maxPayload = 1460) {
    this.seq = new RtpSequencer(payloadType);
  }

  /** Packets of one frame at `pts`. */
  packetize(frame: Uint8Array, pts: number): RtpPacket[] {
    this.framing.nextFrame?.();
    const data = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    const out: RtpPacket[] = [];
    let off = 0;
    do {
      const first = off === 0;
      const room = this.maxPayload - this.framing.header(first, false, off).length;
      if (room <= 0) throw new FrameRtpError('maximum payload size smaller than the payload header');
      const end = Math.min(data.length, off + room);
      const last = end === data.length;
      out.push(this.seq.next(Buffer.concat([this.framing.header(first, last, off), data.subarray(off, end)]), pts >>> 0, last));
      off = end;
    } while (off < data.length);
    return out;
  }
}

/** A reassembled frame and its presentation time (unwrapped ticks). */
export interface RtpFrame { readonly pts: number; readonly frame: Buffer }

/** Reassembles frames from fragments; a sequence gap, a new start or a timestamp change drops a partial frame. */
export class FrameDepacketizer {
  private parts: Buffer[] | undefined;
  private bytes = 0;
  private lastSeq: number | undefined;
  private curTs: number | undefined;
  private afterMarker = true;
  private readonly unwrapper = new TimestampUnwrapper();

  constructor(private readonly framing: FragmentFraming) {}

  /** Feeds one packet; returns the frame it completes, if any. */
  push(p: RtpPacket): RtpFrame[] {
    const gap = this.lastSeq !== undefined && p.sequenceNumber !== ((this.lastSeq + 1) & 0xffff);
    this.lastSeq = p.sequenceNumber;
    if (gap || (this.curTs !== undefined && p.timestamp !== this.curTs)) this.parts = undefined;
    this.curTs = p.timestamp;
    const wasAfterMarker = this.afterMarker;
    this.afterMarker = p.marker;
    const { headerLength, start } = this.framing.parse(p.payload);
    if (start ?? (wasAfterMarker && !gap)) { this.parts = []; this.bytes = 0; }
    if (!this.parts) return [];
    this.bytes += p.payload.length - headerLength;
    if (this.bytes > MAX_FRAME_BYTES) { this.parts = undefined; throw new FrameRtpError('frame exceeds the size limit'); }
    this.parts.push(p.payload.subarray(headerLength));
    if (!p.marker) return [];
    const frame = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = undefined;
    return [{ pts: this.unwrapper.unwrap(p.timestamp), frame }];
  }
}
