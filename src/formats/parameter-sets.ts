import { stripStartCode } from '../codecs/index.ts';
import type { Av1Format, Format, H264Format, H265Format, Mpeg4AudioFormat } from './format.ts';
import { parseFmtpParams, setFmtpValues } from './sdp/fmtp-values.ts';

/** H264 parameter sets. */
export interface H264ParameterSets { readonly sps: Buffer; readonly pps: Buffer }
/** H265 parameter sets. */
export interface H265ParameterSets { readonly vps: Buffer; readonly sps: Buffer; readonly pps: Buffer }

const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** One NAL unit of an sprop value: base64 (RFC 6184 §8.1), without the Annex-B start code some cameras put first. */
function spropNalu(base64: string | undefined): Buffer | undefined {
  const v = base64?.trim();
  return v ? stripStartCode(Buffer.from(v, 'base64')) : undefined;
}

/** SPS and PPS of an H264 fmtp's sprop-parameter-sets (the first two NAL units), when usable. */
export function parseH264Sprop(params: ReadonlyMap<string, string>): H264ParameterSets | undefined {
  const [sps, pps] = (params.get('sprop-parameter-sets') ?? '').split(',').map(spropNalu);
  return sps && pps && sps.length >= 4 && pps.length > 0 ? { sps, pps } : undefined;
}

/** VPS, SPS and PPS of an H265 fmtp's sprop-vps/sps/pps (the first NAL unit of each), when all are usable. */
export function parseH265Sprop(params: ReadonlyMap<string, string>): H265ParameterSets | undefined {
  const get = (k: string): Buffer | undefined => spropNalu(params.get(k)?.split(',')[0]);
  const vps = get('sprop-vps');
  const sps = get('sprop-sps');
  const pps = get('sprop-pps');
  return vps && sps && pps && vps.length >= 2 && sps.length >= 15 && pps.length >= 2 ? { vps, sps, pps } : undefined;
}

/** The AudioSpecificConfig of an MPEG-4 audio fmtp (`config=` hex, RFC 3640 §4.1), when present. */
export function parseMpeg4AudioConfig(params: ReadonlyMap<string, string>): Buffer | undefined {
  const v = params.get('config');
  return v && /^[0-9a-fA-F]+$/.test(v) && v.length % 2 === 0 ? Buffer.from(v, 'hex') : undefined;
}

/**
 * Parses a format's parameters out of its fmtp into its fields (H264/H265 parameter sets, MPEG-4 audio config), once:
 * fields already set (by a factory, or by the stream's format updater) are kept. Formats from SDP get this when they
 * are parsed; the stream does it for formats built by hand.
 */
export function cacheFormatParameters(f: Format): void {
  switch (f.codec) {
    case 'h264':
      if (f.sps === undefined && f.pps === undefined) Object.assign(f, parseH264Sprop(f.params));
      return;
    case 'h265':
      if (f.vps === undefined && f.sps === undefined && f.pps === undefined) Object.assign(f, parseH265Sprop(f.params));
      return;
    case 'mpeg4Audio':
      f.config ??= parseMpeg4AudioConfig(f.params);
      return;
    default:
      return;
  }
}

/** RFC 6184 §8.1 profile-level-id: profile_idc, constraint flags and level_idc, the SPS bytes after its NAL header. */
function profileLevelId(sps: Uint8Array): string | undefined {
  return sps.length >= 4 ? Buffer.from(sps.subarray(1, 4)).toString('hex').toUpperCase() : undefined;
}

/**
 * Makes `ps` the format's H264 parameter sets: its fields, and its fmtp's sprop-parameter-sets (added when missing)
 * and profile-level-id (when present), so DESCRIBE announces what readers will decode.
 */
export function setH264ParameterSets(f: H264Format, ps: H264ParameterSets): void {
  f.sps = ps.sps;
  f.pps = ps.pps;
  const plid = profileLevelId(ps.sps);
  const samePlid = plid === undefined || f.params.get('profile-level-id')?.toUpperCase() === plid;
  f.fmtp = setFmtpValues(f.fmtp, [
    { key: 'sprop-parameter-sets', value: `${b64(ps.sps)},${b64(ps.pps)}`, isAddedWhenMissing: true },
    ...(samePlid ? [] : [{ key: 'profile-level-id', value: plid, isAddedWhenMissing: false }]),
  ]);
  f.params = parseFmtpParams(f.fmtp);
}

/** Makes `ps` the format's H265 parameter sets: its fields and its fmtp's sprop-vps/sps/pps (RFC 7798 §7.1). */
export function setH265ParameterSets(f: H265Format, ps: H265ParameterSets): void {
  f.vps = ps.vps;
  f.sps = ps.sps;
  f.pps = ps.pps;
  f.fmtp = setFmtpValues(f.fmtp, [
    { key: 'sprop-vps', value: b64(ps.vps), isAddedWhenMissing: true },
    { key: 'sprop-sps', value: b64(ps.sps), isAddedWhenMissing: true },
    { key: 'sprop-pps', value: b64(ps.pps), isAddedWhenMissing: true },
  ]);
  f.params = parseFmtpParams(f.fmtp);
}

/** Makes `obu` the format's AV1 sequence header (SDP has no place for it: the fmtp stays as announced). */
export function setAv1SequenceHeader(f: Av1Format, obu: Buffer): void { f.sequenceHeader = obu; }

/**
 * Makes `config` the format's AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): its field and its fmtp's `config=`
 * (RFC 3640 §4.1), so DESCRIBE and muxers set up later use it. The clock rate and rtpmap channels stay as announced:
 * timestamps already sent are in that clock.
 */
export function setMpeg4AudioConfig(f: Mpeg4AudioFormat, config: Buffer): void {
  f.config = config;
  f.fmtp = setFmtpValues(f.fmtp, [{ key: 'config', value: config.toString('hex'), isAddedWhenMissing: true }]);
  f.params = parseFmtpParams(f.fmtp);
}
