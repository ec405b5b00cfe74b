import { MPEGTS_TIMESTAMP_MODULO } from './pes.ts';

/**
 * Turns 33-bit PTS/DTS values, which wrap every 2^33 ticks (26.5 hours at 90 kHz), into one continuous count: the
 * first value is kept as is, and each next one moves by the shortest distance modulo 2^33, so small steps back
 * (B-frames, a DTS before the PTS) stay small.
 */
export class MpegTsTimeDecoder {
  private last: number | undefined;
  private current = 0;

  /** The continuous timestamp of a 33-bit one. */
  decode(ts: number): number {
    if (this.last === undefined) {
      this.last = ts;
      this.current = ts;
      return ts;
    }
    let diff = (((ts - this.last) % MPEGTS_TIMESTAMP_MODULO) + MPEGTS_TIMESTAMP_MODULO) % MPEGTS_TIMESTAMP_MODULO;
    if (diff >= MPEGTS_TIMESTAMP_MODULO / 2) diff -= MPEGTS_TIMESTAMP_MODULO;
    this.last = ts;
    this.current += diff;
    return this.current;
  }
}
