import { cacheFormatParameters, type Codec, type Description, type Format, type FormatOf, type Media, type RtpPacket } from '../formats/index.ts';
import { GopCache, type GopCacheLimits } from './gop-cache.ts';
import { StreamFormat, type StreamFormatSnapshot } from './stream-format.ts';
import type { StreamReader, StreamReaderSnapshot } from './stream-reader.ts';
import { unitBytes, type Unit } from './unit.ts';

/** Counters of a stream, read by the API and metrics. */
export interface StreamStats {
  /** Bytes received from the publisher: RTP packets, or payloads of units written without RTP. */
  bytesIn: number;
  /** Bytes delivered to readers (RTP packets, or payloads for readers of units), counted when each reader takes them. */
  bytesOut: number;
  /** Units or packets that could not be processed (RTP decoding, packetizing). */
  framesInError: number;
}

/** A read-only copy of a stream's counters, for the API and metrics. */
export interface StreamSnapshot {
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly framesInError: number;
  readonly gopCache: { readonly units: number; readonly bytes: number };
  readonly formats: readonly StreamFormatSnapshot[];
  readonly readers: readonly StreamReaderSnapshot[];
}

/** A publisher's write handle: where its units or RTP packets enter the stream. */
export interface SubStream {
  /** Writes a unit of `format`; the stream takes it over (its payload may be rewritten by the remuxer). */
  writeUnit<C extends Codec>(media: Media, format: FormatOf<C>, unit: Unit<C>): void;
  /**
   * Writes an RTP packet received for `format`, decoded once by the stream; `ntp`: its capture time. Returns the
   * decode error, if any (the packet still reaches RTSP readers).
   */
  writeRtpPacket(media: Media, format: Format, packet: RtpPacket, ntp: Date): Error | undefined;
}

/**
 * The fan-out point between one publisher and many readers, and the media pipeline between them: per format, RTP
 * decoding, in-band parameter tracking (the description stays current), unit remuxing and RTP encoding on demand
 * (StreamFormat). Writes are synchronous and O(readers): they only append to each reader's bounded queue.
 */
export class Stream implements SubStream {
  readonly stats: StreamStats = { bytesIn: 0, bytesOut: 0, framesInError: 0 };
  private readonly formats = new Map<Format, StreamFormat>();
  private readonly readerSet = new Set<StreamReader>();
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];
  private readonly gop: GopCache | undefined;

  /**
   * `description`: the publisher's; its formats are the stream's and are kept current in place by the format
   * updater. `opts.gop`: bounds of the GOP cache (defaults of GopCache); `opts.now`: its clock, for tests.
   */
  constructor(readonly description: Description, opts: { gop?: Partial<GopCacheLimits>; now?: () => number } = {}) {
    for (const m of description.medias) {
      for (const f of m.formats) {
        cacheFormatParameters(f);
        this.formats.set(f, new StreamFormat(m, f, this.stats));
      }
    }
    const video = description.medias.find((m) => m.kind === 'video')?.formats[0];
    this.gop = video ? new GopCache(video, opts.gop, opts.now) : undefined;
  }

  /** Readers currently attached. */
  get readers(): ReadonlySet<StreamReader> { return this.readerSet; }

  /** Units and bytes of the GOP being cached, for the API and memory accounting. */
  get gopCacheSize(): { units: number; bytes: number } { return this.gop?.size ?? { units: 0, bytes: 0 }; }

  /**
   * Attaches a reader whose callbacks were registered with onData. With `fromGop`, the reader first receives
   * the units since the last key frame, so it can decode at once (RTMP and WebRTC readers; RTSP readers start live
   * as MediaMTX's do). It walks them in the GOP log at its own pace, not through its bounded queue, so a long GOP
   * can't overflow it. Readers of RTP join from it only with `rtp.fromPayloads`: the log holds units as written, and
   * only packets made from their payloads can be made for a joining reader without breaking a live numbering.
   */
  addReader(reader: StreamReader, opts: { fromGop?: boolean } = {}): void {
    if (this.closed || this.readerSet.has(reader)) return;
    this.readerSet.add(reader);
    reader.countInto(this.stats);
    const rtp = reader.rtp;
    const head = opts.fromGop && (rtp === undefined || rtp.fromPayloads === true) ? this.gop?.head() : undefined;
    for (const [format, { cb }] of reader.callbacks) {
      const out = this.formats.get(format)?.addTarget(reader, cb, rtp);
      if (head && out) reader.viewLogWith(format, (u) => out.logView(u));
    }
    if (head) reader.follow(head);
  }

  /** Detaches a reader. */
  removeReader(reader: StreamReader): void {
    if (!this.readerSet.delete(reader)) return;
    reader.leaveLog();
    for (const sf of this.formats.values()) sf.removeReader(reader);
  }

  /** Passes a unit through its format's pipeline to every reader of it. */
  writeUnit<C extends Codec>(media: Media, format: FormatOf<C>, unit: Unit<C>): void {
    if (this.closed) return;
    const sf = this.formats.get(format);
    if (!sf) return;
    this.stats.bytesIn += unitBytes(unit);
    this.deliver(sf, media, unit);
  }

  /** Decodes an RTP packet of `format` into units and passes them on; returns the decode error, if any. */
  writeRtpPacket(media: Media, format: Format, packet: RtpPacket, ntp: Date): Error | undefined {
    if (this.closed) return undefined;
    const sf = this.formats.get(format);
    if (!sf) return undefined;
    this.stats.bytesIn += packet.raw.length;
    const { units, error } = sf.decode(packet, ntp);
    if (error) this.stats.framesInError++;
    for (const u of units) this.deliver(sf, media, u);
    return error;
  }

  /** A read-only copy of the counters: the stream's, its formats' RTP outputs, and each reader's. */
  snapshot(): StreamSnapshot {
    return {
      ...this.stats, gopCache: this.gopCacheSize,
      formats: [...this.formats.values()].map((f) => f.snapshot()),
      readers: [...this.readerSet].map((r) => r.snapshot()),
    };
  }

  /** True after close(). */
  get isClosed(): boolean { return this.closed; }

  /** Registers `cb` to run once when the stream closes (immediately if it already did). */
  onClose(cb: () => void): void {
    if (this.closed) cb(); else this.closeListeners.push(cb);
  }

  /** Detaches every reader and notifies close listeners; further writes are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // The cache (up to its byte bound) would otherwise live as long as anything still refers to the closed stream.
    this.gop?.clear();
    for (const r of this.readerSet) this.removeReader(r);
    for (const cb of this.closeListeners.splice(0)) cb();
  }

  private deliver(sf: StreamFormat, media: Media, unit: Unit): void {
    sf.prepare(unit);
    if (this.gop?.add(media, sf.format, unit) === 'cut') {
      // The log ends before this unit: readers still walking it take this one and the next from their queues.
      for (const r of this.readerSet) r.stopFollowing();
    }
    sf.fanOut(unit);
  }
}
