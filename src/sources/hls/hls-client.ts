import type { Logger } from '../../lib/index.ts';
import { redactUrl } from '../../lib/index.ts';
import { hlsFetch } from './hls-fetch.ts';
import { hlsNextStep, hlsStartCursor, type HlsCursor } from './hls-cursor.ts';
import { HLS_MAX_PLAYLIST_BYTES, HlsPlaylistError, parseHlsPlaylist, pickHlsVariant, type HlsMediaPlaylist, type HlsPlaylist } from './hls-playlist.ts';
import type { HlsStreamWriter } from './hls-stream-writer.ts';
import type { ByteRange } from './hls-attributes.ts';

/** Largest segment or part taken (bytes): a 50 Mbit/s stream's 8-second segment. */
export const HLS_MAX_SEGMENT_BYTES = 50 * 1024 * 1024;
/** Largest initialization section (EXT-X-MAP). */
const MAX_INIT_BYTES = 1024 * 1024;

/** What the client needs to play one HLS stream into the writer. */
export interface HlsClientOptions {
  readonly url: URL;
  /** `sourceFingerprint`, for https. */
  readonly fingerprint: string;
  /** Bound of every request; blocking playlist reloads get three target durations more (RFC 8216bis §6.2.5.2). */
  readonly readTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly writer: HlsStreamWriter;
}

/** The newest entry a playlist lists, to tell whether a reload brought anything. */
const lastEntry = (p: HlsMediaPlaylist): string => `${p.mediaSequence + p.segments.length}/${p.trailingParts.length}`;

const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  const t = setTimeout(done, ms);
  function done(): void { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
  signal.addEventListener('abort', done, { once: true });
});

/**
 * An HLS client (RFC 8216bis §6.3) in the way of gohlslib, MediaMTX's: the highest-bandwidth variant of a
 * multivariant playlist, then its media playlist, reloaded as it grows (blocking reloads with `_HLS_msn`/`_HLS_part`
 * when the server can, §6.2.5.2), segments or, for Low-Latency playlists, parts fetched in order into the writer.
 * Resolves when an ended playlist was played; rejects on an upstream error or a playlist that stopped advancing.
 */
export class HlsClient {
  private playlistUrl: URL;
  private initUri: string | undefined;

  constructor(private readonly o: HlsClientOptions) {
    this.playlistUrl = o.url;
  }

  /** Plays until the end of the stream, an error, or the signal. */
  async run(): Promise<void> {
    let playlist = await this.loadFirst();
    let cursor: HlsCursor = hlsStartCursor(playlist);
    let lastProgress = Date.now();
    let hasChanged = true;
    while (!this.o.signal.aborted) {
      const step = hlsNextStep(playlist, cursor);
      switch (step.kind) {
        case 'segment': case 'part': {
          await this.ensureInit(playlist);
          // Keep about one target duration (three parts for Low-Latency) ahead of the pace units are written at.
          await this.o.writer.waitBelow(playlist.partTarget !== undefined ? playlist.partTarget * 3 : playlist.targetDuration);
          const entry = step.kind === 'segment' ? step.segment : step.part;
          const body = await this.fetch(entry.uri, HLS_MAX_SEGMENT_BYTES, entry.byteRange);
          if (playlist.map) this.o.writer.pushFmp4(body);
          else this.o.writer.pushMpegTs(body);
          cursor = step.kind === 'segment' ? { msn: step.segment.sequence + 1, part: 0 } : step.next;
          lastProgress = Date.now();
          break;
        }
        case 'skip': this.o.log.debug(step.reason); cursor = step.next; break;
        case 'behind':
          this.o.log.warn('the playlist moved past the next segment: going on at the live edge');
          cursor = hlsStartCursor(playlist);
          break;
        case 'ended': return;
        case 'reload': {
          const stallMs = Math.max(this.o.readTimeoutMs, playlist.targetDuration * 3000);
          if (Date.now() - lastProgress > stallMs) throw new Error(`the playlist did not advance in ${Math.round(stallMs / 1000)}s`);
          // Without blocking, or when a blocking reload came back with nothing new (a server that does not hold
          // requests), wait: half a target duration (RFC 8216bis §6.3.4), a part target for Low-Latency.
          if (!step.block || !hasChanged) await sleep((playlist.partTarget ?? playlist.targetDuration / 2) * 1000, this.o.signal);
          const next = await this.reload(playlist, step.block);
          hasChanged = lastEntry(next) !== lastEntry(playlist);
          playlist = next;
          break;
        }
      }
    }
  }

  private async loadFirst(): Promise<HlsMediaPlaylist> {
    // Relative URIs resolve against where a playlist came from, after redirections (RFC 8216bis §4.1).
    const first = await this.getPlaylist(this.playlistUrl, this.o.readTimeoutMs);
    this.playlistUrl = first.from;
    if (first.playlist.kind === 'media') return first.playlist;
    const variant = pickHlsVariant(first.playlist);
    this.o.log.debug(`playing the variant of ${variant.bandwidth} bit/s: ${redactUrl(new URL(variant.uri, this.playlistUrl).href)}`);
    const media = await this.getPlaylist(new URL(variant.uri, this.playlistUrl), this.o.readTimeoutMs);
    this.playlistUrl = media.from;
    if (media.playlist.kind !== 'media') throw new HlsPlaylistError('a variant of the multivariant playlist is a multivariant playlist');
    return media.playlist;
  }

  private async reload(p: HlsMediaPlaylist, block: HlsCursor | undefined): Promise<HlsMediaPlaylist> {
    const url = new URL(this.playlistUrl);
    if (block) {
      url.searchParams.set('_HLS_msn', String(block.msn));
      if (p.partTarget !== undefined) url.searchParams.set('_HLS_part', String(block.part));
    }
    const next = await this.getPlaylist(url, this.o.readTimeoutMs + (block ? p.targetDuration * 3000 : 0));
    if (next.playlist.kind !== 'media') throw new HlsPlaylistError('the media playlist became a multivariant playlist');
    return next.playlist;
  }

  private async getPlaylist(url: URL, timeoutMs: number): Promise<{ playlist: HlsPlaylist; from: URL }> {
    const { body, url: from } = await hlsFetch(url, { fingerprint: this.o.fingerprint, timeoutMs, maxBytes: HLS_MAX_PLAYLIST_BYTES, signal: this.o.signal });
    return { playlist: parseHlsPlaylist(body.toString('utf8')), from };
  }

  private async ensureInit(p: HlsMediaPlaylist): Promise<void> {
    if (!p.map || p.map.uri === this.initUri) return;
    const body = await this.fetch(p.map.uri, MAX_INIT_BYTES, p.map.byteRange);
    this.o.writer.setInit(body);
    this.initUri = p.map.uri;
  }

  private async fetch(uri: string, maxBytes: number, byteRange: ByteRange | undefined): Promise<Buffer> {
    const url = new URL(uri, this.playlistUrl);
    const r = await hlsFetch(url, {
      fingerprint: this.o.fingerprint, timeoutMs: this.o.readTimeoutMs, maxBytes, signal: this.o.signal, ...(byteRange ? { byteRange } : {}),
    });
    return r.body;
  }
}
