import type { Av1Format, FormatOf, H264Format, H265Format, Mpeg4AudioFormat } from './format.ts';
import { type H265ParameterSets } from './parameter-sets.ts';
import { VIDEO_CLOCK_RATE } from '../lib/index.ts';
import { parseFmtpParams } from './sdp/index.ts';

// RFC 6184 §5.1, RFC 7798 §4.1, RFC 9628 §4.1, the AV1 RTP spec §7.1 and RFC 3551 §4.5.13: the video formats and MPA
// tick at VIDEO_CLOCK_RATE (90 kHz).
// RFC 7587 §4.1: Opus RTP always ticks at 48 kHz, whatever the sampling rate.
const OPUS_CLOCK_RATE = 48_000;
// RFC 3551 §4.5.14: G711 samples at 8 kHz.
const G711_CLOCK_RATE = 8_000;

/** An H264 format (RFC 6184 §8.1) whose fmtp carries the parameter sets, so RTSP readers get them in the SDP. */
export function h264Format(payloadType: number, sps: Buffer, pps: Buffer): H264Format {
  const hex = Buffer.from(sps.subarray(1, 4)).toString('hex').toUpperCase();
  const fmtp = `packetization-mode=1; sprop-parameter-sets=${sps.toString('base64')},${pps.toString('base64')}; profile-level-id=${hex}`;
  return { codec: 'h264', payloadType, encoding: 'H264', clockRate: VIDEO_CLOCK_RATE, fmtp, params: parseFmtpParams(fmtp), sps, pps };
}

/** An MPEG-4 audio format in RFC 3640 AAC-hbr mode, clock = sample rate. */
export function mpeg4AudioFormat(payloadType: number, config: Buffer, sampleRate: number, channels: number): Mpeg4AudioFormat {
  const fmtp = `profile-level-id=1; mode=AAC-hbr; sizelength=13; indexlength=3; indexdeltalength=3; config=${config.toString('hex')}`;
  return { codec: 'mpeg4Audio', payloadType, encoding: 'MPEG4-GENERIC', clockRate: sampleRate, channels, fmtp, params: parseFmtpParams(fmtp), config };
}

/** An H265 format (RFC 7798 §7.1) whose fmtp carries the parameter sets. */
export function h265Format(payloadType: number, ps: H265ParameterSets): H265Format {
  const fmtp = `sprop-vps=${ps.vps.toString('base64')}; sprop-sps=${ps.sps.toString('base64')}; sprop-pps=${ps.pps.toString('base64')}`;
  return { codec: 'h265', payloadType, encoding: 'H265', clockRate: VIDEO_CLOCK_RATE, fmtp, params: parseFmtpParams(fmtp), vps: ps.vps, sps: ps.sps, pps: ps.pps };
}

/**
 * An AV1 format (RTP payload format for AV1 §7.2): profile, level-idx and tier in the fmtp and the sequence header
 * OBU kept on the format, when the publisher's configuration is known.
 */
export function av1Format(payloadType: number, c?: { sequenceHeader: Buffer; header: { profile: number; level: number; tier: number } }): Av1Format {
  const fmtp = c ? `profile=${c.header.profile}; level-idx=${c.header.level}; tier=${c.header.tier}` : undefined;
  return {
    codec: 'av1', payloadType, encoding: 'AV1', clockRate: VIDEO_CLOCK_RATE, ...(fmtp ? { fmtp } : {}), params: parseFmtpParams(fmtp ?? ''),
    ...(c ? { sequenceHeader: c.sequenceHeader } : {}),
  };
}

/** A VP9 format (RFC 9628 §6), with profile-id when known. */
export function vp9Format(payloadType: number, profile?: number): FormatOf<'vp9'> {
  const fmtp = profile !== undefined ? `profile-id=${profile}` : undefined;
  return { codec: 'vp9', payloadType, encoding: 'VP9', clockRate: VIDEO_CLOCK_RATE, ...(fmtp ? { fmtp } : {}), params: parseFmtpParams(fmtp ?? '') };
}

/** An Opus format (RFC 7587 §7): always opus/48000/2 in rtpmap; sprop-stereo tells whether the sender sends stereo. */
export function opusFormat(payloadType: number, channels: number): FormatOf<'opus'> {
  const fmtp = `sprop-stereo=${channels >= 2 ? 1 : 0}`;
  return { codec: 'opus', payloadType, encoding: 'opus', clockRate: OPUS_CLOCK_RATE, channels: 2, fmtp, params: parseFmtpParams(fmtp) };
}

/** Channels an Opus format's sender encodes: 1 only when sprop-stereo=0 says so. */
export function opusChannels(f: FormatOf<'opus'>): 1 | 2 {
  return f.params.get('sprop-stereo') === '0' ? 1 : 2;
}

/** An MPEG-1/2 audio format (RFC 3551 §4.5.13 static payload type 14, MPA/90000). */
export function mpegAudioFormat(): FormatOf<'mpeg1Audio'> {
  return { codec: 'mpeg1Audio', payloadType: 14, encoding: 'MPA', clockRate: VIDEO_CLOCK_RATE, params: new Map() };
}

/** A G711 format (RFC 3551 §4.5.14: PCMA payload type 8, PCMU 0, 8 kHz). */
export function g711Format(alaw: boolean, channels: number): FormatOf<'g711'> {
  return { codec: 'g711', payloadType: alaw ? 8 : 0, encoding: alaw ? 'PCMA' : 'PCMU', clockRate: G711_CLOCK_RATE, channels, params: new Map() };
}

/**
 * A G722 format (RFC 3551 §4.5.2, static payload type 9): sampled at 16 kHz but its RTP clock is 8,000 Hz, a historic
 * error the RFC keeps, so one byte (two 4-bit samples) advances the timestamp one tick.
 */
export function g722Format(): FormatOf<'g722'> {
  return { codec: 'g722', payloadType: 9, encoding: 'G722', clockRate: 8000, channels: 1, params: new Map() };
}

/**
 * An MPEG-4 Visual format (RFC 6416 §7.1: MP4V-ES/90000): profile-level-id and config (the VOS/VO/VOL headers, hex)
 * in the fmtp when known. profile-level-id 1 (Simple Profile Level 1) is RFC 6416's default.
 */
export function mpeg4VideoFormat(payloadType: number, config?: Buffer, profileLevelId = 1): FormatOf<'mpeg4Video'> {
  const fmtp = `profile-level-id=${profileLevelId}${config ? `; config=${config.toString('hex').toUpperCase()}` : ''}`;
  return { codec: 'mpeg4Video', payloadType, encoding: 'MP4V-ES', clockRate: VIDEO_CLOCK_RATE, fmtp, params: parseFmtpParams(fmtp) };
}

/** An MPEG-1/2 video format (RFC 3551 §6 static payload type 32, MPV/90000; RFC 2250). */
export function mpeg1VideoFormat(): FormatOf<'mpeg1Video'> {
  return { codec: 'mpeg1Video', payloadType: 32, encoding: 'MPV', clockRate: VIDEO_CLOCK_RATE, params: new Map() };
}
