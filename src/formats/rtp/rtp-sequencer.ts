import { randomInt } from 'node:crypto';
import { buildRtpPacket, type RtpPacket } from './rtp-packet.ts';

/** Numbers outgoing packets of one format: random initial sequence number and SSRC (RFC 3550 §5.1). */
export class RtpSequencer {
  private seq = randomInt(0, 0x10000);
  readonly ssrc = randomInt(1, 0xffffffff);

  constructor(readonly payloadType: number) {}

  /** Builds the next packet. */
  next(payload: Buffer, timestamp: number, marker: boolean): RtpPacket {
    const p = buildRtpPacket({ marker, payloadType: this.payloadType, sequenceNumber: this.seq, timestamp, ssrc: this.ssrc, payload });
    this.seq = (this.seq + 1) & 0xffff;
    return p;
  }
}

/** Turns 32-bit RTP timestamps into a monotonic tick count (handles the wrap, RFC 3550 §5.1). */
export class TimestampUnwrapper {
  private last: number | undefined;
  private value = 0;

  /** Extended value of `ts`. */
  unwrap(ts: number): number {
    if (this.last === undefined) { this.last = ts; this.value = ts; return ts; }
    const diff = (ts - this.last) | 0; // signed 32-bit distance
    this.last = ts;
    this.value += diff;
    return this.value;
  }
}
