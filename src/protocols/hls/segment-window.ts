import {
  HLS_LL_GAP_COUNT, partFileName, type HlsPart, type HlsPlaylistEntry, type HlsSegment, type HlsVariant,
} from './hls-segment.ts';
import type { HlsStorage } from './hls-storage.ts';

/** What the window needs to know. */
export interface SegmentWindowOptions {
  readonly variant: HlsVariant;
  /** Entries the playlist keeps (`hlsSegmentCount`). */
  readonly segmentCount: number;
  /** Ticks per second of the muxer's timeline. */
  readonly timescale: number;
  /** The muxer's random prefix of segment and part names. */
  readonly fileNamePrefix: string;
  readonly storage: HlsStorage;
  /** Called after every change (a part or segment published), to wake blocked requests. */
  readonly onChange: () => void;
}

/**
 * What the muxer publishes: the last `segmentCount` playlist entries (gaps, then segments), the parts of the segment
 * being written, and the numbering players follow (media sequence, part ids). Evicted segments leave the storage.
 * TARGETDURATION only grows: RFC 8216bis §6.2.1 forbids changing it, and it must stay at least the longest segment
 * listed. PART-TARGET follows the longest part held instead (see `partTarget`).
 */
export class SegmentWindow {
  /** Gaps and segments, oldest first. */
  readonly entries: HlsPlaylistEntry[] = [];
  /** Parts of the segment being written (Low-Latency), oldest first. */
  readonly pendingParts: HlsPart[] = [];
  /** Media sequence number of the first entry (EXT-X-MEDIA-SEQUENCE). */
  mediaSequence = 0;
  /** Media sequence number of the segment being written. */
  nextSegmentId: number;
  /** Id of the next part (EXT-X-PRELOAD-HINT). */
  nextPartId = 0;
  /** Bumped on every change; playlists are cached per version. */
  version = 0;
  private readonly segments = new Map<string, HlsSegment>();
  private readonly parts = new Map<string, HlsPart>();
  private maxSegmentSeconds = 1;
  /** The longest part held: in a listed segment or in the one being written. */
  private maxPartTicks = 0;
  private heldBytes = 0;

  constructor(private readonly o: SegmentWindowOptions) {
    // The gaps take the media sequence numbers before the first segment.
    this.nextSegmentId = o.variant === 'lowLatency' ? HLS_LL_GAP_COUNT : 0;
  }

  /** Ticks per second of every duration here. */
  get timescale(): number { return this.o.timescale; }

  /** True once a playlist can be served: a segment, or two with the fMP4 variant (as gohlslib waits). */
  get hasContent(): boolean {
    return this.segments.size >= (this.o.variant === 'fmp4' ? 2 : 1);
  }

  /** The name of the next part (EXT-X-PRELOAD-HINT). */
  get nextPartFileName(): string { return partFileName(this.o.fileNamePrefix, this.nextPartId); }

  /** True when every segment listed starts with a key frame (HlsSegment.isIndependent). */
  get allIndependent(): boolean {
    return this.entries.every((e) => e.kind === 'gap' || e.isIndependent);
  }

  /** Real segments held. */
  get segmentCount(): number { return this.segments.size; }

  /** Bytes of the segments held, and of the parts of the segment being written. */
  get bytes(): number { return this.heldBytes + this.pendingParts.reduce((n, p) => n + p.size, 0); }

  /** EXT-X-TARGETDURATION: the longest entry ever listed, rounded (RFC 8216bis §4.4.3.1), at least 1. */
  get targetDuration(): number { return this.maxSegmentSeconds; }

  /**
   * EXT-X-PART-INF PART-TARGET in seconds: the longest part of the segments held and of the one being written,
   * rounded up to the ms (as gohlslib). Not a running maximum: RFC 8216bis §4.4.4.9 wants every part but the last of
   * a segment (or an INDEPENDENT one) to last at least 85% of PART-TARGET, so one long part (a gap in the publisher's
   * frames) would make every later playlist invalid, for iOS too, for the muxer's whole life. gohlslib recomputes it
   * from its window likewise and accepts the change (which it reports as a possible iOS error) as the lesser harm.
   */
  get partTarget(): number { return Math.ceil((this.maxPartTicks * 1000) / this.o.timescale) / 1000; }

  /** Bits per second of the segments held: the peak and the average (BANDWIDTH, AVERAGE-BANDWIDTH). */
  bandwidth(): { peak: number; average: number } {
    let peak = 0;
    let bytes = 0;
    let ticks = 0;
    for (const e of this.entries) {
      if (e.kind !== 'segment' || e.durationTicks <= 0) continue;
      peak = Math.max(peak, Math.floor((8 * e.size * this.o.timescale) / e.durationTicks));
      bytes += e.size;
      ticks += e.durationTicks;
    }
    return { peak, average: ticks > 0 ? Math.floor((8 * bytes * this.o.timescale) / ticks) : 0 };
  }

  /** A segment held, by file name. */
  segment(fileName: string): HlsSegment | undefined { return this.segments.get(fileName); }

  /** A part held, by file name, and the segment it belongs to (undefined while that one is being written). */
  part(fileName: string): { part: HlsPart; segment: HlsSegment | undefined } | undefined {
    const part = this.parts.get(fileName);
    if (!part) return undefined;
    const segment = this.pendingParts.includes(part) ? undefined : this.findSegmentOf(part);
    return { part, segment };
  }

  /** Publishes a part of the segment being written. */
  addPart(part: HlsPart): void {
    this.pendingParts.push(part);
    this.parts.set(part.fileName, part);
    this.nextPartId = part.id + 1;
    this.maxPartTicks = Math.max(this.maxPartTicks, part.durationTicks);
    this.changed();
  }

  /** Publishes a complete segment: its file goes to the storage (`chunks` in order), the oldest entry may leave. */
  addSegment(segment: HlsSegment, chunks: readonly Buffer[]): void {
    this.o.storage.put(segment.fileName, chunks);
    for (const p of segment.parts) p.bytes = undefined; // read from the storage from now on
    if (this.o.variant === 'lowLatency' && this.entries.length === 0) {
      for (let i = 0; i < HLS_LL_GAP_COUNT; i++) this.entries.push({ kind: 'gap', durationTicks: segment.durationTicks });
    }
    this.entries.push(segment);
    this.segments.set(segment.fileName, segment);
    this.heldBytes += segment.size;
    this.nextSegmentId = segment.id + 1;
    this.pendingParts.length = 0;
    this.maxSegmentSeconds = Math.max(this.maxSegmentSeconds, Math.round(segment.durationTicks / this.o.timescale));
    while (this.entries.length > this.o.segmentCount) this.evict();
    // Parts leave only here, with their segment: PART-TARGET may come down (see `partTarget`).
    this.maxPartTicks = this.longestPartTicks();
    this.changed();
  }

  /**
   * True when a blocking reload for `msn`/`part` can be answered (RFC 8216bis §6.2.5.2): that part, or a later one,
   * is published. A part index past the last part of a complete segment means part 0 of the next one, as the spec
   * says; a segment that already left the playlist is satisfied.
   */
  hasPart(msn: number, part: number): boolean {
    if (!this.hasContent) return false;
    if (msn < this.mediaSequence) return true;
    let seg = msn;
    let index = part;
    while (seg < this.nextSegmentId) {
      const entry = this.entries[seg - this.mediaSequence];
      if (entry?.kind !== 'segment' || index < entry.parts.length) return true;
      seg++;
      index = 0;
    }
    return seg === this.nextSegmentId && index < this.pendingParts.length;
  }

  private evict(): void {
    const old = this.entries.shift()!;
    this.mediaSequence++;
    if (old.kind !== 'segment') return;
    this.segments.delete(old.fileName);
    for (const p of old.parts) this.parts.delete(p.fileName);
    this.heldBytes -= old.size;
    this.o.storage.remove(old.fileName);
  }

  private longestPartTicks(): number {
    let max = 0;
    for (const e of this.entries) if (e.kind === 'segment') for (const p of e.parts) max = Math.max(max, p.durationTicks);
    for (const p of this.pendingParts) max = Math.max(max, p.durationTicks);
    return max;
  }

  private findSegmentOf(part: HlsPart): HlsSegment | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.kind === 'segment' && e.parts.includes(part)) return e;
    }
    return undefined;
  }

  private changed(): void {
    this.version++;
    this.o.onChange();
  }
}
