import type { Description, Format, Media } from '../../formats/index.ts';
import { bestOffered, chooseIncoming, formatLabel, unsupportedReason } from './codec-match.ts';
import { OfferError, parseOffer, restrictOffer, type OfferSection } from './sdp-offer.ts';

/** One offered section the server will send a stream track on (WHEP) or receive a track from (WHIP). */
export interface TrackPlan {
  /** m-line index in the offer. */
  readonly index: number;
  readonly mid: string | undefined;
  readonly kind: string;
  /** The format of the offer the section is restricted to (payload type as the peer numbered it). */
  readonly offered: Format;
  /** WHEP: the stream's media and format that go out on this section. */
  readonly media?: Media;
  readonly format?: Format;
}

/** An offered section that carries nothing. */
export interface UnusedSection { readonly index: number; readonly kind: string; readonly offered: Format }

/** A stream track left out of a WHEP session, with why (logged once). */
export interface SkippedTrack { readonly media: Media; readonly format: Format; readonly reason: string }

/** Result of negotiating an offer: what goes where, and the offer reduced to it for the WebRTC stack. */
export interface Negotiation {
  readonly tracks: readonly TrackPlan[];
  /** Sections of the offer no track uses, with the format they keep so the stack can parse them: answered inactive. */
  readonly unusedSections: readonly UnusedSection[];
  readonly skipped: readonly SkippedTrack[];
  /** The offer with each used section reduced to its chosen payload type (unused sections: their first one). */
  readonly restrictedOffer: string;
}

/** The offer shares no codec with the stream (WHEP) or the server (WHIP): the client gets a 400 with this message. */
export class NoCommonCodecError extends OfferError {
  override readonly name: string = 'NoCommonCodecError';
}

const isMediaSection = (s: OfferSection): boolean => (s.kind === 'video' || s.kind === 'audio') && !s.isPortZero && s.formats.length > 0;

function restrictUnused(sections: readonly OfferSection[], keep: Map<number, number>): UnusedSection[] {
  const unused: UnusedSection[] = [];
  for (const s of sections) {
    if (keep.has(s.index) || !isMediaSection(s)) continue;
    // An unused section still needs a codec the stack knows, so it can be answered (then set inactive).
    keep.set(s.index, s.formats[0]!.payloadType);
    unused.push({ index: s.index, kind: s.kind, offered: s.formats[0]! });
  }
  return unused;
}

/**
 * WHEP: matches the viewer's recvonly offer against the stream's tracks (RFC 8829 §5.3.1). Each offered audio or
 * video section takes the first stream track of its kind that it can receive, with the best matching format.
 * Throws NoCommonCodecError when no track fits, OfferError for a malformed offer.
 */
export function negotiateWhep(offerSdp: string, desc: Description): Negotiation {
  const offer = parseOffer(offerSdp);
  const used = new Set<Media>();
  const tracks: TrackPlan[] = [];
  const keep = new Map<number, number>();
  for (const s of offer.sections) {
    if (!isMediaSection(s) || s.direction === 'sendonly' || s.direction === 'inactive') continue;
    for (const media of desc.medias) {
      if (used.has(media) || media.kind !== s.kind) continue;
      const pick = media.formats.map((format) => ({ format, offered: bestOffered(format, s.formats) })).find((x) => x.offered);
      if (!pick?.offered) continue;
      used.add(media);
      tracks.push({ index: s.index, mid: s.mid, kind: s.kind, offered: pick.offered, media, format: pick.format });
      keep.set(s.index, pick.offered.payloadType);
      break;
    }
  }
  const kinds = new Set(offer.sections.filter((s) => isMediaSection(s) && s.direction !== 'sendonly').map((s) => s.kind));
  const skipped = desc.medias.filter((m) => !used.has(m) && m.formats[0])
    .map((media) => ({ media, format: media.formats[0]!, reason: unsupportedReason(media, media.formats[0]!, kinds) }));
  if (tracks.length === 0) {
    const have = desc.medias.flatMap((m) => m.formats.map(formatLabel)).join(', ') || 'none';
    const offered = [...new Set(offer.sections.flatMap((s) => s.formats.filter((f) => f.codec !== 'generic').map(formatLabel)))].join(', ') || 'none';
    throw new NoCommonCodecError(`the stream's codecs (${have}) are not among the offered ones (${offered})`);
  }
  const unusedSections = restrictUnused(offer.sections, keep);
  return { tracks, unusedSections, skipped, restrictedOffer: restrictOffer(offer, keep) };
}

/**
 * WHIP: picks, for each offered audio or video section that sends, the format the server will take (the first
 * supported one in the offer's order). Throws NoCommonCodecError when no section has one.
 */
export function negotiateWhip(offerSdp: string): Negotiation {
  const offer = parseOffer(offerSdp);
  const tracks: TrackPlan[] = [];
  const keep = new Map<number, number>();
  for (const s of offer.sections) {
    if (!isMediaSection(s) || s.direction === 'recvonly' || s.direction === 'inactive') continue;
    const f = chooseIncoming(s.formats);
    if (!f) continue;
    tracks.push({ index: s.index, mid: s.mid, kind: s.kind, offered: f });
    keep.set(s.index, f.payloadType);
  }
  if (tracks.length === 0) {
    const offered = [...new Set(offer.sections.flatMap((s) => s.formats.filter((f) => f.codec !== 'generic').map(formatLabel)))].join(', ') || 'none';
    throw new NoCommonCodecError(`none of the offered codecs (${offered}) can be published: H264, VP8, VP9, AV1, H265, Opus, G722 or G711 is needed`);
  }
  const unusedSections = restrictUnused(offer.sections, keep);
  return { tracks, unusedSections, skipped: [], restrictedOffer: restrictOffer(offer, keep) };
}
