import { BitReader } from './bit-reader.ts';
import { CodecError } from './codec-error.ts';

/** AV1 OBU types (AV1 spec §6.2.2) that the server looks at. */
export const Av1ObuType = { SequenceHeader: 1, TemporalDelimiter: 2 } as const;

/** Most OBUs one temporal unit may hold (docs/limits.md §Media: every parsed list is bounded). */
export const AV1_MAX_OBUS = 256;

// OBU header (AV1 spec §5.3.2): forbidden(1) type(4) extension_flag(1) has_size_field(1) reserved(1).
const HAS_SIZE = 0x02;
const HAS_EXTENSION = 0x04;

/** OBU type of an OBU. */
export function av1ObuType(obu: Uint8Array): number { return ((obu[0] ?? 0) >> 3) & 0x0f; }

/** Reads a LEB128 value (AV1 spec §4.10.5, at most 8 bytes); returns value and bytes used. */
export function readLeb128(b: Uint8Array, pos: number): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = b[pos + i];
    if (byte === undefined) throw new CodecError('truncated LEB128');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (value > 0xffffffff) throw new CodecError('LEB128 value too large');
      return { value, length: i + 1 };
    }
  }
  throw new CodecError('LEB128 longer than 8 bytes');
}

/** Encodes a LEB128 value. */
export function leb128(value: number): Buffer {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

/** Where an OBU's payload starts and ends (obu_size honoured when present). */
function obuPayload(obu: Uint8Array): { headerLength: number; start: number; end: number } {
  if (obu.length === 0) throw new CodecError('empty OBU');
  const headerLength = obu[0]! & HAS_EXTENSION ? 2 : 1;
  if (obu.length < headerLength) throw new CodecError('truncated OBU header');
  if ((obu[0]! & HAS_SIZE) === 0) return { headerLength, start: headerLength, end: obu.length };
  const { value, length } = readLeb128(obu, headerLength);
  const start = headerLength + length;
  if (start + value > obu.length) throw new CodecError('OBU shorter than its obu_size');
  return { headerLength, start, end: start + value };
}

/**
 * Splits a temporal unit in the low-overhead bitstream format (AV1 spec §5.2, as FLV/Enhanced RTMP and ISOBMFF carry
 * it) into OBUs, each keeping its size field. An OBU without obu_size runs to the end, which the spec allows last.
 */
export function splitAv1Obus(tu: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < tu.length) {
    if (tu[pos]! & 0x80) throw new CodecError('AV1 OBU with the forbidden bit set');
    const { end } = obuPayload(tu.subarray(pos));
    if (out.length >= AV1_MAX_OBUS) throw new CodecError('too many OBUs in a temporal unit');
    out.push(tu.subarray(pos, pos + end));
    pos += end;
  }
  return out;
}

/** The OBU with an obu_size field, as the low-overhead format needs (added when missing). */
export function av1ObuWithSize(obu: Buffer): Buffer {
  const { headerLength, start, end } = obuPayload(obu);
  if (obu[0]! & HAS_SIZE) return obu.subarray(0, end);
  return Buffer.concat([Buffer.from([obu[0]! | HAS_SIZE]), obu.subarray(1, headerLength), leb128(end - start), obu.subarray(start, end)]);
}

/** The OBU without its obu_size field, as RTP carries it (RTP payload format for AV1 §5). */
export function av1ObuWithoutSize(obu: Uint8Array): Buffer {
  const b = Buffer.from(obu.buffer, obu.byteOffset, obu.byteLength);
  const { headerLength, start, end } = obuPayload(b);
  if ((b[0]! & HAS_SIZE) === 0) return b;
  return Buffer.concat([Buffer.from([b[0]! & ~HAS_SIZE]), b.subarray(1, headerLength), b.subarray(start, end)]);
}

/** True when a temporal unit carries a sequence header, which encoders put before each key frame (MediaMTX's test too). */
export function av1IsRandomAccess(obus: readonly Uint8Array[]): boolean {
  return obus.some((o) => av1ObuType(o) === Av1ObuType.SequenceHeader);
}

/** The sequence header fields that the AV1CodecConfigurationRecord and SDP carry (AV1 spec §5.5). */
export interface Av1SequenceHeader {
  readonly profile: number;
  /** seq_level_idx and seq_tier of operating point 0. */
  readonly level: number;
  readonly tier: number;
  readonly highBitdepth: boolean;
  readonly twelveBit: boolean;
  readonly monochrome: boolean;
  readonly subsamplingX: number;
  readonly subsamplingY: number;
  readonly chromaSamplePosition: number;
}

/** Parses the fields of a sequence header OBU up to and including color_config (AV1 spec §5.5.1–§5.5.2). */
export function parseAv1SequenceHeader(obu: Uint8Array): Av1SequenceHeader {
  if (av1ObuType(obu) !== Av1ObuType.SequenceHeader) throw new CodecError('not a sequence header OBU');
  const { start, end } = obuPayload(obu);
  const r = new BitReader(obu.subarray(start, end));
  const profile = r.bits(3);
  if (profile > 2) throw new CodecError(`AV1 seq_profile ${profile} is reserved`);
  r.skip(1); // still_picture
  const reduced = r.flag();
  let level = 0;
  let tier = 0;
  let frameWidthBits = 0;
  let frameHeightBits = 0;
  if (reduced) {
    level = r.bits(5);
  } else {
    let bufferDelayLength = 0;
    let decoderModelInfo = false;
    if (r.flag()) { // timing_info_present_flag
      r.skip(64); // num_units_in_display_tick, time_scale
      if (r.flag()) r.uvlc(); // equal_picture_interval: num_ticks_per_picture_minus_1
      decoderModelInfo = r.flag();
      if (decoderModelInfo) {
        bufferDelayLength = r.bits(5) + 1;
        r.skip(32 + 5 + 5); // num_units_in_decoding_tick, buffer_removal_time_length_minus_1, frame_presentation_time_length_minus_1
      }
    }
    const initialDisplayDelay = r.flag();
    const points = r.bits(5) + 1;
    for (let i = 0; i < points; i++) {
      r.skip(12); // operating_point_idc
      const idx = r.bits(5);
      const t = idx > 7 ? r.bits(1) : 0;
      if (i === 0) { level = idx; tier = t; }
      if (decoderModelInfo && r.flag()) r.skip(2 * bufferDelayLength + 1); // decoder/encoder_buffer_delay, low_delay_mode_flag
      if (initialDisplayDelay && r.flag()) r.skip(4);
    }
  }
  frameWidthBits = r.bits(4) + 1;
  frameHeightBits = r.bits(4) + 1;
  r.skip(frameWidthBits + frameHeightBits);
  if (!reduced && r.flag()) r.skip(4 + 3); // frame_id_numbers_present_flag: delta and additional frame id lengths
  r.skip(3); // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
  if (!reduced) {
    r.skip(4); // interintra compound, masked compound, warped motion, dual filter
    const orderHint = r.flag();
    if (orderHint) r.skip(2); // enable_jnt_comp, enable_ref_frame_mvs
    const forceScreenContentTools = r.flag() ? 2 : r.bits(1); // seq_choose_screen_content_tools
    if (forceScreenContentTools > 0 && !r.flag()) r.skip(1); // seq_choose_integer_mv, else seq_force_integer_mv
    if (orderHint) r.skip(3); // order_hint_bits_minus_1
  }
  r.skip(3); // enable_superres, enable_cdef, enable_restoration
  // color_config (§5.5.2)
  const highBitdepth = r.flag();
  const twelveBit = profile === 2 && highBitdepth ? r.flag() : false;
  const monochrome = profile === 1 ? false : r.flag();
  let cp = 2;
  let tc = 2;
  let mc = 2;
  if (r.flag()) { cp = r.bits(8); tc = r.bits(8); mc = r.bits(8); }
  let subsamplingX = 1;
  let subsamplingY = 1;
  let chromaSamplePosition = 0;
  if (monochrome) {
    r.skip(1); // color_range
  } else if (cp === 1 && tc === 13 && mc === 0) { // sRGB: 4:4:4
    subsamplingX = 0;
    subsamplingY = 0;
  } else {
    r.skip(1); // color_range
    if (profile === 1) { subsamplingX = 0; subsamplingY = 0; } else if (profile === 2) {
      if (twelveBit) { subsamplingX = r.bits(1); subsamplingY = subsamplingX ? r.bits(1) : 0; } else { subsamplingX = 1; subsamplingY = 0; }
    }
    if (subsamplingX && subsamplingY) chromaSamplePosition = r.bits(2);
  }
  return { profile, level, tier, highBitdepth, twelveBit, monochrome, subsamplingX, subsamplingY, chromaSamplePosition };
}

/** What an AV1CodecConfigurationRecord holds: the sequence header OBU (with size field) and its summary. */
export interface Av1Config { readonly sequenceHeader: Buffer; readonly header: Av1SequenceHeader }

/**
 * Builds an AV1CodecConfigurationRecord (AV1 ISOBMFF binding §2.3.3): marker and version 1, the sequence header's
 * profile, level, tier and color fields, no initial presentation delay, and the sequence header OBU as configOBUs.
 */
export function buildAv1Config(sequenceHeaderObu: Buffer): Buffer {
  const obu = av1ObuWithSize(sequenceHeaderObu);
  const h = parseAv1SequenceHeader(obu);
  const head = Buffer.from([
    0x81,
    (h.profile << 5) | h.level,
    (h.tier << 7) | (+h.highBitdepth << 6) | (+h.twelveBit << 5) | (+h.monochrome << 4) | (h.subsamplingX << 3) | (h.subsamplingY << 2) | h.chromaSamplePosition,
    0,
  ]);
  return Buffer.concat([head, obu]);
}

/** Parses an AV1CodecConfigurationRecord; its configOBUs must hold the sequence header. */
export function parseAv1Config(b: Buffer): Av1Config {
  if (b.length < 4 || b[0] !== 0x81) throw new CodecError('invalid AV1CodecConfigurationRecord');
  const sequenceHeader = splitAv1Obus(b.subarray(4)).find((o) => av1ObuType(o) === Av1ObuType.SequenceHeader);
  if (!sequenceHeader) throw new CodecError('AV1CodecConfigurationRecord without a sequence header');
  return { sequenceHeader, header: parseAv1SequenceHeader(sequenceHeader) };
}
