import type { Codec } from '../codec.ts';
import type { Description, Format, Media } from '../format.ts';
import { SDP_LIMITS, SdpParseError, type SdpSession } from './sdp.ts';
import { STATIC_PAYLOAD_TYPES } from './static-payload-types.ts';
import { fmtpError } from './fmtp-check.ts';
import { parseFmtpParams } from './fmtp-values.ts';
import { cacheFormatParameters } from '../parameter-sets.ts';

// Where parseFmtpParams lived first; its tests import it from here.
export { parseFmtpParams };

const CODEC_BY_ENCODING: Readonly<Record<string, Codec>> = {
  H264: 'h264', H265: 'h265', VP8: 'vp8', VP9: 'vp9', AV1: 'av1', 'MP4V-ES': 'mpeg4Video', MPV: 'mpeg1Video', JPEG: 'mjpeg',
  'MPEG4-GENERIC': 'mpeg4Audio', 'MP4A-LATM': 'mpeg4AudioLatm', OPUS: 'opus', MPA: 'mpeg1Audio', PCMU: 'g711', PCMA: 'g711',
  G722: 'g722', L8: 'lpcm', L16: 'lpcm', L24: 'lpcm', AC3: 'ac3', SMPTE336M: 'klv', MP2T: 'mpegts',
};

/** The codec of an rtpmap encoding name (case-insensitive); unknown names are `generic`. */
export function codecOfEncoding(encoding: string): Codec {
  return CODEC_BY_ENCODING[encoding.toUpperCase()] ?? 'generic';
}

const SKIPPED_ATTRIBUTES = /^a=(rtpmap|fmtp|control|sendrecv|sendonly|recvonly|inactive)(:|$)/;

function mediaFromSection(mLine: string, lines: readonly string[]): { media: Media; control: string } {
  const [kind, , , ...pts] = mLine.slice(2).split(' ').filter((x) => x !== '');
  if (!kind) throw new SdpParseError(`invalid media line '${mLine.slice(0, 64)}'`);
  if (pts.length > SDP_LIMITS.formatsPerMedia) throw new SdpParseError('too many formats in a media');
  const rtpmaps = new Map<number, string>();
  const fmtps = new Map<number, string>();
  let control = '';
  for (const l of lines) {
    let m = /^a=rtpmap:(\d{1,3}) (.+)$/.exec(l);
    if (m) { rtpmaps.set(Number(m[1]), m[2]!.trim()); continue; }
    m = /^a=fmtp:(\d{1,3}) ?(.*)$/.exec(l);
    if (m) { fmtps.set(Number(m[1]), m[2]!); continue; }
    if (l.startsWith('a=control:')) control = l.slice('a=control:'.length).trim();
  }
  const formats: Format[] = [];
  for (const ptText of pts) {
    if (!/^\d{1,3}$/.test(ptText) || Number(ptText) > 127) continue; // non-RTP formats (e.g. `m=application … webrtc-datachannel`)
    const pt = Number(ptText);
    const map = rtpmaps.get(pt);
    let encoding: string;
    let clockRate: number;
    let channels: number | undefined;
    if (map) {
      const [enc, rate, ch] = map.split('/');
      encoding = enc ?? '';
      clockRate = Number(rate);
      if (!Number.isInteger(clockRate) || clockRate <= 0 || clockRate > 10_000_000) throw new SdpParseError(`invalid clock rate in 'a=rtpmap:${pt} ${map.slice(0, 32)}'`);
      channels = ch !== undefined && /^\d{1,2}$/.test(ch) ? Number(ch) : undefined;
    } else {
      const st = STATIC_PAYLOAD_TYPES[pt];
      if (!st) throw new SdpParseError(`payload type ${pt} has no rtpmap`);
      ({ encoding, clockRate, channels } = st);
    }
    const fmtp = fmtps.get(pt);
    const format: Format = {
      codec: codecOfEncoding(encoding), payloadType: pt, encoding, clockRate,
      ...(channels !== undefined ? { channels } : {}), ...(fmtp !== undefined ? { fmtp } : {}),
      params: parseFmtpParams(fmtp ?? ''),
    };
    const bad = fmtpError(format);
    if (bad !== undefined) throw new SdpParseError(bad);
    cacheFormatParameters(format);
    formats.push(format);
  }
  if (formats.length === 0) throw new SdpParseError(`media '${mLine.slice(0, 64)}' has no RTP formats`);
  const extraAttributes = lines.filter((l) => l.startsWith('a=') && !SKIPPED_ATTRIBUTES.test(l));
  return { media: { kind, formats, extraAttributes }, control };
}

/** Maps an SDP to the project's Description; `controls[i]` is media i's `a=control` ('' when absent). */
export function sdpToDescription(sdp: SdpSession): { description: Description; controls: string[] } {
  const title = sdp.sessionLines.find((l) => l.startsWith('s='))?.slice(2);
  const parsed = sdp.medias.map((m) => mediaFromSection(m.mLine, m.lines));
  return { description: { medias: parsed.map((p) => p.media), ...(title ? { title } : {}) }, controls: parsed.map((p) => p.control) };
}

/** Options of descriptionToSdp. */
export interface DescriptionToSdpOptions {
  controls: readonly string[];
  sessionName?: string;
  /**
   * The reader is on IPv6: the connection line says `IN IP6 ::`. GStreamer's rtspsrc opens its UDP ports in the
   * family of the SDP's connection line and can't send to an IPv6 server from IPv4 sockets ("Invalid address family").
   */
  isIpv6?: boolean;
}

/** Builds an SDP that reproduces each format's rtpmap/fmtp exactly, with the given controls. */
export function descriptionToSdp(desc: Description, opts: DescriptionToSdpOptions): string {
  const connection = opts.isIpv6 ? 'c=IN IP6 ::' : 'c=IN IP4 0.0.0.0';
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', `s=${opts.sessionName ?? desc.title ?? 'Stream'}`, connection, 't=0 0'];
  desc.medias.forEach((m, i) => {
    lines.push(`m=${m.kind} 0 RTP/AVP ${m.formats.map((f) => f.payloadType).join(' ')}`);
    for (const f of m.formats) {
      lines.push(`a=rtpmap:${f.payloadType} ${f.encoding}/${f.clockRate}${f.channels !== undefined ? `/${f.channels}` : ''}`);
      if (f.fmtp !== undefined) lines.push(`a=fmtp:${f.payloadType} ${f.fmtp}`);
    }
    for (const a of m.extraAttributes ?? []) lines.push(a);
    const c = opts.controls[i];
    if (c !== undefined && c !== '') lines.push(`a=control:${c}`);
  });
  return lines.join('\r\n') + '\r\n';
}
