import type { Format, Media } from '../formats/index.ts';
import type { Unit } from './unit.ts';

/** One cached unit with where it belongs. */
export interface CachedUnit { readonly media: Media; readonly format: Format; readonly unit: Unit }

/** Bounds of the cache: a stream whose GOP outgrows them simply has no cache until the next key frame. */
export interface GopCacheLimits { maxUnits: number; maxBytes: number }

const DEFAULT_LIMITS: GopCacheLimits = { maxUnits: 4096, maxBytes: 32 * 1024 * 1024 };

function unitBytes(u: Unit): number {
  let n = 0;
  if (u.rtpPackets) for (const p of u.rtpPackets) n += p.raw.length;
  if (Array.isArray(u.payload)) for (const x of u.payload) n += (x as Uint8Array).length ?? 0;
  else if (u.payload instanceof Uint8Array) n += u.payload.length;
  return n;
}

/**
 * Keeps every unit since the last key frame of the stream's video format (audio included, so a new reader gets
 * both in sync). New readers replay it and start with a decodable picture at once (PERFORMANCE.md §2.3).
 */
export class GopCache {
  private units: CachedUnit[] = [];
  private bytes = 0;
  /** False until the first key frame, and after the limits were exceeded, until the next one. */
  private valid = false;

  constructor(private readonly videoFormat: Format, private readonly limits: GopCacheLimits = DEFAULT_LIMITS) {}

  /** Records a unit written to the stream. */
  add(media: Media, format: Format, unit: Unit): void {
    if (format === this.videoFormat && unit.randomAccess) {
      this.units = [];
      this.bytes = 0;
      this.valid = true;
    }
    if (!this.valid) return;
    this.units.push({ media, format, unit });
    this.bytes += unitBytes(unit);
    if (this.units.length > this.limits.maxUnits || this.bytes > this.limits.maxBytes) {
      this.units = [];
      this.bytes = 0;
      this.valid = false;
    }
  }

  /** The cached units, oldest first (empty when there is no complete GOP start). */
  snapshot(): readonly CachedUnit[] { return this.valid ? this.units : []; }

  /** Units and bytes held, for the API and memory accounting. */
  get size(): { units: number; bytes: number } { return { units: this.units.length, bytes: this.bytes }; }
}
