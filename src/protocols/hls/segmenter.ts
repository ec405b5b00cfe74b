import type { Logger } from '../../lib/index.ts';
import type { HlsPart, HlsSegment } from './hls-segment.ts';
import { LiveEdge } from './live-edge.ts';

/** Where a segmenter publishes what it completes. */
export interface SegmenterSink {
  /** A part of the segment being written (Low-Latency only). */
  onPart(part: HlsPart): void;
  /** A complete segment and the chunks of its file, in order. */
  onSegment(segment: HlsSegment, chunks: readonly Buffer[]): void;
}

/** Settings every segmenter shares; durations in ticks of the leading track. */
export interface SegmenterOptions {
  readonly segmentTicks: number;
  readonly partTicks: number;
  /** `hlsSegmentMaxSize`: media bytes one segment may hold. */
  readonly maxSegmentBytes: number;
  /** Ticks per second of the leading track (video, else audio). */
  readonly timescale: number;
  /** The muxer's random prefix of segment and part names (newFileNamePrefix). */
  readonly fileNamePrefix: string;
  /** Segments that may be cut before a key frame at the live edge (instant start); 0 turns instant start off. */
  readonly earlyCuts: number;
  /** The shortest segment an early cut makes. */
  readonly earlyCutTicks: number;
  /** Wall-clock time (ms) of a tick of the timeline, for EXT-X-PROGRAM-DATE-TIME. */
  wallMsAt(ticks: number): number;
  readonly now: () => number;
  readonly sink: SegmenterSink;
  readonly log: Logger;
}

/**
 * What MPEG-TS and fMP4 segmenters share: segment numbering, the size bound, and the cut rules. A segment ends at a
 * key frame once it lasts `segmentTicks` (at any frame without video). With instant start, the first segments also
 * end at the first unit that arrives at the live pace once they last `earlyCutTicks`, so a muxer fed the GOP cache
 * serves a playlist right after the cache instead of a whole GOP later; the segment after such a cut starts
 * without a key frame (a player starting there waits for the next key frame, as MSE drops frames until one), so
 * it is published with `isIndependent` false and index.m3u8 drops EXT-X-INDEPENDENT-SEGMENTS while it is listed.
 */
export abstract class Segmenter {
  /** Media sequence number of the next segment. */
  protected nextSegmentId: number;
  private segmentsDone = 0;
  private readonly liveEdge: LiveEdge;
  /** Media bytes of the segment being written. */
  protected mediaBytes = 0;
  /** True after an early cut: the next key frame ends the segment. */
  private isRealigning = false;
  /** Whether the segment being written starts with a key frame (see HlsSegment.isIndependent). */
  protected isOpenIndependent = true;

  constructor(protected readonly o: SegmenterOptions, firstSegmentId: number) {
    this.nextSegmentId = firstSegmentId;
    this.liveEdge = new LiveEdge(o.now);
  }

  /** Media time received ahead of the wall clock when the muxer started (the backlog it was fed), in ms. */
  get backlogMs(): number { return this.liveEdge.backlogMs; }

  /**
   * False while the segment being written starts without a key frame (after an early cut that did not fall on
   * one): the multivariant playlist must not promise independent segments until that segment left the playlist.
   */
  get isWritingIndependent(): boolean { return this.isOpenIndependent; }

  /**
   * Whether the segment started at `startTicks` ends before a unit at `ticks`: at a key frame after the segment
   * duration (or when `force`d), or early at the live edge while instant start allows. After an early cut, the next
   * key frame ends the segment whatever its length, so segments are back on key frames at once (and the longest
   * segment, hence TARGETDURATION, stays what the GOP makes it). Call once per unit of the leading track.
   */
  protected shouldCut(u: { ticks: number; startTicks: number; isKey: boolean; force: boolean }): boolean {
    const isLive = this.liveEdge.observe(u.ticks, this.o.timescale);
    const elapsed = u.ticks - u.startTicks;
    if (u.isKey && (u.force || this.isRealigning || elapsed >= this.o.segmentTicks)) {
      this.isRealigning = false;
      return true;
    }
    if (this.segmentsDone < this.o.earlyCuts && isLive && elapsed >= this.o.earlyCutTicks) {
      this.isRealigning = !u.isKey;
      return true;
    }
    return false;
  }

  /** True when `bytes` more media fit the segment (and counts them). */
  protected fits(bytes: number): boolean {
    if (this.mediaBytes + bytes > this.o.maxSegmentBytes) return false;
    this.mediaBytes += bytes;
    return true;
  }

  /** Logs that the size bound cut the segment being written. */
  protected reportOverflow(hasVideo: boolean): void {
    this.o.log.warn(`segment ${this.nextSegmentId} reached the maximum segment size (hlsSegmentMaxSize, ${this.o.maxSegmentBytes} bytes): `
      + `it is cut there and the stream resumes ${hasVideo ? 'at the next key frame' : 'in a new segment'}`);
  }

  /** Hands a complete segment to the sink and counts it. */
  protected publish(segment: HlsSegment, chunks: readonly Buffer[]): void {
    this.nextSegmentId = segment.id + 1;
    this.segmentsDone++;
    this.mediaBytes = 0;
    this.o.sink.onSegment(segment, chunks);
  }
}
