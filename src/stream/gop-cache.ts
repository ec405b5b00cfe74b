import type { Format, Media } from '../formats/index.ts';
import type { Unit } from './unit.ts';

/** One cached unit with where it belongs. */
export interface CachedUnit { readonly media: Media; readonly format: Format; readonly unit: Unit }

/**
 * One GOP as recorded: its key frame, then every unit written after it (all formats, in write order), until the next
 * key frame starts the `next` segment or the bounds cut it. Readers joining with `fromGop` walk this chain as a
 * log (see StreamReader.follow), so a GOP is held once per stream whatever the number of joining readers.
 */
export interface GopSegment {
  /** Units recorded so far, oldest first; grows until `ended`. */
  readonly units: readonly CachedUnit[];
  /** The following GOP, once its key frame arrived; undefined while this one is recorded, or after a cut. */
  readonly next: GopSegment | undefined;
  /** True once nothing more is appended: the next GOP started, or this one outgrew the bounds (then `next` stays undefined). */
  readonly ended: boolean;
}

/** Bounds of the cache: a GOP that outgrows one of them is cut, and the stream has no cache until the next key frame. */
export interface GopCacheLimits {
  /** Bytes held: RTP packets and payloads, plus an estimate of each unit's own overhead. */
  maxBytes: number;
  /** Milliseconds since the GOP's key frame arrived. */
  maxDurationMs: number;
}

/** What GopCache.add did with a unit. */
export type GopAddResult = 'recorded' | 'cut' | 'idle';

// x264's default keyint (250) spans 10 s at 25 fps and 16.7 s at 15 fps: such GOPs must fit.
const DEFAULT_LIMITS: GopCacheLimits = { maxBytes: 32 * 1024 * 1024, maxDurationMs: 20_000 };
// Objects around the bytes (Unit, RtpPacket, array slots): counted so that thousands of tiny units weigh something.
const UNIT_OVERHEAD_BYTES = 200;

/**
 * Bytes a unit adds to what the GOP keeps alive: its overhead, plus each memory block behind its RTP packets and
 * payload that no earlier unit of the GOP held (counted whole, once). Why blocks, not the views' lengths: payloads are
 * views into what a socket read or a download returned, and a view keeps its whole block. A publisher could send reads
 * holding a tiny frame and a large message that is dropped, and pin each read with a unit counted at a few bytes.
 */
function cachedBytes(u: Unit, held: Set<ArrayBufferLike>): number {
  let n = UNIT_OVERHEAD_BYTES;
  const count = (b: Uint8Array): void => {
    if (held.has(b.buffer)) return;
    held.add(b.buffer);
    n += b.buffer.byteLength;
  };
  if (u.rtpPackets) for (const p of u.rtpPackets) count(p.raw);
  const payload = u.payload;
  if (payload === undefined) return n;
  if (Array.isArray(payload)) for (const b of payload) count(b);
  else count(payload);
  return n;
}

interface Segment {
  units: CachedUnit[]; next: Segment | undefined; ended: boolean; bytes: number; startedMs: number;
  // Memory blocks counted so far, while the segment is recorded (dropped when it ends).
  held: Set<ArrayBufferLike> | undefined;
}

/**
 * Keeps every unit since the last key frame of the stream's video format (audio included, so a new reader gets
 * both in sync). New readers replay it and start with a decodable picture at once (docs/performance.md §GOP cache).
 */
export class GopCache {
  /** The GOP being recorded; undefined before the first key frame and after a cut, until the next one. */
  private current: Segment | undefined;
  private readonly limits: GopCacheLimits;

  /** `now`: a monotonic clock in milliseconds (injected by tests). */
  constructor(private readonly videoFormat: Format, limits: Partial<GopCacheLimits> = {}, private readonly now: () => number = () => performance.now()) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /**
   * Records a unit written to the stream: 'recorded' when it was appended, 'cut' when it would have made the GOP
   * exceed the bounds (the GOP ends before it and the unit is not recorded), 'idle' when no GOP is being recorded.
   */
  add(media: Media, format: Format, unit: Unit): GopAddResult {
    const now = this.now();
    if (format === this.videoFormat && unit.randomAccess) {
      const seg: Segment = { units: [], next: undefined, ended: false, bytes: 0, startedMs: now, held: new Set() };
      if (this.current) { this.current.next = seg; this.current.ended = true; this.current.held = undefined; }
      this.current = seg;
    }
    const seg = this.current;
    if (!seg) return 'idle';
    const held = seg.held ?? new Set();
    const bytes = cachedBytes(unit, held);
    if (seg.bytes + bytes > this.limits.maxBytes || now - seg.startedMs > this.limits.maxDurationMs) {
      // Readers still walking this segment keep it; the stream switches them to their live queues from this unit on.
      seg.ended = true;
      seg.held = undefined;
      this.current = undefined;
      return 'cut';
    }
    seg.units.push({ media, format, unit });
    seg.bytes += bytes;
    return 'recorded';
  }

  /** Lets the GOP go (the stream closed): readers still walking it keep what they hold, nothing else does. */
  clear(): void {
    if (!this.current) return;
    this.current.ended = true;
    this.current.held = undefined;
    this.current = undefined;
  }

  /** The GOP being recorded, for a joining reader to walk from its key frame; undefined when there is none. */
  head(): GopSegment | undefined { return this.current; }

  /** The cached units, oldest first (empty when there is no complete GOP start). */
  snapshot(): readonly CachedUnit[] { return this.current?.units ?? []; }

  /** Units and bytes held by the GOP being recorded, for the API and memory accounting. */
  get size(): { units: number; bytes: number } { return { units: this.current?.units.length ?? 0, bytes: this.current?.bytes ?? 0 }; }
}
