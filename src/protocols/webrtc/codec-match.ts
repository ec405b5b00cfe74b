import type { Codec, Format, H264Format, Media } from '../../formats/index.ts';

/** Codecs the server sends to a WebRTC viewer (browsers decode these, RFC 7742/RFC 7874) and the stream can packetize. */
export const WEBRTC_OUT_CODECS: ReadonlySet<Codec> = new Set<Codec>(['h264', 'h265', 'vp8', 'vp9', 'av1', 'opus', 'g722', 'g711']);

/** Codecs the server takes from a WebRTC publisher, in the order it prefers them when the offer's order ties. */
export const WEBRTC_IN_CODECS: ReadonlySet<Codec> = new Set<Codec>(['h264', 'vp8', 'vp9', 'av1', 'h265', 'opus', 'g722', 'g711']);

/** Display name of a format for log lines and errors (`H264`, `MPEG-4 Audio`). */
export function formatLabel(f: Format): string {
  switch (f.codec) {
    case 'mpeg4Audio': return 'MPEG-4 Audio';
    case 'g711': return f.encoding.toUpperCase() === 'PCMA' ? 'G711 A-law' : 'G711 µ-law';
    case 'generic': return f.encoding;
    default: return f.encoding.toUpperCase() === 'OPUS' ? 'Opus' : f.encoding.toUpperCase();
  }
}

/** RFC 6184 §8.1: packetization-mode (0 when absent). */
function packetizationMode(f: Format): number { return Number(f.params.get('packetization-mode') ?? '0'); }

/**
 * The H264 profile of profile_idc and the constraint flags byte (RFC 6184 §8.1 table 5): Constrained Baseline is
 * Baseline or Main with constraint_set1 (resp. set0) set, as `42e0`, `42c0` and `4de0` all say; others are the idc.
 */
function h264Profile(idc: number, iop: number): string {
  if ((idc === 66 && (iop & 0x40) !== 0) || (idc === 77 && (iop & 0x80) !== 0)) return 'cb';
  return String(idc);
}

/** Profile of an offered H264 format's profile-level-id, or undefined. */
function offeredProfile(f: Format): string | undefined {
  const p = f.params.get('profile-level-id');
  return p !== undefined && /^[0-9a-f]{6}$/i.test(p) ? h264Profile(parseInt(p.slice(0, 2), 16), parseInt(p.slice(2, 4), 16)) : undefined;
}

/**
 * How well an offered format can carry the stream's format: undefined when it can't, higher is better.
 * H264 needs packetization-mode=1 (the stream fragments with FU-A, RFC 6184 §5.8); the offered profile matching the
 * stream's SPS ranks first, then Constrained Baseline (42e0), which every browser offers; decoders take any profile.
 */
export function matchScore(stream: Format, offered: Format): number | undefined {
  if (stream.codec !== offered.codec) return undefined;
  switch (stream.codec) {
    case 'h264': {
      if (packetizationMode(offered) !== 1) return undefined;
      const sps = (stream as H264Format).sps;
      const profile = offeredProfile(offered);
      if (sps && sps.length > 2 && profile === h264Profile(sps[1]!, sps[2]!)) return 3;
      return profile === 'cb' ? 2 : 1;
    }
    case 'vp9': {
      // RFC 9628 §6: profile-id defaults to 0.
      const want = stream.params.get('profile-id') ?? '0';
      return (offered.params.get('profile-id') ?? '0') === want ? 1 : undefined;
    }
    case 'g711':
      return stream.encoding.toUpperCase() === offered.encoding.toUpperCase() && (stream.channels ?? 1) === 1 ? 1 : undefined;
    case 'g722':
      return (stream.channels ?? 1) === 1 ? 1 : undefined;
    case 'opus':
    case 'vp8':
    case 'av1':
    case 'h265':
      return 1;
    default:
      return undefined;
  }
}

/** The offered format that best carries `stream`, ties going to the offerer's order; undefined when none can. */
export function bestOffered(stream: Format, offered: readonly Format[]): Format | undefined {
  let best: Format | undefined;
  let bestScore = -1;
  for (const o of offered) {
    const s = matchScore(stream, o);
    if (s !== undefined && s > bestScore) { best = o; bestScore = s; }
  }
  return best;
}

/** Why a stream track can't go to a viewer: its codec isn't one WebRTC carries, or the viewer didn't offer it. */
export function unsupportedReason(media: Media, format: Format, offeredKinds: ReadonlySet<string>): string {
  if (!WEBRTC_OUT_CODECS.has(format.codec)) return `${formatLabel(format)} can't be sent over WebRTC`;
  if (!offeredKinds.has(media.kind)) return `the viewer offered no ${media.kind} section`;
  return `the viewer did not offer ${formatLabel(format)}`;
}

/**
 * The format a publisher's section should use: the first the offer lists (its preference, RFC 8829 §5.2.1) among
 * the codecs the server takes; H264 only with packetization-mode=1 (the browsers' default).
 */
export function chooseIncoming(offered: readonly Format[]): Format | undefined {
  return offered.find((f) => WEBRTC_IN_CODECS.has(f.codec) && (f.codec !== 'h264' || packetizationMode(f) === 1)
    && (f.codec !== 'g711' || (f.channels ?? 1) === 1));
}
