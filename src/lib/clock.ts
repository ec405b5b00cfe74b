/**
 * 90 kHz: the clock of RTP video (RFC 3551 §5: RFC 6184 §5.1 H264, RFC 7798 §4.1 H265, RFC 7741 VP8, …, and MPA /
 * MPV of Table 4) and of MPEG-TS PTS/DTS (ISO/IEC 13818-1 §2.4.3.7). The stream keeps video timestamps in it.
 */
export const VIDEO_CLOCK_RATE = 90_000;

/** How rescale turns a fraction of a tick into a whole tick: toward zero, or to the nearest (halves up). */
export type Rounding = 'trunc' | 'round';

/**
 * Converts `value` ticks of clock `from` (ticks per second) into ticks of clock `to`, e.g. RTMP milliseconds
 * (1000) into RTP ticks (a format's clock rate) and back. Whole seconds are converted exactly, so integer inputs
 * don't drift however large they are; the rest is truncated or rounded as `rounding` says.
 */
export function rescale(value: number, from: number, to: number, rounding: Rounding = 'trunc'): number {
  if (from === to) return value;
  const whole = Math.trunc(value / from);
  const rest = ((value - whole * from) * to) / from;
  return whole * to + (rounding === 'round' ? Math.round(rest) : Math.trunc(rest));
}
