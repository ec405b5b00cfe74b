import { parseAttributeList, parseByteRange, type ByteRange } from './hls-attributes.ts';

/** Largest playlist read (bytes): an "endless" playlist is refused at this size, before it is parsed. */
export const HLS_MAX_PLAYLIST_BYTES = 2 * 1024 * 1024;
/** Most segments, variants or parts one playlist may list. */
const MAX_ENTRIES = 20_000;

/** Why a playlist was refused: malformed, too large, or using what this client does not do (encryption). */
export class HlsPlaylistError extends Error {
  override readonly name = 'HlsPlaylistError';
}

/** One variant stream of a multivariant playlist (RFC 8216bis §4.4.6.2 EXT-X-STREAM-INF). */
export interface HlsVariant { readonly uri: string; readonly bandwidth: number; readonly codecs?: string }

/** A Partial Segment (RFC 8216bis §4.4.4.9 EXT-X-PART). */
export interface HlsPart { readonly uri: string; readonly duration: number; readonly isIndependent: boolean; readonly byteRange?: ByteRange }

/** A Media Segment (RFC 8216bis §4.4.4.1 EXTINF + URI), with the parts it was announced in, if any. */
export interface HlsSegment {
  /** Media Sequence Number (§6.3.2): EXT-X-MEDIA-SEQUENCE plus its index. */
  readonly sequence: number;
  readonly uri: string;
  readonly duration: number;
  readonly byteRange?: ByteRange;
  readonly parts: readonly HlsPart[];
  /** EXT-X-GAP (§4.4.4.7): the segment is missing; nothing to fetch. */
  readonly isGap: boolean;
  /** EXT-X-DISCONTINUITY (§4.4.4.3) before it: its timestamps start a new timeline. */
  readonly isDiscontinuity: boolean;
}

/** A Media Playlist (RFC 8216bis §4.4.3, §4.4.4, §4.4.5). */
export interface HlsMediaPlaylist {
  readonly kind: 'media';
  readonly targetDuration: number;
  readonly mediaSequence: number;
  readonly segments: readonly HlsSegment[];
  /** Parts of the segment being written, after the last complete one (Low-Latency). */
  readonly trailingParts: readonly HlsPart[];
  /** EXT-X-MAP (§4.4.4.5): the fMP4 initialization section; absent for MPEG-TS. */
  readonly map?: { readonly uri: string; readonly byteRange?: ByteRange };
  /** EXT-X-PART-INF PART-TARGET (§4.4.3.7), seconds, for Low-Latency playlists. */
  readonly partTarget?: number;
  /** EXT-X-SERVER-CONTROL CAN-BLOCK-RELOAD=YES (§4.4.3.8): `_HLS_msn`/`_HLS_part` requests are answered when ready. */
  readonly canBlockReload: boolean;
  /** EXT-X-ENDLIST (§4.4.3.4): no segment will be added. */
  readonly isEnded: boolean;
}

/** A Multivariant Playlist (§4.4.6): its variants. */
export interface HlsMultivariantPlaylist { readonly kind: 'multivariant'; readonly variants: readonly HlsVariant[] }

/** A playlist of either kind. */
export type HlsPlaylist = HlsMediaPlaylist | HlsMultivariantPlaylist;

function number(text: string | undefined, what: string): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(n) || n < 0) throw new HlsPlaylistError(`invalid ${what}: '${text ?? ''}'`);
  return n;
}

// Media Sequence Numbers are doubles here: from 2^53 on, adding 1 changes nothing, so the client would fetch the same
// segment again and again, or skip the same gap in a loop that never awaits (the event loop stalls). RFC 8216bis
// makes it a decimal-integer, so fractions are refused too.
const MAX_MEDIA_SEQUENCE = Number.MAX_SAFE_INTEGER - 2 * MAX_ENTRIES;
// Reload waits and the blocking-reload and stall bounds are derived from these: beyond what setTimeout takes
// (2^31 ms, 24.8 days) Node fires after 1 ms, and the client would reload the playlist in a tight loop.
const MAX_TARGET_SECONDS = 86_400;

function mediaSequence(text: string): number {
  const n = number(text, 'EXT-X-MEDIA-SEQUENCE');
  if (!Number.isInteger(n) || n > MAX_MEDIA_SEQUENCE) throw new HlsPlaylistError(`unsupported EXT-X-MEDIA-SEQUENCE: '${text.slice(0, 40)}'`);
  return n;
}

function target(text: string | undefined, what: string): number {
  const n = number(text, what);
  if (n > MAX_TARGET_SECONDS) throw new HlsPlaylistError(`${what} of ${n} s is more than ${MAX_TARGET_SECONDS} s`);
  return n;
}

function tagOf(line: string): [string, string] {
  const colon = line.indexOf(':');
  return colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1)];
}

function uriOf(attrs: Map<string, string>, tag: string): string {
  const uri = attrs.get('URI');
  if (uri === undefined || uri === '') throw new HlsPlaylistError(`${tag} without URI`);
  return uri;
}

/** Where the previous sub-range of a resource ended, for ranges without offset. */
interface RangeEnd { uri: string; end: number }

/**
 * A sub-range with its offset: without one, it starts after the previous entry's sub-range of the same resource
 * (RFC 8216bis §4.4.4.2, §4.4.4.9), else at 0.
 */
function placeRange(r: ByteRange, uri: string, last: { range?: RangeEnd }): ByteRange {
  const offset = r.offset ?? (last.range?.uri === uri ? last.range.end : 0);
  last.range = { uri, end: offset + r.length };
  return { length: r.length, offset };
}

function parsePart(value: string, last: { range?: RangeEnd }): HlsPart {
  const a = parseAttributeList(value);
  const uri = uriOf(a, 'EXT-X-PART');
  const range = a.get('BYTERANGE');
  const parsed = range !== undefined ? parseByteRange(range) : undefined;
  if (range !== undefined && !parsed) throw new HlsPlaylistError(`invalid EXT-X-PART BYTERANGE '${range}'`);
  const byteRange = parsed ? placeRange(parsed, uri, last) : undefined;
  return { uri, duration: number(a.get('DURATION'), 'EXT-X-PART DURATION'), isIndependent: a.get('INDEPENDENT') === 'YES', ...(byteRange ? { byteRange } : {}) };
}

function parseMultivariant(lines: readonly string[]): HlsMultivariantPlaylist {
  const variants: HlsVariant[] = [];
  for (let i = 0; i < lines.length; i++) {
    const [tag, value] = tagOf(lines[i]!);
    if (tag !== '#EXT-X-STREAM-INF') continue;
    const a = parseAttributeList(value);
    const uri = lines.slice(i + 1).find((l) => l !== '' && !l.startsWith('#'));
    if (uri === undefined) throw new HlsPlaylistError('EXT-X-STREAM-INF without URI');
    const codecs = a.get('CODECS');
    variants.push({ uri, bandwidth: number(a.get('BANDWIDTH'), 'BANDWIDTH'), ...(codecs !== undefined ? { codecs } : {}) });
    if (variants.length > MAX_ENTRIES) throw new HlsPlaylistError(`more than ${MAX_ENTRIES} variants`);
  }
  if (variants.length === 0) throw new HlsPlaylistError('multivariant playlist without variants');
  return { kind: 'multivariant', variants };
}

/** Media playlist state while its lines are read. */
interface MediaState {
  targetDuration?: number; mediaSequence: number; partTarget?: number; canBlockReload: boolean; isEnded: boolean;
  map?: { uri: string; byteRange?: ByteRange };
  segments: HlsSegment[]; parts: HlsPart[];
  lastPartRange: { range?: RangeEnd }; lastSegmentRange: { range?: RangeEnd };
  next: { duration?: number; byteRange?: ByteRange; isGap: boolean; isDiscontinuity: boolean };
}

function mediaTag(s: MediaState, tag: string, value: string): void {
  switch (tag) {
    case '#EXT-X-TARGETDURATION': s.targetDuration = target(value, 'EXT-X-TARGETDURATION'); break;
    case '#EXT-X-MEDIA-SEQUENCE': s.mediaSequence = mediaSequence(value); break;
    case '#EXT-X-ENDLIST': s.isEnded = true; break;
    case '#EXT-X-PART-INF': s.partTarget = target(parseAttributeList(value).get('PART-TARGET'), 'PART-TARGET'); break;
    case '#EXT-X-SERVER-CONTROL': s.canBlockReload = parseAttributeList(value).get('CAN-BLOCK-RELOAD') === 'YES'; break;
    case '#EXTINF': s.next.duration = number(value.split(',')[0], 'EXTINF duration'); break;
    case '#EXT-X-GAP': s.next.isGap = true; break;
    case '#EXT-X-DISCONTINUITY': s.next.isDiscontinuity = true; break;
    case '#EXT-X-PART':
      s.parts.push(parsePart(value, s.lastPartRange));
      if (s.parts.length > MAX_ENTRIES) throw new HlsPlaylistError(`more than ${MAX_ENTRIES} parts`);
      break;
    case '#EXT-X-BYTERANGE': {
      const r = parseByteRange(value);
      if (!r) throw new HlsPlaylistError(`invalid EXT-X-BYTERANGE '${value}'`);
      s.next.byteRange = r;
      break;
    }
    case '#EXT-X-MAP': {
      const a = parseAttributeList(value);
      const range = a.get('BYTERANGE');
      const byteRange = range !== undefined ? parseByteRange(range) : undefined;
      s.map = { uri: uriOf(a, 'EXT-X-MAP'), ...(byteRange ? { byteRange } : {}) };
      break;
    }
    case '#EXT-X-KEY': case '#EXT-X-SESSION-KEY':
      // Encrypted media (§4.4.4.4) would need the key server; MediaMTX's client does not decrypt either.
      if (parseAttributeList(value).get('METHOD') !== 'NONE') throw new HlsPlaylistError('encrypted playlists are not supported');
      break;
    default: break; // other tags (PROGRAM-DATE-TIME, PRELOAD-HINT, SKIP, …) change nothing this client does
  }
}

function parseMedia(lines: readonly string[]): HlsMediaPlaylist {
  const s: MediaState = {
    mediaSequence: 0, canBlockReload: false, isEnded: false, segments: [], parts: [], lastPartRange: {}, lastSegmentRange: {},
    next: { isGap: false, isDiscontinuity: false },
  };
  for (const line of lines) {
    if (line === '') continue;
    if (line.startsWith('#')) { const [tag, value] = tagOf(line); mediaTag(s, tag, value); continue; }
    if (s.next.duration === undefined) throw new HlsPlaylistError(`segment '${line.slice(0, 100)}' without EXTINF`);
    const byteRange = s.next.byteRange ? placeRange(s.next.byteRange, line, s.lastSegmentRange) : undefined;
    s.segments.push({
      sequence: s.mediaSequence + s.segments.length, uri: line, duration: s.next.duration, parts: s.parts,
      isGap: s.next.isGap, isDiscontinuity: s.next.isDiscontinuity, ...(byteRange ? { byteRange } : {}),
    });
    if (s.segments.length > MAX_ENTRIES) throw new HlsPlaylistError(`more than ${MAX_ENTRIES} segments`);
    s.parts = [];
    s.next = { isGap: false, isDiscontinuity: false };
  }
  if (s.targetDuration === undefined) throw new HlsPlaylistError('media playlist without EXT-X-TARGETDURATION');
  return {
    kind: 'media', targetDuration: s.targetDuration, mediaSequence: s.mediaSequence, segments: s.segments, trailingParts: s.parts,
    canBlockReload: s.canBlockReload, isEnded: s.isEnded,
    ...(s.map ? { map: s.map } : {}), ...(s.partTarget !== undefined ? { partTarget: s.partTarget } : {}),
  };
}

/**
 * Parses a playlist (RFC 8216bis §4): multivariant when it lists EXT-X-STREAM-INF, media otherwise. Bounded by
 * HLS_MAX_PLAYLIST_BYTES and MAX_ENTRIES. Throws HlsPlaylistError only.
 */
export function parseHlsPlaylist(text: string): HlsPlaylist {
  if (text.length > HLS_MAX_PLAYLIST_BYTES) throw new HlsPlaylistError(`playlist larger than ${HLS_MAX_PLAYLIST_BYTES} bytes`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new HlsPlaylistError('not a playlist: the first line is not #EXTM3U');
  return lines.some((l) => l.startsWith('#EXT-X-STREAM-INF:')) ? parseMultivariant(lines) : parseMedia(lines);
}

/** The variant MediaMTX plays (gohlslib): the one of highest BANDWIDTH, the first listed among equals. */
export function pickHlsVariant(p: HlsMultivariantPlaylist): HlsVariant {
  return p.variants.reduce((best, v) => (v.bandwidth > best.bandwidth ? v : best));
}
