import { MpegTsMuxer, type MpegTsTrack, type MpegTsTrackSpec } from '../../formats/index.ts';
import { rescale } from '../../lib/index.ts';
import { segmentFileName } from './hls-segment.ts';
import { HLS_VIDEO_TIMESCALE } from './hls-tracks.ts';
import { Segmenter, type SegmenterOptions } from './segmenter.ts';

/** What MPEG-TS carries in HLS here: H264 video, AAC or MP3 audio. */
export type TsAudioCodec = { readonly codec: 'mpeg4Audio'; readonly config: Uint8Array } | { readonly codec: 'mpeg1Audio'; readonly sampleRate?: number };

/** A video access unit: times in 90 kHz output ticks, NAL units as the stream has them (parameter sets before IDRs). */
export interface TsVideoUnit { readonly dts: number; readonly pts: number; readonly isKey: boolean; readonly nalus: readonly Buffer[] }
/** An audio unit: decode time in the audio track's output ticks, and its AAC access units or MP3 frames. */
export interface TsAudioUnit { readonly dts: number; readonly frames: readonly Buffer[] }

/** The tracks of the MPEG-TS segmenter. */
export interface MpegTsSegmenterOptions extends SegmenterOptions {
  readonly hasVideo: boolean;
  /** The audio codec, and the ticks per second of its output timeline. */
  readonly audio: { readonly codec: TsAudioCodec; readonly timescale: number } | undefined;
}

// PES timestamps start 1 s in: the PCR runs 100 ms behind the DTS (MpegTsMuxer's pcrOffset) and must not go below 0.
// The video timeline is already on the 90 kHz MPEG-TS clock (ISO/IEC 13818-1 §2.4.2.2).
const TS_CLOCK = HLS_VIDEO_TIMESCALE;
const TS_TIME_ORIGIN = rescale(1, 1, TS_CLOCK);

/**
 * Cuts MPEG-TS segments, as gohlslib's MPEG-TS segmenter does: one program for the muxer's life (continuity
 * counters run on across segments), a segment ending at the key frame that starts the next one, whose decode time is
 * its end. Every segment starts with PAT and PMT, so a player can start at any of them.
 */
export class MpegTsSegmenter extends Segmenter {
  private readonly ts: MpegTsMuxer;
  private readonly videoTrack: MpegTsTrack | undefined;
  private readonly audioTrack: MpegTsTrack | undefined;
  private seg: { readonly startTicks: number; readonly isIndependent: boolean; readonly chunks: Buffer[]; size: number } | undefined;

  constructor(private readonly t: MpegTsSegmenterOptions) {
    super(t, 0);
    const specs: MpegTsTrackSpec[] = [];
    if (t.hasVideo) specs.push({ codec: { codec: 'h264' } });
    if (t.audio) specs.push({ codec: t.audio.codec });
    this.ts = new MpegTsMuxer(specs);
    this.videoTrack = t.hasVideo ? this.ts.tracks[0] : undefined;
    this.audioTrack = t.audio ? this.ts.tracks[t.hasVideo ? 1 : 0] : undefined;
  }

  /** Takes a video access unit. */
  writeVideo(u: TsVideoUnit): void {
    const bytes = u.nalus.reduce((n, x) => n + x.length, 0);
    if (!this.seg) {
      if (!u.isKey) return; // nothing decodes before a key frame
      this.open(u.dts, true);
      this.shouldCut({ ticks: u.dts, startTicks: u.dts, isKey: true, force: false }); // the live edge's first unit
    } else if (this.shouldCut({ ticks: u.dts, startTicks: this.seg.startTicks, isKey: u.isKey, force: false })) {
      this.finish(u.dts);
      this.open(u.dts, u.isKey);
    }
    if (!this.fits(bytes)) {
      this.reportOverflow(true);
      this.finish(u.dts);
      if (!u.isKey) return;
      this.open(u.dts, true);
      if (!this.fits(bytes)) { this.seg = undefined; return; } // a key frame alone over the bound: dropped
    }
    this.add(this.ts.writeVideo(this.videoTrack!, { pts: u.pts + TS_TIME_ORIGIN, dts: u.dts + TS_TIME_ORIGIN, nalus: u.nalus }));
  }

  /** Takes an audio unit. */
  writeAudio(u: TsAudioUnit): void {
    const audio = this.t.audio!;
    if (u.dts < 0) return; // before the first video key frame
    const bytes = u.frames.reduce((n, x) => n + x.length, 0);
    if (this.t.hasVideo) {
      if (!this.seg || !this.fits(bytes)) return;
    } else {
      if (!this.seg) {
        this.open(u.dts, false);
        this.shouldCut({ ticks: u.dts, startTicks: u.dts, isKey: true, force: false });
      } else if (this.shouldCut({ ticks: u.dts, startTicks: this.seg.startTicks, isKey: true, force: false })) {
        this.finish(u.dts);
        this.open(u.dts, false);
      }
      if (!this.fits(bytes)) {
        this.reportOverflow(false);
        this.finish(u.dts);
        this.open(u.dts, false);
        if (!this.fits(bytes)) { this.seg = undefined; return; }
      }
    }
    const pts = rescale(u.dts, audio.timescale, TS_CLOCK, 'round') + TS_TIME_ORIGIN;
    this.add(audio.codec.codec === 'mpeg4Audio'
      ? this.ts.writeMpeg4Audio(this.audioTrack!, { pts, aus: u.frames })
      : this.ts.writeMpeg1Audio(this.audioTrack!, { pts, frames: u.frames }));
  }

  /** Drops the segment being written (the muxer closes). */
  close(): void { this.seg = undefined; }

  // A key frame of the PCR track writes PAT and PMT itself; any other start needs them first. A segment starts
  // independent with a key frame, or without video (audio frames all are).
  private open(startTicks: number, startsWithKeyFrame: boolean): void {
    const isIndependent = startsWithKeyFrame || !this.t.hasVideo;
    this.seg = { startTicks, isIndependent, chunks: [], size: 0 };
    this.isOpenIndependent = isIndependent;
    this.mediaBytes = 0;
    if (!startsWithKeyFrame) this.add(this.ts.writeTables());
  }

  private add(chunk: Buffer): void {
    this.seg!.chunks.push(chunk);
    this.seg!.size += chunk.length;
  }

  private finish(endTicks: number): void {
    const seg = this.seg;
    this.seg = undefined;
    if (!seg || seg.size === 0) return;
    const id = this.nextSegmentId;
    this.publish({
      kind: 'segment', id, fileName: segmentFileName(this.o.fileNamePrefix, id, 'mpegts'), startTicks: seg.startTicks,
      isIndependent: seg.isIndependent, durationTicks: endTicks - seg.startTicks,
      startWallMs: this.o.wallMsAt(seg.startTicks), size: seg.size, parts: [],
    }, seg.chunks);
  }
}
