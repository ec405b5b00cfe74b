import { writeFmp4Init, type Description, type Fmp4Codec, type Format, type Media } from '../../formats/index.ts';
import { ErrorCounter, rescale, type Logger } from '../../lib/index.ts';
import { narrowFormatUnit, type FormatPayload, type Unit } from '../../stream/index.ts';
import { Fmp4Segmenter } from './fmp4-segmenter.ts';
import { hlsCodecString, hlsFrameRate, hlsVideoSize } from './hls-codec-string.ts';
import type { MultivariantView } from './hls-playlist.ts';
import { HlsRequestHandler } from './hls-request-handler.ts';
import type { HlsRequest, HlsResponse } from './hls-response.ts';
import { audioFrames, fmp4VideoSample, isVideoKey } from './hls-samples.ts';
import { newFileNamePrefix, type HlsVariant } from './hls-segment.ts';
import { HlsMemoryStorage, type HlsStorage } from './hls-storage.ts';
import { HlsTimeline } from './hls-timeline.ts';
import { audioConfig, mp3HeaderOf, VideoParams } from './hls-track-params.ts';
import {
  HLS_VIDEO_TIMESCALE, selectHlsTracks, type HlsAudioCodec, type HlsAudioTrack, type HlsVideoCodec, type HlsVideoTrack,
} from './hls-tracks.ts';
import { MpegTsSegmenter } from './mpegts-segmenter.ts';
import { SegmentWindow } from './segment-window.ts';
import type { SegmenterOptions } from './segmenter.ts';

/** Settings of one muxer: MediaMTX's `hls*` keys, and where files are kept. */
export interface HlsMuxerOptions {
  readonly variant: HlsVariant;
  /** `hlsSegmentCount`: entries the playlist keeps; at least 7 for Low-Latency, 3 otherwise. */
  readonly segmentCount: number;
  /** `hlsSegmentDuration`: a segment ends at the first key frame after this long (at this long without video). */
  readonly segmentDurationMs: number;
  /** `hlsPartDuration`: a part ends at the first frame after about this long (Low-Latency). */
  readonly partDurationMs: number;
  /** `hlsSegmentMaxSize`: bytes of media one segment may hold. */
  readonly segmentMaxSize: number;
  /** Where segments and parts are kept: memory by default; `hlsDirectory` gives a HlsDirectoryStorage (files removed on close). */
  readonly storage?: HlsStorage;
  readonly log: Logger;
  /** Wall clock in ms (injectable for tests): program date-times, the live edge, stats. */
  readonly now?: () => number;
  /**
   * Instant start (default on): the first segment (two with fMP4) may end before a key frame once the muxer has
   * caught up with the live stream, so a muxer fed the GOP cache serves its first playlist at once. The segment
   * after such a cut starts without a key frame: index.m3u8 leaves EXT-X-INDEPENDENT-SEGMENTS out until it is gone.
   */
  readonly instantStart?: boolean;
}

/** What a muxer reports to the API (`hlsmuxers/list`) and metrics; times are `now()` values in ms. */
export interface HlsMuxerStats {
  readonly bytesSent: number;
  /** Segments held. */
  readonly segments: number;
  readonly lastRequestMs: number;
  /** Bytes of the segments, parts and init segment held (in memory or on disk). */
  readonly bytesHeld: number;
  readonly createdMs: number;
  /** When the first playlist could be served; `readyMs - createdMs` is what the first request waited. */
  readonly readyMs: number | undefined;
  /** Media the muxer received ahead of real time at its start (the GOP cache it was fed), ms. */
  readonly backlogMs: number;
  /** Requests blocked now (LL-HLS blocking reloads and preload hints). */
  readonly blockedRequests: number;
}

const MIN_SEGMENTS: Readonly<Record<HlsVariant, number>> = { mpegts: 3, fmp4: 3, lowLatency: 7 };

/**
 * Turns one stream into HLS (gohlslib's Muxer, as MediaMTX v0.22.2 drives it): units in, segments and parts cut and
 * serialised once, files answered through `handle`. Sans I/O: the HTTP server owns sockets, auth and lifecycle.
 */
export class HlsMuxer {
  /** Tracks HLS can't carry, each with the reason, for one log line each. */
  readonly skipped: readonly string[];
  /** The formats the server's StreamReader must register onData for. */
  readonly tracks: readonly { media: Media; format: Format }[];
  private readonly video: HlsVideoTrack | undefined;
  private readonly audio: HlsAudioTrack | undefined;
  private readonly videoParams: VideoParams | undefined;
  private mp3Header: { sampleRate: number; channels: number } | undefined;
  private readonly timeline = new HlsTimeline();
  private readonly fmp4: Fmp4Segmenter | undefined;
  private readonly ts: MpegTsSegmenter | undefined;
  private readonly window: SegmentWindow;
  private readonly handler: HlsRequestHandler;
  private readonly storage: HlsStorage;
  private readonly errors: ErrorCounter;
  private readonly now: () => number;
  private readonly createdMs: number;
  private lastRequestMs: number;
  private readyMs: number | undefined;
  private wallOriginMs = Infinity;
  private hasInit = false;
  private isClosed = false;

  /** Throws when `segmentCount` is below what the variant needs, as gohlslib refuses to start. */
  constructor(description: Description, private readonly opts: HlsMuxerOptions) {
    if (opts.segmentCount < MIN_SEGMENTS[opts.variant]) {
      throw new RangeError(opts.variant === 'lowLatency' ? 'Low-Latency HLS requires at least 7 segments' : 'the minimum number of HLS segments is 3');
    }
    this.now = opts.now ?? Date.now;
    this.createdMs = this.lastRequestMs = this.now();
    const selection = selectHlsTracks(description, opts.variant);
    this.video = selection.video;
    this.audio = selection.audio;
    this.skipped = selection.skipped;
    this.tracks = [this.video, this.audio].filter((t) => t !== undefined).map((t) => ({ media: t.media, format: t.format }));
    this.videoParams = this.video && new VideoParams();
    this.storage = opts.storage ?? new HlsMemoryStorage();
    this.errors = new ErrorCounter(opts.log, 'HLS units in error');
    const timescale = this.video ? this.video.timescale : this.audio?.timescale ?? HLS_VIDEO_TIMESCALE;
    const fileNamePrefix = newFileNamePrefix();
    this.window = new SegmentWindow({
      variant: opts.variant, segmentCount: opts.segmentCount, timescale, fileNamePrefix, storage: this.storage,
      onChange: () => this.handler.onChange(),
    });
    this.handler = new HlsRequestHandler({
      variant: opts.variant, window: this.window, storage: this.storage, multivariant: () => this.multivariant(),
      segmentDurationMs: opts.segmentDurationMs, tag: fileNamePrefix,
    });
    const common = this.segmenterOptions(timescale, fileNamePrefix);
    if (opts.variant === 'mpegts') {
      const audio = this.audio?.format.codec === 'mpeg4Audio' ? { codec: 'mpeg4Audio' as const, config: this.audio.format.config! }
        : this.audio ? { codec: 'mpeg1Audio' as const } : undefined;
      if (this.tracks.length > 0) this.ts = new MpegTsSegmenter({ ...common, hasVideo: this.video !== undefined, audio: audio && { codec: audio, timescale: this.audio!.timescale } });
    } else {
      this.fmp4 = new Fmp4Segmenter({ ...common, isLowLatency: opts.variant === 'lowLatency', videoId: this.video?.id, audioId: this.audio?.id });
    }
  }

  /** Feeds one unit of one of `tracks`' formats. */
  writeUnit(format: Format, unit: Unit): void {
    if (this.isClosed) return;
    const u = narrowFormatUnit(format, unit);
    if (!u) return;
    try {
      switch (u.codec) {
        case 'h264': case 'h265': case 'av1': case 'vp9':
          if (this.video && format === this.video.format) this.writeVideo(this.video, u);
          return;
        case 'mpeg4Audio': case 'opus': case 'mpeg1Audio':
          if (this.audio && format === this.audio.format) this.writeAudio(this.audio, u);
          return;
        default: return;
      }
    } catch (e) {
      this.errors.add(e as Error); // one malformed unit: counted and logged once a second, the stream goes on
    }
  }

  /**
   * Answers one request for a file of this muxer (index.m3u8, stream.m3u8, init.mp4, segments, parts), blocking when
   * LL-HLS asks to; resolves with 503 when the request ends (`onAbort`) or the muxer closes meanwhile.
   */
  handle(req: HlsRequest): Promise<HlsResponse> {
    this.lastRequestMs = this.now();
    if (this.tracks.length === 0) return Promise.resolve({ status: 404, headers: {} });
    return this.handler.handle(req);
  }

  /** Bytes and segments held, for the API (`hlsmuxers/list`) and metrics. */
  stats(): HlsMuxerStats {
    return {
      bytesSent: this.handler.bytesSent, segments: this.window.segmentCount, lastRequestMs: this.lastRequestMs,
      bytesHeld: this.window.bytes + this.handler.initBytes, createdMs: this.createdMs, readyMs: this.readyMs,
      backlogMs: Math.round((this.fmp4 ?? this.ts)?.backlogMs ?? 0), blockedRequests: this.handler.blockedCount,
    };
  }

  /** Ends blocked requests (503), drops the segment being written and removes the files. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handler.close();
    this.fmp4?.close();
    this.ts?.close();
    this.errors.close();
    this.storage.close().catch((e: Error) => this.opts.log.warn(`HLS storage: ${e.message}`));
  }

  private writeVideo(track: HlsVideoTrack, v: FormatPayload<HlsVideoCodec>): void {
    const unit = v.unit;
    const isKey = isVideoKey(v);
    const params = this.videoParams!;
    const change = isKey ? params.update(v) : 'same';
    if (change !== 'same') this.writeInit();
    // Nothing decodes before the configuration is known and a key frame came: the timeline starts there.
    if (!params.current || (!isKey && !this.timeline.has(track))) return;
    const dtsIn = unit.dts ?? unit.pts;
    const dts = this.timeline.place(track, dtsIn, unit.ntp);
    this.noteWallClock(dts, track.timescale, unit.ntp);
    const ptsOffset = Math.max(0, this.timeline.ticks(track, unit.pts - dtsIn)); // pts < dts is broken input: shown at its dts
    if (this.fmp4) {
      const data = fmp4VideoSample(v);
      if (data) this.fmp4.writeVideo({ dts, ptsOffset, isSync: isKey, data }, change === 'changed');
    } else if (v.codec === 'h264') { // the only video codec MPEG-TS is given (selectHlsTracks)
      this.ts?.writeVideo({ dts, pts: dts + ptsOffset, isKey, nalus: v.payload });
    }
  }

  private writeAudio(track: HlsAudioTrack, a: FormatPayload<HlsAudioCodec>): void {
    const unit = a.unit;
    if (a.codec === 'mpeg1Audio' && !this.mp3Header) {
      this.mp3Header = mp3HeaderOf(a.payload);
      // The init segment written at the first key frame guessed the MP3 rate and channels: now they are known.
      if (this.mp3Header && this.hasInit) this.writeInit();
    }
    if (this.video && !this.timeline.has(this.video)) return; // audio waits for the video's first key frame
    if (!this.video && !this.hasInit) this.writeInit();
    const frames = audioFrames(a, unit.dts ?? unit.pts);
    if (frames.length === 0) return;
    if (this.fmp4) {
      for (const f of frames) {
        const dts = this.timeline.place(track, f.dts, unit.ntp);
        if (!this.video) this.noteWallClock(dts, track.timescale, unit.ntp);
        this.fmp4.writeAudio({ dts, data: f.data });
      }
    } else {
      const dts = this.timeline.place(track, frames[0]!.dts, unit.ntp);
      if (!this.video) this.noteWallClock(dts, track.timescale, unit.ntp);
      this.ts?.writeAudio({ dts, frames: frames.map((f) => f.data) });
    }
  }

  /** The init segment of the fMP4 variants, from the current configuration of every track. */
  private writeInit(): void {
    if (!this.fmp4) return;
    const tracks: { id: number; timeScale: number; codec: Fmp4Codec }[] = [];
    const videoCodec = this.videoParams?.current;
    if (this.video && videoCodec) tracks.push({ id: this.video.id, timeScale: this.video.timescale, codec: videoCodec });
    if (this.audio) tracks.push({ id: this.audio.id, timeScale: this.audio.timescale, codec: audioConfig(this.audio, this.mp3Header) });
    if (tracks.length === 0 || (this.video && !videoCodec)) return;
    let init: Buffer;
    try {
      init = writeFmp4Init({ tracks });
    } catch (e) {
      // Parameters no init segment can describe: forgotten, so video waits for a key frame with usable ones.
      if (this.videoParams) this.videoParams.current = undefined;
      throw e;
    }
    this.handler.setInit(init);
    this.hasInit = true;
  }

  /**
   * Program date-times count from the wall-clock time of tick 0: the earliest that any unit of the leading track
   * allows (its capture time, or its arrival for units without one, less its media time), so the GOP cache, which
   * arrives late and all at once, does not shift them.
   */
  private noteWallClock(ticks: number, timescale: number, ntp: Date | undefined): void {
    const at = (ntp?.getTime() ?? this.now()) - rescale(ticks, timescale, 1000, 'round');
    if (at < this.wallOriginMs) this.wallOriginMs = at;
  }

  private segmenterOptions(timescale: number, fileNamePrefix: string): SegmenterOptions {
    const o = this.opts;
    const ticksOfMs = (ms: number): number => rescale(ms, 1000, timescale, 'round');
    return {
      segmentTicks: ticksOfMs(o.segmentDurationMs),
      partTicks: ticksOfMs(o.partDurationMs),
      maxSegmentBytes: o.segmentMaxSize,
      timescale,
      fileNamePrefix,
      earlyCuts: o.instantStart === false ? 0 : o.variant === 'fmp4' ? 2 : 1,
      // Low-Latency players start PART-HOLD-BACK (2.5 part durations) before the end: what follows the gaps must be
      // longer, or hls.js starts in a gap. Other variants start at the first segment when it is short.
      earlyCutTicks: ticksOfMs((o.variant === 'lowLatency' ? 3 : 1) * o.partDurationMs),
      wallMsAt: (ticks) => Math.round(this.wallOriginMs + rescale(ticks, timescale, 1000, 'round')),
      now: this.now,
      log: o.log,
      sink: {
        onPart: (p) => this.window.addPart(p),
        onSegment: (s, chunks) => {
          this.window.addSegment(s, chunks);
          if (this.readyMs === undefined && this.window.hasContent) {
            this.readyMs = this.now();
            o.log.debug(`HLS muxer ready ${this.readyMs - this.createdMs} ms after its creation (${Math.round((this.fmp4 ?? this.ts)!.backlogMs)} ms of backlog)`);
          }
        },
      },
    };
  }

  /** index.m3u8's variant: peak and average bit rates of the segments held, codecs, picture size and rate. */
  private multivariant(): MultivariantView {
    const { peak, average } = this.window.bandwidth();
    const videoCodec = this.videoParams?.current;
    const codecs: string[] = [];
    if (videoCodec) codecs.push(hlsCodecString(videoCodec) ?? '');
    if (this.audio) codecs.push(hlsCodecString(audioConfig(this.audio, this.mp3Header)) ?? '');
    const resolution = videoCodec && hlsVideoSize(videoCodec);
    const frameRate = videoCodec && hlsFrameRate(videoCodec);
    // Instant start may cut a segment before a key frame: until the one after it has left the playlist (and while
    // it is being written), index.m3u8 doesn't promise that every segment starts with one.
    const independentSegments = this.window.allIndependent && (this.fmp4 ?? this.ts)?.isWritingIndependent !== false;
    return {
      variant: this.opts.variant, independentSegments, bandwidth: peak, averageBandwidth: average, codecs: codecs.filter((c) => c !== ''),
      ...(resolution ? { resolution } : {}), ...(frameRate !== undefined ? { frameRate } : {}),
    };
  }
}
