/** Thrown for text that is not a usable SDP. */
export class SdpParseError extends Error {
  override readonly name = 'SdpParseError';
}

/** SDP limits (docs/limits.md §RTSP): bodies are ≤ 128 KiB anyway; these bound the work per SDP. */
export const SDP_LIMITS = { bytes: 128 * 1024, medias: 64, formatsPerMedia: 64 } as const;

/** One `m=` section: the m-line and its lines, verbatim. */
export interface SdpMediaSection { readonly mLine: string; readonly lines: readonly string[] }

/** A session description kept line by line (RFC 4566), so unknown lines survive a round trip. */
export interface SdpSession { readonly sessionLines: readonly string[]; readonly medias: readonly SdpMediaSection[] }

/** Splits SDP text into session lines and media sections; lenient about line endings and unknown lines. */
export function parseSdp(text: string): SdpSession {
  if (text.length > SDP_LIMITS.bytes) throw new SdpParseError('SDP too big');
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l !== '');
  if (lines.length === 0 || !lines[0]!.startsWith('v=')) throw new SdpParseError('SDP must start with v=');
  const sessionLines: string[] = [];
  const medias: { mLine: string; lines: string[] }[] = [];
  for (const line of lines) {
    if (!/^[a-z]=/.test(line)) throw new SdpParseError(`invalid SDP line '${line.slice(0, 64)}'`);
    if (line.startsWith('m=')) {
      if (medias.length >= SDP_LIMITS.medias) throw new SdpParseError('too many medias');
      medias.push({ mLine: line, lines: [] });
    } else if (medias.length > 0) {
      medias[medias.length - 1]!.lines.push(line);
    } else {
      sessionLines.push(line);
    }
  }
  return { sessionLines, medias };
}

/** Serialises with CRLF line endings (RFC 4566 §5). */
export function serializeSdp(s: SdpSession): string {
  const all = [...s.sessionLines];
  for (const m of s.medias) all.push(m.mLine, ...m.lines);
  return all.join('\r\n') + '\r\n';
}
