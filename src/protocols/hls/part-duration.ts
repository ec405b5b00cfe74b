/**
 * The part duration to cut at, given the sample durations seen: parts end on a sample boundary, so a part is a
 * whole number of samples, and RFC 8216bis §4.4.4.9 wants every part but the last of a segment to last at least
 * 85% of PART-TARGET (the longest part; iOS refuses playlists that break it). Starting from the configured duration
 * and going up 5 ms at a time (as gohlslib does), the first duration `d` for which, for every sample duration `s`,
 * a part of ceil(d / s) samples is shorter than d / 0.85. All values in ticks; `stepTicks` is 5 ms.
 */
export function compatiblePartTicks(minTicks: number, sampleTicks: ReadonlySet<number>, stepTicks: number, maxTicks: number): number {
  let d = minTicks;
  for (; d < maxTicks; d += stepTicks) {
    let isCompatible = true;
    for (const s of sampleTicks) {
      if (s <= 0) continue;
      if (s > d || Math.ceil(d / s) * s * 0.85 >= d) { isCompatible = false; break; }
    }
    if (isCompatible) return d;
  }
  return d;
}
