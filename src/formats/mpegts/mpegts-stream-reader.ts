import { CodecError } from '../../codecs/index.ts';
import { rescale, VIDEO_CLOCK_RATE } from '../../lib/index.ts';
import type { Codec, PayloadByCodec } from '../codec.ts';
import type { Description, Format, Media } from '../format.ts';
import { MpegTsDemuxer, type MpegTsDemuxerOptions, type MpegTsDemuxerStats } from './mpegts-demuxer.ts';
import { decodeMpegTsEs, mpegTsFallbackFormat, type MpegTsSupportedCodec } from './mpegts-es-decoder.ts';
import { MpegTsError } from './mpegts-error.ts';
import { MpegTsTimeDecoder } from './mpegts-time-decoder.ts';
import { isMpegTsVideo, type MpegTsTrack } from './mpegts-track.ts';
import { MPEGTS_TIMESTAMP_MODULO } from './pes.ts';

/** One track of the stream an MPEG-TS program becomes. */
export interface MpegTsStreamTrack { readonly pid: number; readonly media: Media; readonly format: Format }

/** One access unit of a track, timestamps in ticks of its format's clock rate (continuous: 2^33 wraps undone). */
export interface MpegTsUnit {
  readonly track: MpegTsStreamTrack;
  readonly pts: number;
  /** Decode time, for video whose PES carried a DTS different from its PTS (B-frames). */
  readonly dts?: number;
  readonly payload: PayloadByCodec[Codec];
  readonly randomAccess: boolean;
}

/** What the reader found: the stream's tracks (once), access units, or damage it skipped (counted, never fatal). */
export type MpegTsStreamEvent =
  | { readonly kind: 'ready'; readonly description: Description; readonly tracks: readonly MpegTsStreamTrack[] }
  | { readonly kind: 'unit'; readonly unit: MpegTsUnit }
  | { readonly kind: 'error'; readonly message: string };

/** Options of an MpegTsStreamReader. */
export interface MpegTsStreamReaderOptions extends MpegTsDemuxerOptions {
  /**
   * How long (90 kHz ticks of the input) to wait for every track's configuration before giving up on those still
   * without one: video then goes on with its parameters to come in band, audio without configuration is left out.
   * Default 5 s.
   */
  readonly probeTicks?: number;
  /** Most units held while probing, so that they reach readers once the tracks are known. Default 512 (and 32 MiB). */
  readonly maxPendingUnits?: number;
}

interface TrackState {
  readonly pid: number;
  readonly codec: MpegTsSupportedCodec;
  format: Format | undefined;
  /** Clock rate of the track's units, once its format is known. */
  clockRate: number;
  out: MpegTsStreamTrack | undefined;
}

const MAX_PENDING_BYTES = 32 * 1024 * 1024;

function payloadLength(p: PayloadByCodec[Codec]): number {
  return Array.isArray(p) ? p.reduce((n, b) => n + b.length, 0) : (p as Buffer).length;
}

/** pts − dts as a signed 33-bit difference: a PTS that wrapped before its DTS stays close to it. */
function ptsOffset(pts: number, dts: number): number {
  const d = (((pts - dts) % MPEGTS_TIMESTAMP_MODULO) + MPEGTS_TIMESTAMP_MODULO) % MPEGTS_TIMESTAMP_MODULO;
  return d >= MPEGTS_TIMESTAMP_MODULO / 2 ? d - MPEGTS_TIMESTAMP_MODULO : d;
}

/**
 * Turns an MPEG-TS byte stream (ISO/IEC 13818-1) into a stream description and access units, the way MediaMTX's
 * UDP and HLS sources read one: the first program's tracks of supported codecs, each described once its first units
 * show its configuration (or the probe time ran out), timestamps on one continuous 90 kHz timeline for all tracks
 * (rescaled to each format's clock). Feed it chunks of any size; `flush()` at the end of a segment or the input.
 * Damage is an `error` event; a program whose tracks change after `ready` throws MpegTsError (a new stream is due).
 */
export class MpegTsStreamReader {
  private readonly demuxer: MpegTsDemuxer;
  private readonly time = new MpegTsTimeDecoder();
  private readonly probeTicks: number;
  private readonly maxPending: number;
  private tracks: TrackState[] | undefined;
  private isReady = false;
  private firstDts: number | undefined;
  private pendingBytes = 0;
  private pending: { state: TrackState; pts: number; dts: number; payload: PayloadByCodec[Codec]; randomAccess: boolean }[] = [];

  constructor(options: MpegTsStreamReaderOptions = {}) {
    this.demuxer = new MpegTsDemuxer(options);
    this.probeTicks = options.probeTicks ?? 5 * VIDEO_CLOCK_RATE;
    this.maxPending = options.maxPendingUnits ?? 512;
  }

  /** The demuxer's counters (continuity errors, bytes skipped, PES dropped). */
  get stats(): MpegTsDemuxerStats { return this.demuxer.stats; }

  /** Feeds bytes; returns what they completed. Throws MpegTsError when the program's tracks change after ready. */
  push(chunk: Uint8Array): MpegTsStreamEvent[] { return this.handle(this.demuxer.push(chunk)); }

  /** Ends the input (or a segment): units still open are emitted. */
  flush(): MpegTsStreamEvent[] { return this.handle(this.demuxer.flush()); }

  private handle(events: ReturnType<MpegTsDemuxer['push']>): MpegTsStreamEvent[] {
    const out: MpegTsStreamEvent[] = [];
    for (const e of events) {
      if (e.kind === 'error') out.push({ kind: 'error', message: e.error.message });
      else if (e.kind === 'tracks') this.onTracks(e.tracks);
      else this.onPes(e.track.pid, e.pts, e.dts, e.data, out);
    }
    return out;
  }

  private onTracks(tracks: readonly MpegTsTrack[]): void {
    const supported = tracks.filter((t): t is MpegTsTrack & { codec: MpegTsSupportedCodec } => t.codec.codec !== 'unsupported');
    if (this.isReady) {
      const same = this.tracks !== undefined && supported.length === this.tracks.length
        && supported.every((t, i) => t.pid === this.tracks![i]!.pid && t.codec.codec === this.tracks![i]!.codec.codec);
      if (!same) throw new MpegTsError('the MPEG-TS program changed its tracks');
      return;
    }
    this.tracks = supported.map((t) => ({ pid: t.pid, codec: t.codec, format: undefined, clockRate: VIDEO_CLOCK_RATE, out: undefined }));
    this.pending = [];
    this.pendingBytes = 0;
  }

  private onPes(pid: number, pts33: number, dts33: number, data: Buffer, out: MpegTsStreamEvent[]): void {
    const state = this.tracks?.find((t) => t.pid === pid);
    if (!state) return;
    const dts90 = this.time.decode(dts33);
    const pts90 = dts90 + ptsOffset(pts33, dts33);
    let es;
    try {
      es = decodeMpegTsEs(state.codec, data);
    } catch (err) {
      if (!(err instanceof MpegTsError || err instanceof CodecError)) throw err;
      out.push({ kind: 'error', message: `${state.codec.codec} PES on PID ${pid}: ${err.message}` });
      return;
    }
    if (!this.isReady && es.format && !state.format) {
      state.format = es.format;
      state.clockRate = es.clockRate ?? es.format.clockRate;
    }
    // PES timestamps tick at 90 kHz (ISO/IEC 13818-1 §2.4.3.7); audio formats tick at their sample rate.
    const toTrack = (t: number): number => rescale(t, VIDEO_CLOCK_RATE, state.clockRate, 'round');
    const unit = { state, pts: toTrack(pts90), dts: toTrack(dts90), payload: es.payload, randomAccess: es.randomAccess };
    if (this.isReady) {
      if (state.out) out.push({ kind: 'unit', unit: this.unitOf(unit) });
      return;
    }
    this.firstDts ??= dts90;
    if (state.format) {
      this.pending.push(unit);
      this.pendingBytes += payloadLength(unit.payload);
      while (this.pending.length > this.maxPending || this.pendingBytes > MAX_PENDING_BYTES) {
        this.pendingBytes -= payloadLength(this.pending.shift()!.payload);
      }
    }
    const isProbeOver = dts90 - this.firstDts > this.probeTicks;
    if (this.tracks!.every((t) => t.format) || isProbeOver) this.becomeReady(out);
  }

  private becomeReady(out: MpegTsStreamEvent[]): void {
    for (const t of this.tracks!) {
      if (!t.format) {
        const f = mpegTsFallbackFormat(t.codec);
        if (f) t.format = f;
      }
      if (t.format) t.out = { pid: t.pid, media: { kind: isMpegTsVideo(t.codec) ? 'video' : 'audio', formats: [t.format] }, format: t.format };
    }
    const tracks = this.tracks!.flatMap((t) => (t.out ? [t.out] : []));
    if (tracks.length === 0) {
      out.push({ kind: 'error', message: 'no track of a supported codec could be read' });
      this.firstDts = undefined;
      return;
    }
    // Video first, as MediaMTX orders medias; then by PID.
    tracks.sort((a, b) => (a.media.kind === b.media.kind ? a.pid - b.pid : a.media.kind === 'video' ? -1 : 1));
    this.isReady = true;
    out.push({ kind: 'ready', description: { medias: tracks.map((t) => t.media) }, tracks });
    for (const u of this.pending) if (u.state.out) out.push({ kind: 'unit', unit: this.unitOf(u) });
    this.pending = [];
    this.pendingBytes = 0;
  }

  private unitOf(u: { state: TrackState; pts: number; dts: number; payload: PayloadByCodec[Codec]; randomAccess: boolean }): MpegTsUnit {
    const hasDts = u.dts !== u.pts && isMpegTsVideo(u.state.codec);
    return { track: u.state.out!, pts: u.pts, ...(hasDts ? { dts: u.dts } : {}), payload: u.payload, randomAccess: u.randomAccess };
  }
}
