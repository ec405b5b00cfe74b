import { writeFmp4Part, type Fmp4PartTrack, type Fmp4Sample } from '../../formats/index.ts';
import { rescale } from '../../lib/index.ts';
import { HLS_LL_GAP_COUNT, partFileName, segmentFileName, type HlsPart } from './hls-segment.ts';
import { compatiblePartTicks } from './part-duration.ts';
import { Segmenter, type SegmenterOptions } from './segmenter.ts';

/** A video sample: decode time in 90 kHz output ticks, pts − dts, and its fMP4 bytes. */
export interface VideoSampleIn { readonly dts: number; readonly ptsOffset: number; readonly isSync: boolean; readonly data: Buffer }
/** An audio frame: decode time in the audio track's output ticks, and its bytes. */
export interface AudioSampleIn { readonly dts: number; readonly data: Buffer }

/** Which tracks the fMP4 files have, by track_ID. */
export interface Fmp4SegmenterOptions extends SegmenterOptions {
  readonly isLowLatency: boolean;
  readonly videoId: number | undefined;
  readonly audioId: number | undefined;
}

// Each new sample duration costs a search over every duration seen (up to 960 candidates, each checked against the
// whole set): a source whose timestamps keep giving new steps (jitter, or crafted) during a long first segment would
// block the event loop for minutes, quadratically. Real streams give a handful; past this many, the part duration
// found so far stays.
const MAX_SAMPLE_DURATIONS = 128;

interface OpenPart { readonly startTicks: number; readonly video: Fmp4Sample[]; readonly audio: Fmp4Sample[]; isIndependent: boolean }
interface OpenSegment { readonly startTicks: number; readonly isIndependent: boolean; readonly parts: HlsPart[]; readonly chunks: Buffer[]; size: number }

/**
 * Cuts fMP4 segments (moof + mdat per part, the segment's file being its parts one after the other), as gohlslib's
 * fMP4 segmenter does: each sample waits for the next one of its track, whose decode time gives its duration. The
 * leading track (video, else audio) decides cuts; audio samples join the part being written. With Low-Latency, a part
 * ends once it lasts the part duration, adjusted during the first segment to the sample durations seen so that parts
 * stay within 85% of PART-TARGET (part-duration.ts).
 */
export class Fmp4Segmenter extends Segmenter {
  private readonly isLowLatency: boolean;
  private readonly hasVideo: boolean;
  private seg: OpenSegment | undefined;
  private part: OpenPart = newPart(0);
  private videoPending: VideoSampleIn | undefined;
  private audioPending: AudioSampleIn | undefined;
  private nextPartId = 0;
  private sequenceNumber = 1;
  private readonly sampleTicks = new Set<number>();
  private adjustedPartTicks: number;
  private isPartAdjustFrozen = false;

  constructor(private readonly f: Fmp4SegmenterOptions) {
    super(f, f.isLowLatency ? HLS_LL_GAP_COUNT : 0); // the gaps take the first sequence numbers
    this.isLowLatency = f.isLowLatency;
    this.hasVideo = f.videoId !== undefined;
    this.adjustedPartTicks = f.partTicks;
  }

  /** Takes a video sample; `isNewConfig` (a key frame with new parameters) starts a segment there. */
  writeVideo(s: VideoSampleIn, isNewConfig: boolean): void {
    const prev = this.videoPending;
    if (!this.seg || !prev) {
      if (!s.isSync) return; // nothing decodes before a key frame
      this.restartAt(s);
      return;
    }
    this.videoPending = s;
    const duration = s.dts - prev.dts;
    this.adjustPartDuration(duration);
    if (!this.fits(prev.data.length)) {
      this.reportOverflow(true);
      this.finishSegment(prev.dts);
      if (s.isSync) this.restartAt(s);
      else this.videoPending = undefined; // wait for a key frame
      return;
    }
    this.part.video.push({ dts: prev.dts, ptsOffset: prev.ptsOffset, duration, isSync: prev.isSync, data: prev.data });
    if (prev.isSync) this.part.isIndependent = true;
    if (this.isLowLatency && s.dts - this.part.startTicks >= this.adjustedPartTicks) this.finishPart(s.dts);
    if (this.shouldCut({ ticks: s.dts, startTicks: this.seg.startTicks, isKey: s.isSync, force: isNewConfig })) {
      if (s.isSync) this.isPartAdjustFrozen = !isNewConfig; // new parameters may bring a new frame rate
      this.finishSegment(s.dts);
      this.open(s.dts, s.isSync);
    }
  }

  /** Takes an audio frame. */
  writeAudio(a: AudioSampleIn): void {
    if (this.hasVideo) {
      // Audio waits for the video's first key frame, and what comes before it is left out.
      if (!this.seg || !this.videoPending || a.dts < 0) return;
      const prev = this.audioPending;
      this.audioPending = a;
      if (prev && this.fits(prev.data.length)) this.part.audio.push({ dts: prev.dts, ptsOffset: 0, duration: a.dts - prev.dts, isSync: true, data: prev.data });
      return;
    }
    const prev = this.audioPending;
    this.audioPending = a;
    if (!this.seg || !prev) {
      this.open(a.dts, true);
      this.shouldCut({ ticks: a.dts, startTicks: a.dts, isKey: true, force: false }); // the live edge's first unit
      return;
    }
    if (!this.fits(prev.data.length)) {
      this.reportOverflow(false);
      this.finishSegment(prev.dts);
      this.open(a.dts, true);
      return;
    }
    this.part.audio.push({ dts: prev.dts, ptsOffset: 0, duration: a.dts - prev.dts, isSync: true, data: prev.data });
    if (this.isLowLatency && a.dts - this.part.startTicks >= this.f.partTicks) this.finishPart(a.dts);
    if (this.shouldCut({ ticks: a.dts, startTicks: this.seg.startTicks, isKey: true, force: false })) {
      this.finishSegment(a.dts);
      this.open(a.dts, true);
    }
  }

  /** Drops what is being written (the muxer closes). */
  close(): void {
    this.seg = undefined;
    this.videoPending = undefined;
    this.audioPending = undefined;
  }

  private restartAt(s: VideoSampleIn): void {
    this.videoPending = s;
    this.audioPending = undefined;
    this.open(s.dts, true);
    this.shouldCut({ ticks: s.dts, startTicks: s.dts, isKey: true, force: false }); // the live edge's first unit
  }

  /** Starts a segment; `isIndependent`: its first sample is a key frame (audio frames all are). */
  private open(startTicks: number, isIndependent: boolean): void {
    this.seg = { startTicks, isIndependent, parts: [], chunks: [], size: 0 };
    this.isOpenIndependent = isIndependent;
    this.part = newPart(startTicks);
    this.mediaBytes = 0;
  }

  /** Distinct sample durations the Low-Latency part-duration search weighs (at most MAX_SAMPLE_DURATIONS). */
  get sampleDurationCount(): number { return this.sampleTicks.size; }

  // gohlslib adjusts during the first segment only, so that PART-TARGET settles.
  private adjustPartDuration(sampleTicks: number): void {
    if (!this.isLowLatency || this.isPartAdjustFrozen || sampleTicks <= 0 || this.sampleTicks.has(sampleTicks)) return;
    if (this.sampleTicks.size >= MAX_SAMPLE_DURATIONS) return;
    this.sampleTicks.add(sampleTicks);
    const ticksOfMs = (ms: number): number => rescale(ms, 1000, this.f.timescale, 'round');
    this.adjustedPartTicks = compatiblePartTicks(this.f.partTicks, this.sampleTicks, ticksOfMs(5), ticksOfMs(5000));
  }

  private finishPart(endTicks: number): void {
    const p = this.part;
    this.part = newPart(endTicks);
    const seg = this.seg;
    if (!seg || (p.video.length === 0 && p.audio.length === 0)) return;
    const tracks: Fmp4PartTrack[] = [];
    if (p.video.length > 0) tracks.push({ id: this.f.videoId!, samples: p.video });
    if (p.audio.length > 0) tracks.push({ id: this.f.audioId!, samples: p.audio });
    const bytes = writeFmp4Part({ sequenceNumber: this.sequenceNumber++, tracks });
    seg.chunks.push(bytes);
    if (this.isLowLatency) {
      const id = this.nextPartId++;
      const part: HlsPart = {
        id, fileName: partFileName(this.f.fileNamePrefix, id), durationTicks: endTicks - p.startTicks, isIndependent: p.isIndependent || !this.hasVideo,
        offset: seg.size, size: bytes.length, bytes,
      };
      seg.parts.push(part);
      this.o.sink.onPart(part);
    }
    seg.size += bytes.length;
  }

  private finishSegment(endTicks: number): void {
    this.finishPart(endTicks);
    const seg = this.seg;
    this.seg = undefined;
    if (!seg || seg.chunks.length === 0) return;
    const id = this.nextSegmentId;
    this.publish({
      kind: 'segment', id, fileName: segmentFileName(this.f.fileNamePrefix, id, this.isLowLatency ? 'lowLatency' : 'fmp4'),
      startTicks: seg.startTicks, isIndependent: seg.isIndependent,
      durationTicks: endTicks - seg.startTicks, startWallMs: this.o.wallMsAt(seg.startTicks), size: seg.size, parts: seg.parts,
    }, seg.chunks);
  }
}

function newPart(startTicks: number): OpenPart {
  return { startTicks, video: [], audio: [], isIndependent: false };
}
