import type { Format } from './format.ts';
import { parseFmtpParams } from './sdp/index.ts';

/** An H264 format (RFC 6184 §8.1) whose fmtp carries the parameter sets, so RTSP readers get them in the SDP. */
export function h264Format(payloadType: number, sps: Uint8Array, pps: Uint8Array): Format {
  const hex = Buffer.from(sps.subarray(1, 4)).toString('hex').toUpperCase();
  const fmtp = `packetization-mode=1; sprop-parameter-sets=${Buffer.from(sps).toString('base64')},${Buffer.from(pps).toString('base64')}; profile-level-id=${hex}`;
  return { codec: 'h264', payloadType, encoding: 'H264', clockRate: 90000, fmtp, params: parseFmtpParams(fmtp) };
}

/** SPS and PPS from an H264 format's `sprop-parameter-sets`, when present. */
export function h264ParameterSets(f: Format): { sps: Buffer; pps: Buffer } | undefined {
  const v = f.params.get('sprop-parameter-sets');
  if (!v) return undefined;
  const [sps, pps] = v.split(',').map((x) => Buffer.from(x.trim(), 'base64'));
  return sps && pps && sps.length >= 4 && pps.length > 0 ? { sps, pps } : undefined;
}

/** An MPEG-4 audio format in RFC 3640 AAC-hbr mode, clock = sample rate. */
export function mpeg4AudioFormat(payloadType: number, config: Uint8Array, sampleRate: number, channels: number): Format {
  const fmtp = `profile-level-id=1; mode=AAC-hbr; sizelength=13; indexlength=3; indexdeltalength=3; config=${Buffer.from(config).toString('hex')}`;
  return { codec: 'mpeg4Audio', payloadType, encoding: 'MPEG4-GENERIC', clockRate: sampleRate, channels, fmtp, params: parseFmtpParams(fmtp) };
}

/** The AudioSpecificConfig of an MPEG-4 audio format (`config=` hex), when present. */
export function mpeg4AudioConfig(f: Format): Buffer | undefined {
  const v = f.params.get('config');
  return v && /^[0-9a-fA-F]+$/.test(v) && v.length % 2 === 0 ? Buffer.from(v, 'hex') : undefined;
}

/** An H265 format (RFC 7798 §7.1) whose fmtp carries the parameter sets. */
export function h265Format(payloadType: number, ps: { vps: Uint8Array; sps: Uint8Array; pps: Uint8Array }): Format {
  const b64 = (n: Uint8Array): string => Buffer.from(n).toString('base64');
  const fmtp = `sprop-vps=${b64(ps.vps)}; sprop-sps=${b64(ps.sps)}; sprop-pps=${b64(ps.pps)}`;
  return { codec: 'h265', payloadType, encoding: 'H265', clockRate: 90000, fmtp, params: parseFmtpParams(fmtp) };
}

/** VPS, SPS and PPS from an H265 format's sprop-vps/sps/pps, when all present. */
export function h265ParameterSets(f: Format): { vps: Buffer; sps: Buffer; pps: Buffer } | undefined {
  const get = (k: string): Buffer | undefined => {
    const v = f.params.get(k)?.split(',')[0]?.trim();
    return v ? Buffer.from(v, 'base64') : undefined;
  };
  const vps = get('sprop-vps');
  const sps = get('sprop-sps');
  const pps = get('sprop-pps');
  return vps && sps && pps && vps.length >= 2 && sps.length >= 15 && pps.length >= 2 ? { vps, sps, pps } : undefined;
}

/** An AV1 format (RTP payload format for AV1 §7.2); profile, level-idx and tier when the sequence header is known. */
export function av1Format(payloadType: number, h?: { profile: number; level: number; tier: number }): Format {
  const fmtp = h ? `profile=${h.profile}; level-idx=${h.level}; tier=${h.tier}` : undefined;
  return { codec: 'av1', payloadType, encoding: 'AV1', clockRate: 90000, ...(fmtp ? { fmtp } : {}), params: parseFmtpParams(fmtp ?? '') };
}

/** A VP9 format (RFC 9628 §6), with profile-id when known. */
export function vp9Format(payloadType: number, profile?: number): Format {
  const fmtp = profile !== undefined ? `profile-id=${profile}` : undefined;
  return { codec: 'vp9', payloadType, encoding: 'VP9', clockRate: 90000, ...(fmtp ? { fmtp } : {}), params: parseFmtpParams(fmtp ?? '') };
}

/** An Opus format (RFC 7587 §7): always opus/48000/2 in rtpmap; sprop-stereo tells whether the sender sends stereo. */
export function opusFormat(payloadType: number, channels: number): Format {
  const fmtp = `sprop-stereo=${channels >= 2 ? 1 : 0}`;
  return { codec: 'opus', payloadType, encoding: 'opus', clockRate: 48000, channels: 2, fmtp, params: parseFmtpParams(fmtp) };
}

/** Channels an Opus format's sender encodes: 1 only when sprop-stereo=0 says so. */
export function opusChannels(f: Format): 1 | 2 {
  return f.params.get('sprop-stereo') === '0' ? 1 : 2;
}

/** An MPEG-1/2 audio format (RFC 3551 §4.5.13 static payload type 14, MPA/90000). */
export function mpegAudioFormat(): Format {
  return { codec: 'mpeg1Audio', payloadType: 14, encoding: 'MPA', clockRate: 90000, params: new Map() };
}

/** A G711 format (RFC 3551 §4.5.14: PCMA payload type 8, PCMU 0, 8 kHz). */
export function g711Format(alaw: boolean, channels: number): Format {
  return { codec: 'g711', payloadType: alaw ? 8 : 0, encoding: alaw ? 'PCMA' : 'PCMU', clockRate: 8000, channels, params: new Map() };
}
