import { Av1ObuType, av1ObuType, H264NaluType, h264NaluType, H265NaluType, h265NaluType } from '../codecs/index.ts';
import type { Codec, FormatOf, PayloadByCodec } from '../formats/index.ts';

/**
 * Rewrites a payload so that every output can use it as is: the result, the payload itself when nothing changes,
 * or undefined when nothing is left. `randomAccess` is the unit's flag. Runs after the format updater, so the
 * format holds the parameters the payload carried.
 */
export type UnitRemuxer<C extends Codec> = (format: FormatOf<C>, payload: PayloadByCodec[C], randomAccess: boolean) => PayloadByCodec[C] | undefined;

/** Which NAL units a NAL-unit codec drops, which start a random access point, and the parameter sets to put first. */
interface NaluRules { isDropped(type: number): boolean; isRandomAccess(type: number): boolean; typeOf(nalu: Uint8Array): number }

/**
 * Access unit delimiters and in-band parameter sets go; the format's parameter sets go in front of each random access
 * point instead, so a reader (or a muxer) starting there has them (MediaMTX's unit remuxer does the same).
 */
function remuxNalus(au: Buffer[], params: readonly (Buffer | undefined)[], rules: NaluRules): Buffer[] | undefined {
  let dropped = 0;
  let isRandomAccess = false;
  for (const n of au) {
    const t = rules.typeOf(n);
    if (rules.isDropped(t)) dropped++;
    else if (rules.isRandomAccess(t)) isRandomAccess = true;
  }
  const known = params.every((p): p is Buffer => p !== undefined) ? params : [];
  const prefix = isRandomAccess ? known : [];
  if (dropped === 0 && prefix.length === 0) return au;
  const out = [...prefix];
  for (const n of au) if (!rules.isDropped(rules.typeOf(n))) out.push(n);
  return out.length > 0 ? out : undefined;
}

// ITU-T H.264 Table 7-1.
const H264_RULES: NaluRules = {
  typeOf: h264NaluType,
  isDropped: (t) => t === H264NaluType.Sps || t === H264NaluType.Pps || t === H264NaluType.Aud,
  isRandomAccess: (t) => t === H264NaluType.Idr,
};

// ITU-T H.265 Table 7-1: IRAP pictures are types 16–23 (BLA, IDR, CRA).
const H265_RULES: NaluRules = {
  typeOf: h265NaluType,
  isDropped: (t) => t === H265NaluType.Vps || t === H265NaluType.Sps || t === H265NaluType.Pps || t === H265NaluType.Aud,
  isRandomAccess: (t) => t >= H265NaluType.IrapFirst && t <= H265NaluType.IrapLast,
};

/**
 * Temporal delimiters go (RTP and ISOBMFF leave them out); a key frame without a sequence header gets the format's
 * in front (RTMP publishers may send it with the configuration only). A temporal unit of sequence headers only
 * carries no picture: its header is already on the format.
 */
function remuxAv1(f: FormatOf<'av1'>, tu: Buffer[], randomAccess: boolean): Buffer[] | undefined {
  let hasDelimiter = false;
  let hasSequenceHeader = false;
  let pictures = 0;
  for (const o of tu) {
    const t = av1ObuType(o);
    if (t === Av1ObuType.TemporalDelimiter) hasDelimiter = true;
    else if (t === Av1ObuType.SequenceHeader) hasSequenceHeader = true;
    else pictures++;
  }
  if (pictures === 0) return undefined;
  const prefix = randomAccess && !hasSequenceHeader && f.sequenceHeader ? [f.sequenceHeader] : [];
  if (!hasDelimiter && prefix.length === 0) return tu;
  return [...prefix, ...tu.filter((o) => av1ObuType(o) !== Av1ObuType.TemporalDelimiter)];
}

const REMUXERS: { readonly [C in Codec]?: UnitRemuxer<C> } = {
  h264: (f, au) => remuxNalus(au, [f.sps, f.pps], H264_RULES),
  h265: (f, au) => remuxNalus(au, [f.vps, f.sps, f.pps], H265_RULES),
  av1: remuxAv1,
};

/** The unit remuxer of a codec, when its payloads need one. */
export function unitRemuxer<C extends Codec>(codec: C): UnitRemuxer<C> | undefined {
  return REMUXERS[codec];
}
