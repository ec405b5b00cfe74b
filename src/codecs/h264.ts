import { CodecError } from './codec-error.ts';

/** H264 NAL unit types used here (ITU-T H.264 Table 7-1). */
export const H264NaluType = { NonIdr: 1, Idr: 5, Sei: 6, Sps: 7, Pps: 8, Aud: 9, StapA: 24, FuA: 28 } as const;

// An access unit holds at most this many NAL units and bytes (docs/limits.md §Media).
export const H264_MAX_NALUS = 50;
export const H264_MAX_AU_BYTES = 8 * 1024 * 1024;

/** NAL unit type of a NAL unit. */
export function h264NaluType(nalu: Uint8Array): number { return (nalu[0] ?? 0) & 0x1f; }

/** True when the access unit contains an IDR slice. */
export function h264IsRandomAccess(au: readonly Uint8Array[]): boolean {
  return au.some((n) => h264NaluType(n) === H264NaluType.Idr);
}

/** Splits AVCC (length-prefixed NAL units) into NAL units (views, no copy). */
export function avccToNalus(buf: Buffer, lengthSize = 4): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + lengthSize > buf.length) throw new CodecError('AVCC length field truncated');
    const len = buf.readUIntBE(pos, lengthSize);
    pos += lengthSize;
    if (len === 0) continue;
    if (pos + len > buf.length) throw new CodecError('AVCC NAL unit truncated');
    if (out.length >= H264_MAX_NALUS) throw new CodecError('too many NAL units in an access unit');
    out.push(buf.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}

/** Joins NAL units as AVCC with 4-byte lengths. */
export function nalusToAvcc(nalus: readonly Uint8Array[]): Buffer {
  return Buffer.concat(nalusToAvccParts(nalus));
}

/**
 * AVCC with 4-byte lengths as parts to write in order: each length, then its NAL unit's own bytes (not copied). The
 * lengths share one small buffer.
 */
export function nalusToAvccParts(nalus: readonly Uint8Array[]): Buffer[] {
  const lengths = Buffer.allocUnsafe(4 * nalus.length);
  const parts: Buffer[] = [];
  for (let i = 0; i < nalus.length; i++) {
    const n = nalus[i]!;
    lengths.writeUInt32BE(n.length, 4 * i);
    parts.push(lengths.subarray(4 * i, 4 * i + 4), Buffer.isBuffer(n) ? n : Buffer.from(n.buffer, n.byteOffset, n.byteLength));
  }
  return parts;
}

/** The parts of an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1) needed to convert streams. */
export interface AvcConfig { readonly sps: Buffer; readonly pps: Buffer; readonly lengthSize: number }

/** Parses an AVCDecoderConfigurationRecord (first SPS and PPS). */
export function parseAvcConfig(b: Buffer): AvcConfig {
  if (b.length < 7 || b[0] !== 1) throw new CodecError('invalid AVCDecoderConfigurationRecord');
  const lengthSize = (b[4]! & 3) + 1;
  let pos = 5;
  const nSps = b[pos++]! & 0x1f;
  let sps: Buffer | undefined;
  for (let i = 0; i < nSps; i++) {
    if (pos + 2 > b.length) throw new CodecError('truncated SPS');
    const len = b.readUInt16BE(pos); pos += 2;
    if (pos + len > b.length) throw new CodecError('truncated SPS');
    sps ??= b.subarray(pos, pos + len);
    pos += len;
  }
  if (pos >= b.length) throw new CodecError('missing PPS count');
  const nPps = b[pos++]!;
  let pps: Buffer | undefined;
  for (let i = 0; i < nPps; i++) {
    if (pos + 2 > b.length) throw new CodecError('truncated PPS');
    const len = b.readUInt16BE(pos); pos += 2;
    if (pos + len > b.length) throw new CodecError('truncated PPS');
    pps ??= b.subarray(pos, pos + len);
    pos += len;
  }
  if (!sps || !pps || sps.length < 4) throw new CodecError('AVCDecoderConfigurationRecord lacks SPS or PPS');
  return { sps, pps, lengthSize };
}

/** Builds an AVCDecoderConfigurationRecord from one SPS and one PPS, with 4-byte NAL lengths. */
export function buildAvcConfig(sps: Uint8Array, pps: Uint8Array): Buffer {
  if (sps.length < 4) throw new CodecError('SPS too short');
  const h = Buffer.from([1, sps[1]!, sps[2]!, sps[3]!, 0xff, 0xe1, sps.length >> 8, sps.length & 0xff]);
  return Buffer.concat([h, sps, Buffer.from([1, pps.length >> 8, pps.length & 0xff]), pps]);
}
