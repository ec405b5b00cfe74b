import type { Logger } from '../../lib/index.ts';
import type { HlsVariant } from '../../conf/index.ts';
import type { Description, Format, Media } from '../../formats/index.ts';
import type { Unit } from '../../stream/index.ts';
import type { HlsResponseLike } from './hls-response-writer.ts';

/** A request for one file of a muxer (HlsRequest of protocols/hls). */
export interface HlsFileRequest {
  /** `index.m3u8`, a media playlist, the init section, a segment or a part. */
  readonly file: string;
  readonly query: URLSearchParams;
  /** The If-None-Match header, when sent: a file it names is answered 304. */
  readonly ifNoneMatch?: string;
  /**
   * Hooks `cb` to the client going away (or the server closing): a blocked playlist reload or preload-hint request
   * ends with it. Returns the unhook, or undefined when the request has ended already.
   */
  onAbort(cb: () => void): (() => void) | undefined;
}

/** What the server needs of a muxer: HlsMuxer of protocols/hls has this shape, tests use a fake. */
export interface HlsServerMuxer {
  /** Tracks left out because HLS cannot carry them, one log line each. */
  readonly skipped: readonly string[];
  /** The tracks the muxer takes; the server feeds it these. */
  readonly tracks: readonly { readonly media: Media; readonly format: Format }[];
  writeUnit(format: Format, unit: Unit): void;
  handle(req: HlsFileRequest): Promise<HlsResponseLike>;
  close(): void;
}

/** The muxer settings of the configuration (hlsVariant, hlsSegmentCount, …), the same for every path. */
export interface HlsMuxerSettings {
  readonly variant: HlsVariant;
  readonly segmentCount: number;
  readonly segmentDurationMs: number;
  readonly partDurationMs: number;
  readonly segmentMaxSize: number;
  /** `hlsDirectory`: segments are written under `<directory>/<path name>` instead of memory; '' for memory. */
  readonly directory: string;
}

/** What a factory gets besides the settings. */
export interface HlsMuxerContext {
  readonly pathName: string;
  /** The muxer's logger (`[HLS] [muxer <path>]`). */
  readonly log: Logger;
  /** Whether the muxer is fed the GOP cache and may end its first segment early to serve a playlist at once. */
  readonly instantStart: boolean;
}

/** Makes the muxer of one path's stream (the real factory loads the muxer's modules first, hence the promise). */
export type HlsMuxerFactory = (description: Description, opts: HlsMuxerSettings & HlsMuxerContext) => HlsServerMuxer | Promise<HlsServerMuxer>;
