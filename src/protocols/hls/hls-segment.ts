import { randomBytes } from 'node:crypto';

/** The three muxers MediaMTX offers (`hlsVariant`): MPEG-TS segments, fMP4 segments, or fMP4 parts (LL-HLS). */
export type HlsVariant = 'mpegts' | 'fmp4' | 'lowLatency';

/**
 * A partial segment (RFC 8216bis §4.4.4.9): a moof + mdat of its parent segment, named `<prefix>_part<id>` as
 * gohlslib names them, with ids counting across segments.
 */
export interface HlsPart {
  readonly id: number;
  /** File name, `<prefix>_part<id>.mp4`. */
  readonly fileName: string;
  /** Ticks of the muxer's timeline (90 kHz with video, the audio clock rate without). */
  readonly durationTicks: number;
  /** True when it holds a key frame (INDEPENDENT=YES), or always for audio only. */
  readonly isIndependent: boolean;
  /** Where its bytes start in the parent segment's file, and how many. */
  readonly offset: number;
  readonly size: number;
  /** Its bytes while the parent segment is being written; undefined once the storage holds the parent's file. */
  bytes: Buffer | undefined;
}

/** A media segment (RFC 8216bis §3), named `<prefix>_seg<id>.mp4|ts`. */
export interface HlsSegment {
  readonly kind: 'segment';
  readonly id: number;
  /** File name, `<prefix>_seg<id>.mp4` or `<prefix>_seg<id>.ts`. */
  readonly fileName: string;
  readonly startTicks: number;
  /**
   * True when it starts with a key frame of the leading track (always for audio only), so a player can start there:
   * what EXT-X-INDEPENDENT-SEGMENTS promises of every segment (RFC 8216bis §4.4.2.1).
   */
  readonly isIndependent: boolean;
  readonly durationTicks: number;
  /** Wall-clock time of its first sample (EXT-X-PROGRAM-DATE-TIME), in ms since the epoch. */
  readonly startWallMs: number;
  readonly size: number;
  /** Its partial segments, in order (none outside LL-HLS). */
  readonly parts: readonly HlsPart[];
}

/**
 * A place holder listed before the first segment of a Low-Latency muxer (`#EXT-X-GAP`, `gap.mp4`): gohlslib puts
 * seven of them, with the first segment's duration, because iOS players refuse to start LL-HLS on a shorter
 * playlist.
 */
export interface HlsGap { readonly kind: 'gap'; readonly durationTicks: number }

/** An entry of a media playlist. */
export type HlsPlaylistEntry = HlsSegment | HlsGap;

/**
 * The prefix of one muxer's segment and part names, random as gohlslib's: a republished stream's new muxer numbers
 * its segments from the start again, and a CDN that cached the old muxer's `seg8.mp4` (immutable, for long) must
 * never serve it for the new one.
 */
export function newFileNamePrefix(): string { return randomBytes(8).toString('hex'); }

/** `<prefix>_part<id>.mp4`. */
export function partFileName(prefix: string, id: number): string { return `${prefix}_part${id}.mp4`; }

/** `<prefix>_seg<id>.mp4` or `<prefix>_seg<id>.ts`. */
export function segmentFileName(prefix: string, id: number, variant: HlsVariant): string {
  return `${prefix}_seg${id}.${variant === 'mpegts' ? 'ts' : 'mp4'}`;
}

/** The init segment of the fMP4 variants (EXT-X-MAP). */
export const HLS_INIT_FILE = 'init.mp4';
/** The multivariant playlist. */
export const HLS_MULTIVARIANT_FILE = 'index.m3u8';
/** The media playlist, the only one: HLS from one stream has a single rendition. */
export const HLS_MEDIA_PLAYLIST_FILE = 'stream.m3u8';
/** What gap entries point at; requests for it get 404. */
export const HLS_GAP_FILE = 'gap.mp4';
/** Gap entries in front of a Low-Latency muxer's first segment (gohlslib's count). */
export const HLS_LL_GAP_COUNT = 7;
