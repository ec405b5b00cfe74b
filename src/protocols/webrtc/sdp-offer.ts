import { codecOfEncoding, parseFmtpParams, parseSdp, type Format, type SdpSession } from '../../formats/index.ts';

/** Direction attribute of a media section (RFC 8866 §6.7). */
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** One `m=` section of a WebRTC offer (RFC 8829 §5.3.1), with its RTP formats read leniently. */
export interface OfferSection {
  /** Position of the section in the offer (the m-line index). */
  readonly index: number;
  readonly kind: string;
  readonly mid: string | undefined;
  readonly direction: SdpDirection;
  /** True when the port is 0 (RFC 8829 §5.3.1: a rejected or bundle-only section still has its mid). */
  readonly isPortZero: boolean;
  /** Formats in offer order (the offerer's preference, RFC 8829 §5.2.1). */
  readonly formats: readonly Format[];
}

/** A parsed offer: the session as lines (to rewrite it) and its sections. */
export interface ParsedOffer { readonly session: SdpSession; readonly sections: readonly OfferSection[] }

/** Thrown for an offer that is not an SDP a WebRTC peer would send. */
export class OfferError extends Error {
  override readonly name: string = 'OfferError';
}

const DIRECTIONS: readonly SdpDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** The formats of one section; a format whose rtpmap is missing or broken is skipped, not fatal (rtx, red, ulpfec stay as `generic`). */
function sectionFormats(pts: readonly string[], lines: readonly string[]): Format[] {
  const rtpmaps = new Map<number, string>();
  const fmtps = new Map<number, string>();
  for (const l of lines) {
    let m = /^a=rtpmap:(\d{1,3}) (.+)$/.exec(l);
    if (m) { rtpmaps.set(Number(m[1]), m[2]!.trim()); continue; }
    m = /^a=fmtp:(\d{1,3}) ?(.*)$/.exec(l);
    if (m) fmtps.set(Number(m[1]), m[2]!);
  }
  const out: Format[] = [];
  for (const t of pts) {
    if (!/^\d{1,3}$/.test(t) || Number(t) > 127) continue;
    const pt = Number(t);
    const map = rtpmaps.get(pt);
    // RFC 3551 static types a browser offers without rtpmap: PCMU (0), PCMA (8), G722 (9).
    const [enc, rate, ch] = (map ?? ({ 0: 'PCMU/8000', 8: 'PCMA/8000', 9: 'G722/8000' } as Record<number, string>)[pt] ?? '').split('/');
    const clockRate = Number(rate);
    if (!enc || !Number.isInteger(clockRate) || clockRate <= 0) continue;
    const fmtp = fmtps.get(pt);
    out.push({
      codec: codecOfEncoding(enc), payloadType: pt, encoding: enc, clockRate,
      ...(ch !== undefined && /^\d{1,2}$/.test(ch) ? { channels: Number(ch) } : {}),
      ...(fmtp !== undefined ? { fmtp } : {}), params: parseFmtpParams(fmtp ?? ''),
    } as Format);
  }
  return out;
}

/** Parses an SDP offer (RFC 8866 syntax, RFC 8829 content); throws OfferError when it is not one. */
export function parseOffer(text: string): ParsedOffer {
  let session: SdpSession;
  try {
    session = parseSdp(text);
  } catch (err) {
    throw new OfferError(`invalid SDP: ${(err as Error).message}`);
  }
  if (session.medias.length === 0) throw new OfferError('the offer has no media section');
  const sections = session.medias.map((m, index): OfferSection => {
    const [kind, port, , ...pts] = m.mLine.slice(2).split(' ').filter((x) => x !== '');
    if (!kind || port === undefined) throw new OfferError(`invalid media line '${m.mLine.slice(0, 64)}'`);
    const mid = m.lines.find((l) => l.startsWith('a=mid:'))?.slice('a=mid:'.length).trim();
    const dir = DIRECTIONS.find((d) => m.lines.includes(`a=${d}`)) ?? 'sendrecv';
    return { index, kind, mid, direction: dir, isPortZero: port === '0', formats: sectionFormats(pts, m.lines) };
  });
  return { session, sections };
}

/**
 * The offer with each listed section reduced to one payload type (its rtpmap, fmtp and rtcp-fb lines kept, those of
 * the others dropped), so the answerer can only pick that one (RFC 8829 §5.3.1: the answer is a subset of the offer).
 */
export function restrictOffer(offer: ParsedOffer, keep: ReadonlyMap<number, number>): string {
  const medias = offer.session.medias.map((m, i) => {
    const pt = keep.get(i);
    if (pt === undefined) return m;
    const parts = m.mLine.split(' ');
    const mLine = [...parts.slice(0, 3), String(pt)].join(' ');
    const lines = m.lines.filter((l) => {
      const r = /^a=(rtpmap|fmtp|rtcp-fb):(\d{1,3})[ ]/.exec(l);
      return r === null || Number(r[2]) === pt;
    });
    return { mLine, lines };
  });
  return [...offer.session.sessionLines, ...medias.flatMap((m) => [m.mLine, ...m.lines])].join('\r\n') + '\r\n';
}
