import { randomUUID } from 'node:crypto';
import type { Logger } from '../../lib/index.ts';
import type { AccessRequest, ParticipantInfo, PathAccess, Reader, ReaderLease } from '../../core/index.ts';
import type { Codec, Format } from '../../formats/index.ts';
import { StreamReader, type Stream } from '../../stream/index.ts';
import type { HlsFileRequest, HlsMuxerFactory, HlsMuxerSettings, HlsServerMuxer } from './hls-muxer-port.ts';
import type { HlsResponseLike } from './hls-response-writer.ts';

// Names of the codecs HLS carries, as MediaMTX prints tracks.
const TRACK_NAMES: Partial<Record<Codec, string>> = {
  h264: 'H264', h265: 'H265', vp9: 'VP9', av1: 'AV1', mpeg4Audio: 'MPEG-4 Audio', opus: 'Opus', mpeg1Audio: 'MPEG-1/2 Audio', ac3: 'AC-3',
};

/** How a muxer gets its stream. */
export type HlsMuxerSource =
  /** On a request: the muxer becomes a reader of the path (auth, runOnRead, on-demand sources kept alive). */
  | { readonly kind: 'request'; readonly access: AccessRequest; readonly paths: PathAccess }
  /** hlsAlwaysRemux: the stream the path announced as ready. */
  | { readonly kind: 'ready'; readonly stream: Stream };

/** Options of an HlsPathMuxer. */
export interface HlsPathMuxerOptions {
  pathName: string;
  source: HlsMuxerSource;
  /** Whether idle closing spares it (hlsAlwaysRemux). */
  isAlways: boolean;
  settings: HlsMuxerSettings;
  createMuxer: HlsMuxerFactory;
  readBufferCount: number;
  /** Start from the stream's GOP cache (instant start); false only to measure what it saves. */
  gopReplay: boolean;
  /** The server's logger (`[HLS]`). */
  log: Logger;
  onClose: (m: HlsPathMuxer) => void;
}

/**
 * The HLS muxer of one path (MediaMTX's hlsMuxer): reads the path's stream, from its GOP cache so that the first
 * playlist is there at once, into a muxer that answers the path's playlist, segment and part requests. It closes
 * when the stream goes, on a muxer error, or when the server closes it for lack of requests.
 */
export class HlsPathMuxer implements Reader {
  readonly id = randomUUID();
  readonly info: ParticipantInfo = { type: 'hlsMuxer', id: this.id };
  readonly pathName: string;
  readonly created = new Date();
  /** Resolves when the muxer takes requests; rejects with why it could not start. */
  readonly ready: Promise<void>;
  bytesSent = 0;
  /** True once `ready` has resolved and until it closes: requests may skip waiting on `ready`. */
  get isReady(): boolean { return this.started && !this.closed; }
  /** The stream it reads, once attached. */
  stream: Stream | undefined;
  private readonly log: Logger;
  private lease: ReaderLease | undefined;
  private reader: StreamReader | undefined;
  private muxer: HlsServerMuxer | undefined;
  private closed = false;
  private failed = false;
  private started = false;
  // A number, not a Date: it is set on every request, and read only by the idle check and the API.
  private lastRequestMs = Date.now();

  constructor(private readonly opts: HlsPathMuxerOptions) {
    this.pathName = opts.pathName;
    this.log = opts.log.child(`[muxer ${opts.pathName}]`);
    const s = opts.source;
    this.log.info(`created ${s.kind === 'request' ? `(requested by ${s.access.ip})` : 'automatically'}`);
    this.ready = this.start();
    // Whoever waits on `ready` sees the failure; this handler only keeps an unawaited rejection from ending the process.
    this.ready.catch(() => undefined);
  }

  /** When it last served a request (or was made). */
  get lastRequest(): Date { return new Date(this.lastRequestMs); }

  /** True when it closed because it failed (could not start, muxer error), not because it was closed. */
  get hasFailed(): boolean { return this.failed; }

  /** True for hlsAlwaysRemux muxers, which idle closing spares. */
  get isAlways(): boolean { return this.opts.isAlways; }

  /** The address that asked for it, '' when made automatically. */
  get requestedBy(): string { return this.opts.source.kind === 'request' ? this.opts.source.access.ip : ''; }

  /** Answers a request for one of its files. */
  handle(req: HlsFileRequest): Promise<HlsResponseLike> {
    this.lastRequestMs = Date.now();
    if (!this.muxer || this.closed) return Promise.resolve({ status: 404, headers: { 'Content-Type': 'text/plain' }, body: Buffer.from('muxer closed\n') });
    return this.muxer.handle(req);
  }

  /** Marks a request (the page counts as one, as in MediaMTX). */
  touch(): void { this.lastRequestMs = Date.now(); }

  /** Milliseconds since the last request, for idle closing. */
  idleMs(now: number): number { return now - this.lastRequestMs; }

  /** Reader contract: the path closes it (stream gone, path removed); also called by the server. Idempotent. */
  close(reason: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.reader) {
      this.stream?.removeReader(this.reader);
      this.reader.close();
    }
    this.muxer?.close();
    this.lease?.release();
    this.log.info(`destroyed (${reason.message})`);
    this.opts.onClose(this);
  }

  private async start(): Promise<void> {
    try {
      const s = this.opts.source;
      let stream: Stream;
      if (s.kind === 'request') {
        const lease = await s.paths.addReader(s.access, this);
        if (this.closed) { lease.release(); throw new Error('terminated'); }
        this.lease = lease;
        stream = lease.stream;
      } else {
        stream = s.stream;
      }
      this.stream = stream;
      await this.attach(stream);
      this.started = true;
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  private fail(err: Error): void {
    if (!this.closed) this.failed = true;
    this.close(err);
  }

  private async attach(stream: Stream): Promise<void> {
    const { settings, pathName } = this.opts;
    const muxer = await this.opts.createMuxer(stream.description, { ...settings, pathName, log: this.log, instantStart: this.opts.gopReplay });
    // Closed while the muxer's modules loaded: it never started, and its directory (hlsDirectory) goes now.
    if (this.closed) { muxer.close(); throw new Error('terminated'); }
    this.muxer = muxer;
    for (const s of muxer.skipped) this.log.warn(s);
    if (muxer.tracks.length === 0) {
      throw new Error('the stream doesn\'t contain any supported codec (which are currently H264, H265, VP9, AV1, MPEG-4 Audio, Opus, MPEG-1/2 Audio)');
    }
    const reader = new StreamReader({
      queueSize: this.opts.readBufferCount, log: this.log, entries: 'frames',
      onError: (err) => this.fail(new Error(`muxer error: ${err.message}`)),
    });
    for (const t of muxer.tracks) {
      const format: Format = t.format;
      reader.onData(t.media, format, (u) => muxer.writeUnit(format, u));
    }
    this.reader = reader;
    stream.addReader(reader, { fromGop: this.opts.gopReplay });
    const names = muxer.tracks.map((t) => TRACK_NAMES[t.format.codec] ?? t.format.codec);
    this.log.info(`is converting into HLS, ${names.length} ${names.length === 1 ? 'track' : 'tracks'} (${names.join(', ')})`);
  }
}
