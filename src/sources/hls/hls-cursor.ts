import type { HlsMediaPlaylist, HlsPart, HlsSegment } from './hls-playlist.ts';

/** Where the client is in the stream: the next Media Sequence Number and, inside it, the next part index. */
export interface HlsCursor { readonly msn: number; readonly part: number }

/** What to do next, given a playlist and the cursor (RFC 8216bis §6.3.2–§6.3.5). */
export type HlsStep =
  /** Fetch the whole segment, then go to the next one. */
  | { readonly kind: 'segment'; readonly segment: HlsSegment }
  /** Fetch one part; `next` is the cursor after it. */
  | { readonly kind: 'part'; readonly part: HlsPart; readonly next: HlsCursor }
  /** Nothing to fetch at the cursor (a gap, or parts no longer listed): go on at `next`. */
  | { readonly kind: 'skip'; readonly next: HlsCursor; readonly reason: string }
  /** Reload the playlist; with `block`, ask the server to answer once that segment (and part) exists (§6.2.5.2). */
  | { readonly kind: 'reload'; readonly block?: HlsCursor }
  /** The cursor fell out of the playlist's window: start again at the live edge. */
  | { readonly kind: 'behind' }
  /** EXT-X-ENDLIST and everything was played. */
  | { readonly kind: 'ended' };

const lastMsn = (p: HlsMediaPlaylist): number => p.mediaSequence + p.segments.length - 1;
const isLowLatency = (p: HlsMediaPlaylist): boolean => p.partTarget !== undefined;

/**
 * Where playback starts: the first segment of an ended playlist; for a Low-Latency one the last complete segment
 * (then its successor's parts), close to the live edge; otherwise three segments from the end, the hold-back of
 * RFC 8216bis §6.3.3 ("no closer than three target durations").
 */
export function hlsStartCursor(p: HlsMediaPlaylist): HlsCursor {
  if (p.isEnded) return { msn: p.mediaSequence, part: 0 };
  const back = isLowLatency(p) ? 0 : 2;
  return { msn: Math.max(p.mediaSequence, lastMsn(p) - back), part: 0 };
}

/** The next step at `c` in `p`. Pure. */
export function hlsNextStep(p: HlsMediaPlaylist, c: HlsCursor): HlsStep {
  if (c.msn < p.mediaSequence) return { kind: 'behind' };
  const last = lastMsn(p);
  if (c.msn <= last) {
    const segment = p.segments[c.msn - p.mediaSequence]!;
    const after = { msn: c.msn + 1, part: 0 };
    if (segment.isGap) return { kind: 'skip', next: after, reason: `segment ${c.msn} is a gap` };
    if (c.part === 0) return { kind: 'segment', segment };
    const part = segment.parts[c.part];
    if (part) return { kind: 'part', part, next: c.part + 1 < segment.parts.length ? { msn: c.msn, part: c.part + 1 } : after };
    // The segment completed while its parts were read, and the playlist no longer lists them (or lists fewer).
    return { kind: 'skip', next: after, reason: `parts of segment ${c.msn} after ${c.part} are not listed` };
  }
  if (c.msn === last + 1) {
    const part = p.trailingParts[c.part];
    if (part) return { kind: 'part', part, next: { msn: c.msn, part: c.part + 1 } };
  }
  if (p.isEnded) return { kind: 'ended' };
  if (!p.canBlockReload) return { kind: 'reload' };
  return { kind: 'reload', block: c };
}
