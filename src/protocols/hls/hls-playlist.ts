import {
  HLS_GAP_FILE, HLS_INIT_FILE, HLS_MEDIA_PLAYLIST_FILE, type HlsPart, type HlsPlaylistEntry, type HlsVariant,
} from './hls-segment.ts';

/** What a media playlist shows: the published state of a muxer (SegmentWindow). */
export interface MediaPlaylistView {
  readonly entries: readonly HlsPlaylistEntry[];
  readonly pendingParts: readonly HlsPart[];
  readonly mediaSequence: number;
  /** The part EXT-X-PRELOAD-HINT names: the next one. */
  readonly nextPartFileName: string;
  /** Seconds, an integer. */
  readonly targetDuration: number;
  /** Seconds, whole milliseconds. */
  readonly partTarget: number;
  readonly timescale: number;
}

/** What the multivariant playlist says of the single variant. */
export interface MultivariantView {
  readonly variant: HlsVariant;
  /**
   * EXT-X-INDEPENDENT-SEGMENTS (RFC 8216bis §4.4.2.1): every segment starts with a key frame, so a player may start
   * at any of them. False while a segment that starts without one is listed or being written (instant start).
   */
  readonly independentSegments: boolean;
  /** Bits per second: the peak and the average of the segments held. */
  readonly bandwidth: number;
  readonly averageBandwidth: number;
  /** RFC 6381 codec strings, video first. */
  readonly codecs: readonly string[];
  readonly resolution?: { readonly width: number; readonly height: number };
  readonly frameRate?: number;
}

// Playlists print seconds with 5 decimals, as gohlslib (iOS rejects some longer values).
const seconds = (ticks: number, timescale: number): string => (ticks / timescale).toFixed(5);
const version = (variant: HlsVariant): number => (variant === 'mpegts' ? 3 : 9);

/**
 * EXT-X-PROGRAM-DATE-TIME value (RFC 8216bis §4.4.4.6, ISO 8601): UTC, milliseconds only when not zero, trailing
 * zeros left out (Go's `2006-01-02T15:04:05.999Z07:00`, which gohlslib uses).
 */
export function formatProgramDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

/**
 * The multivariant playlist (RFC 8216bis §4.4.6.2): one variant, `stream.m3u8`. Version 3 for MPEG-TS, 9 for fMP4
 * (EXT-X-SKIP, EXT-X-PART and EXT-X-MAP without I-frames need 9, as gohlslib declares).
 */
export function multivariantPlaylist(v: MultivariantView): string {
  let s = `#EXTM3U\n#EXT-X-VERSION:${version(v.variant)}\n${v.independentSegments ? '#EXT-X-INDEPENDENT-SEGMENTS\n' : ''}\n`;
  s += `#EXT-X-STREAM-INF:BANDWIDTH=${v.bandwidth},AVERAGE-BANDWIDTH=${v.averageBandwidth},CODECS="${v.codecs.join(',')}"`;
  if (v.resolution) s += `,RESOLUTION=${v.resolution.width}x${v.resolution.height}`;
  if (v.frameRate !== undefined) s += `,FRAME-RATE=${v.frameRate.toFixed(3)}`;
  return `${s}\n${HLS_MEDIA_PLAYLIST_FILE}\n`;
}

/**
 * The media playlist, with gohlslib's tags in gohlslib's order (RFC 8216bis §4.4):
 *
 *   EXTM3U, EXT-X-VERSION                      §4.4.1
 *   EXT-X-ALLOW-CACHE:NO                       MPEG-TS only (RFC 8216's predecessor tag, kept by version 3 players)
 *   EXT-X-TARGETDURATION                       §4.4.3.1
 *   EXT-X-SERVER-CONTROL, EXT-X-PART-INF       §4.4.3.8, §4.4.3.7 (Low-Latency)
 *   EXT-X-MEDIA-SEQUENCE                       §4.4.3.2
 *   EXT-X-MAP                                  §4.4.4.5 (fMP4)
 *   EXT-X-SKIP                                 §4.4.5.2 (delta update)
 *   per entry: EXT-X-PROGRAM-DATE-TIME §4.4.4.6, EXT-X-GAP §4.4.4.7, EXT-X-PART §4.4.4.9, EXTINF §4.4.4.1, URI
 *   EXT-X-PART of the segment being written, EXT-X-PRELOAD-HINT §4.4.5.3 (Low-Latency)
 *
 * Program date-times go on every MPEG-TS segment and on the last two fMP4 ones; parts are listed for the last two
 * segments (RFC 8216bis §6.2.2 wants them for those within three target durations of the end).
 */
export function mediaPlaylist(w: MediaPlaylistView, variant: HlsVariant, isDelta: boolean): string {
  const isLowLatency = variant === 'lowLatency';
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${version(variant)}`];
  if (variant === 'mpegts') lines.push('#EXT-X-ALLOW-CACHE:NO');
  lines.push(`#EXT-X-TARGETDURATION:${w.targetDuration}`);
  const canSkipUntil = 6 * w.targetDuration; // §4.4.3.8: at least six target durations
  if (isLowLatency) {
    // PART-HOLD-BACK: §4.4.3.8 wants at least twice PART-TARGET; gohlslib puts 2.5 times.
    lines.push(`#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${(w.partTarget * 2.5).toFixed(5)},CAN-SKIP-UNTIL=${canSkipUntil.toFixed(5)}`);
    lines.push(`#EXT-X-PART-INF:PART-TARGET=${w.partTarget.toFixed(5)}`);
  }
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${w.mediaSequence}`);
  if (variant !== 'mpegts') lines.push(`#EXT-X-MAP:URI="${HLS_INIT_FILE}"`);
  const skipped = isLowLatency && isDelta ? skippedEntries(w, canSkipUntil) : 0;
  if (skipped > 0) lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);
  w.entries.forEach((e, i) => {
    if (i < skipped) return;
    if (e.kind === 'gap') {
      lines.push('#EXT-X-GAP', `#EXTINF:${seconds(e.durationTicks, w.timescale)},`, HLS_GAP_FILE);
      return;
    }
    const isRecent = w.entries.length - i <= 2;
    if (variant === 'mpegts' || isRecent) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${formatProgramDateTime(e.startWallMs)}`);
    if (isLowLatency && isRecent) for (const p of e.parts) lines.push(partLine(p, w.timescale));
    lines.push(`#EXTINF:${seconds(e.durationTicks, w.timescale)},`, e.fileName);
  });
  if (isLowLatency) {
    for (const p of w.pendingParts) lines.push(partLine(p, w.timescale));
    // Always present: hls.js loops on a Low-Latency playlist without one (gohlslib's note).
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${w.nextPartFileName}"`);
  }
  return lines.join('\n') + '\n';
}

function partLine(p: HlsPart, timescale: number): string {
  return `#EXT-X-PART:DURATION=${seconds(p.durationTicks, timescale)},URI="${p.fileName}"${p.isIndependent ? ',INDEPENDENT=YES' : ''}`;
}

/**
 * How many entries a delta update leaves out (RFC 8216bis §6.2.5.1): those that end at least CAN-SKIP-UNTIL seconds
 * before the end of the last segment. The two segments whose parts are listed always stay.
 */
function skippedEntries(w: MediaPlaylistView, canSkipUntil: number): number {
  const boundary = canSkipUntil * w.timescale;
  let remaining = w.entries.reduce((n, e) => n + e.durationTicks, 0);
  let skipped = 0;
  for (const e of w.entries.slice(0, -2)) {
    remaining -= e.durationTicks;
    if (remaining < boundary) break;
    skipped++;
  }
  return skipped;
}
