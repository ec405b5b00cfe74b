import { BlockedRequests, type WaitOutcome } from './blocked-requests.ts';
import { mediaPlaylist, multivariantPlaylist, type MultivariantView } from './hls-playlist.ts';
import {
  etagMatches, fileResponse, HLS_CONTENT_TYPE, notModifiedResponse, parsePlaylistDirectives, playlistResponse, statusResponse,
  type FileCaching, type HlsRequest, type HlsResponse,
} from './hls-response.ts';
import { HLS_INIT_FILE, HLS_MEDIA_PLAYLIST_FILE, HLS_MULTIVARIANT_FILE, type HlsVariant } from './hls-segment.ts';
import type { HlsBody, HlsStorage } from './hls-storage.ts';
import type { SegmentWindow } from './segment-window.ts';

/** What the request handler serves from. */
export interface HlsRequestHandlerOptions {
  readonly variant: HlsVariant;
  readonly window: SegmentWindow;
  readonly storage: HlsStorage;
  /** The variant's description for index.m3u8, once there is content. */
  readonly multivariant: () => MultivariantView;
  /** `hlsSegmentDuration`, to bound the wait for the first playlist. */
  readonly segmentDurationMs: number;
  /** Unique per muxer (its file name prefix): the init segment's ETag must differ when a new muxer reuses `init.mp4`. */
  readonly tag: string;
}

// The first playlist waits for the first segment(s): at most this long, or three segment durations when longer.
const FIRST_CONTENT_WAIT_MS = 20_000;
const UNAVAILABLE = { 'Retry-After': '1' };

/**
 * Answers requests for a muxer's files (gohlslib's muxer_server): playlists built once per change and shared by every
 * request, files read from the storage, and the waits of LL-HLS (blocking playlist reload, preload hint parts), each
 * bounded by three target durations so a stalled stream does not hold requests forever (then 503).
 */
export class HlsRequestHandler {
  /** Bytes of the bodies handed out (streams from disk: as they are read). */
  bytesSent = 0;
  private readonly blocked = new BlockedRequests();
  private cache: { version: number; full?: Buffer; delta?: Buffer } = { version: -1 };
  private initVersion = 0;
  private initSize = 0;

  constructor(private readonly o: HlsRequestHandlerOptions) {}

  /** Bytes of the init segment. */
  get initBytes(): number { return this.initSize; }

  /** Requests waiting now. */
  get blockedCount(): number { return this.blocked.size; }

  /** Stores a new init segment (the first, or after the video parameters changed). */
  setInit(bytes: Buffer): void {
    this.o.storage.put(HLS_INIT_FILE, [bytes]);
    this.initVersion++;
    this.initSize = bytes.length;
  }

  /** Wakes the requests a change (a new part or segment) satisfies. */
  onChange(): void { this.blocked.wake(); }

  /** Ends every wait (503); later requests get 503 too. */
  close(): void { this.blocked.close(); }

  /** Answers one request. */
  async handle(req: HlsRequest): Promise<HlsResponse> {
    const { variant, window } = this.o;
    const file = req.file;
    if (file === HLS_MULTIVARIANT_FILE || file === HLS_INIT_FILE) {
      if (file === HLS_INIT_FILE && variant === 'mpegts') return statusResponse(404);
      const waited = await this.blocked.wait(() => window.hasContent, req, Math.max(FIRST_CONTENT_WAIT_MS, 3 * this.o.segmentDurationMs));
      if (waited !== 'ready') return this.unavailable(waited);
      return file === HLS_INIT_FILE ? this.init(req) : this.send(playlistResponse(Buffer.from(multivariantPlaylist(this.o.multivariant()))));
    }
    if (file === HLS_MEDIA_PLAYLIST_FILE) return this.mediaPlaylist(req);
    const segment = window.segment(file);
    if (segment) return this.file(req, segment.size, () => this.o.storage.read(file));
    if (variant === 'lowLatency') return this.part(req); // a part, the hinted one, or 404
    return statusResponse(404);
  }

  private async mediaPlaylist(req: HlsRequest): Promise<HlsResponse> {
    const { window } = this.o;
    const d = this.o.variant === 'lowLatency' ? parsePlaylistDirectives(req.query) : { kind: 'now' as const, isDelta: false };
    if (d.kind === 'bad') return statusResponse(400);
    let isReady = (): boolean => window.hasContent;
    if (d.kind === 'block') {
      if (this.isTooFarAhead(d.msn, d.part)) return statusResponse(400);
      // Without _HLS_part the request waits for the whole segment (§6.2.5.2).
      isReady = d.part === undefined ? () => window.hasContent && (d.msn < window.nextSegmentId) : () => window.hasPart(d.msn, d.part!);
    }
    const waited = await this.blocked.wait(isReady, req, this.blockTimeoutMs(d.kind === 'block'));
    if (waited !== 'ready') return this.unavailable(waited);
    return this.send(playlistResponse(this.playlist(d.isDelta)));
  }

  /**
   * RFC 8216bis §6.2.5.2: a request for a segment more than two past the last one, or for a part more than the
   * Advance Part Limit (3 / PART-TARGET parts below one second, else 3) past the last one, gets 400 at once.
   */
  private isTooFarAhead(msn: number, part: number | undefined): boolean {
    const { window } = this.o;
    if (msn > window.nextSegmentId + 1) return true;
    if (part === undefined || msn < window.nextSegmentId) return false;
    const target = window.partTarget;
    const limit = target > 0 && target < 1 ? 3 / target : 3;
    const ahead = msn === window.nextSegmentId ? part - (window.pendingParts.length - 1) : part + 1;
    return ahead > limit;
  }

  /** A part; the one the preload hint names (EXT-X-PRELOAD-HINT) is waited for, as gohlslib does. */
  private async part(req: HlsRequest): Promise<HlsResponse> {
    const { window } = this.o;
    if (!window.part(req.file) && req.file === window.nextPartFileName && window.hasContent) {
      const waited = await this.blocked.wait(() => window.part(req.file) !== undefined, req, this.blockTimeoutMs(true));
      if (waited !== 'ready') return this.unavailable(waited);
    }
    const found = window.part(req.file);
    if (!found) return statusResponse(404);
    const { part, segment } = found;
    return this.file(req, part.size, () => part.bytes ?? (segment && this.o.storage.read(segment.fileName, { offset: part.offset, length: part.size })));
  }

  private init(req: HlsRequest): HlsResponse {
    // The init segment is rewritten under the same name when the parameters change: revalidated, never kept.
    const caching: FileCaching = { isImmutable: false, etag: `"${this.o.tag}-init${this.initVersion}"` };
    if (etagMatches(req.ifNoneMatch, caching.etag)) return notModifiedResponse(caching);
    const body = this.o.storage.read(HLS_INIT_FILE);
    return body ? this.send(fileResponse(body, this.initSize, HLS_CONTENT_TYPE.mp4, caching)) : statusResponse(404);
  }

  /** A segment or part: its name is unique to this muxer and its bytes never change, so caches keep it as is. */
  private file(req: HlsRequest, size: number, read: () => HlsBody | undefined): HlsResponse {
    const caching: FileCaching = { isImmutable: true, etag: `"${req.file}"` };
    if (etagMatches(req.ifNoneMatch, caching.etag)) return notModifiedResponse(caching);
    const body = read();
    if (!body) return statusResponse(404);
    const contentType = this.o.variant === 'mpegts' ? HLS_CONTENT_TYPE.ts : HLS_CONTENT_TYPE.mp4;
    return this.send(fileResponse(body, size, contentType, caching));
  }

  /** The media playlist of the current version, built once for every request of that version. */
  private playlist(isDelta: boolean): Buffer {
    const { window, variant } = this.o;
    if (this.cache.version !== window.version) this.cache = { version: window.version };
    const key = isDelta ? 'delta' : 'full';
    return (this.cache[key] ??= Buffer.from(mediaPlaylist(window, variant, isDelta)));
  }

  private blockTimeoutMs(isBlockingReload: boolean): number {
    if (!isBlockingReload || !this.o.window.hasContent) return Math.max(FIRST_CONTENT_WAIT_MS, 3 * this.o.segmentDurationMs);
    return 3 * this.o.window.targetDuration * 1000;
  }

  private unavailable(outcome: Exclude<WaitOutcome, 'ready'>): HlsResponse {
    // An aborted request is answered too (nobody reads it), so the caller's promise always settles.
    return statusResponse(503, outcome === 'aborted' ? {} : UNAVAILABLE);
  }

  /** Counts the body as sent: a Buffer at once, a stream as the server reads it. */
  private send(r: HlsResponse): HlsResponse {
    const body = r.body;
    if (body === undefined) return r;
    if (Buffer.isBuffer(body)) {
      this.bytesSent += body.length;
      return r;
    }
    const count = (n: number): void => { this.bytesSent += n; };
    return { ...r, body: () => counted(body(), count) };
  }
}

async function* counted(source: AsyncIterable<Buffer>, count: (n: number) => void): AsyncIterable<Buffer> {
  for await (const chunk of source) {
    count(chunk.length);
    yield chunk;
  }
}
