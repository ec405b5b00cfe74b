import { box, fullBox, need, u16, u32, u8, type BoxView } from './fmp4-boxes.ts';
import { Fmp4Error } from './fmp4-error.ts';

/** ISO/IEC 14496-1 Table 5 objectTypeIndication values used in esds. */
export const ObjectType = { Mpeg4Audio: 0x40, Mpeg2Audio: 0x69, Mpeg1Audio: 0x6b } as const;

/** ISO/IEC 14496-1 Table 6 streamType of audio streams. */
const AUDIO_STREAM = 0x05;

// ISO/IEC 14496-1 §7.2.2.1 class tags.
const ES_DESCRIPTOR = 0x03;
const DECODER_CONFIG_DESCRIPTOR = 0x04;
const DECODER_SPECIFIC_INFO = 0x05;
const SL_CONFIG_DESCRIPTOR = 0x06;
/** SLConfigDescriptor predefined 2: "reserved for use in MP4 files" (14496-1 §7.3.2.3.2). */
const SL_PREDEFINED_MP4 = 0x02;

/** What an esds says about an elementary stream. */
export interface EsdsFields {
  /** ES_ID; files use the track ID. */
  readonly esId: number;
  readonly objectTypeIndication: number;
  readonly bufferSize: number;
  readonly maxBitrate: number;
  readonly avgBitrate: number;
  /** DecoderSpecificInfo, e.g. the AudioSpecificConfig; absent for MPEG-1 audio. */
  readonly decoderSpecificInfo?: Uint8Array;
}

// A descriptor: tag(8), then its size in the 4-byte expandable form FFmpeg writes (0x80 0x80 0x80 n for n < 128,
// 14496-1 §8.3.3: 7 bits per byte, high bit = more bytes follow), then the body.
function descriptor(tag: number, ...body: readonly Uint8Array[]): Buffer {
  const size = body.reduce((n, b) => n + b.length, 0);
  if (size >= 2 ** 28) throw new Fmp4Error('descriptor too large');
  const head = Buffer.from([tag, 0x80 | ((size >> 21) & 0x7f), 0x80 | ((size >> 14) & 0x7f), 0x80 | ((size >> 7) & 0x7f), size & 0x7f]);
  return Buffer.concat([head, ...body]);
}

/**
 * Builds an esds box (ISO/IEC 14496-14 §5.6): ES_Descriptor with no dependence, URL or OCR, a DecoderConfigDescriptor
 * for an audio stream, the DecoderSpecificInfo when given and the MP4 SLConfigDescriptor.
 *
 *   DecoderConfigDescriptor: objectTypeIndication(8) streamType(6) upStream(1) reserved(1)=1 bufferSizeDB(24)
 *                            maxBitrate(32) avgBitrate(32) [DecoderSpecificInfo]
 */
export function buildEsds(f: EsdsFields): Buffer {
  const dsi = f.decoderSpecificInfo ? [descriptor(DECODER_SPECIFIC_INFO, f.decoderSpecificInfo)] : [];
  const bufferSize = Buffer.alloc(3);
  bufferSize.writeUIntBE(f.bufferSize, 0, 3);
  const decoderConfig = descriptor(DECODER_CONFIG_DESCRIPTOR,
    u8(f.objectTypeIndication), u8((AUDIO_STREAM << 2) | 1), bufferSize, u32(f.maxBitrate), u32(f.avgBitrate), ...dsi);
  const es = descriptor(ES_DESCRIPTOR, u16(f.esId), u8(0), decoderConfig, descriptor(SL_CONFIG_DESCRIPTOR, u8(SL_PREDEFINED_MP4)));
  return fullBox('esds', 0, 0, es);
}

/** Reads one descriptor header at pos: its tag, where its body starts and ends (within `end`). */
function readDescriptor(buf: Buffer, pos: number, end: number): { tag: number; body: number; end: number } {
  if (pos >= end) throw new Fmp4Error('descriptor truncated');
  const tag = buf[pos]!;
  let size = 0;
  let i = pos + 1;
  for (let n = 0; ; n++) {
    if (n === 4 || i >= end) throw new Fmp4Error('invalid descriptor size');
    const b = buf[i++]!;
    size = size * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) break;
  }
  if (size > end - i) throw new Fmp4Error('descriptor larger than its box');
  return { tag, body: i, end: i + size };
}

/** Parses an esds box: ES_Descriptor → DecoderConfigDescriptor → DecoderSpecificInfo. Throws Fmp4Error. */
export function parseEsds(buf: Buffer, esds: BoxView): EsdsFields {
  need(esds, 0, 4);
  const es = readDescriptor(buf, esds.payload + 4, esds.end);
  if (es.tag !== ES_DESCRIPTOR || es.end - es.body < 3) throw new Fmp4Error('esds without ES_Descriptor');
  const esId = buf.readUInt16BE(es.body);
  const flags = buf[es.body + 2]!;
  let pos = es.body + 3;
  if (flags & 0x80) pos += 2; // dependsOn_ES_ID
  if (flags & 0x40) pos += 1 + (buf[pos] ?? 0); // URLlength, URLstring
  if (flags & 0x20) pos += 2; // OCR_ES_Id
  while (pos < es.end) {
    const d = readDescriptor(buf, pos, es.end);
    if (d.tag === DECODER_CONFIG_DESCRIPTOR) return decoderConfig(buf, esId, d);
    pos = d.end;
  }
  throw new Fmp4Error('esds without DecoderConfigDescriptor');
}

function decoderConfig(buf: Buffer, esId: number, d: { body: number; end: number }): EsdsFields {
  if (d.end - d.body < 13) throw new Fmp4Error('DecoderConfigDescriptor too short');
  const fields = {
    esId,
    objectTypeIndication: buf[d.body]!,
    bufferSize: buf.readUIntBE(d.body + 2, 3),
    maxBitrate: buf.readUInt32BE(d.body + 5),
    avgBitrate: buf.readUInt32BE(d.body + 9),
  };
  for (let pos = d.body + 13; pos < d.end;) {
    const s = readDescriptor(buf, pos, d.end);
    if (s.tag === DECODER_SPECIFIC_INFO) return { ...fields, decoderSpecificInfo: buf.subarray(s.body, s.end) };
    pos = s.end;
  }
  return fields;
}

/** What a dOps box says (Opus in ISOBMFF §4.3.2). */
export interface DopsFields { readonly channels: number; readonly preSkip: number; readonly inputSampleRate: number; readonly mappingFamily: number }

/**
 * Builds a dOps box for mapping family 0 (mono or stereo):
 *   Version(8)=0 OutputChannelCount(8) PreSkip(16) InputSampleRate(32) OutputGain(16)=0 ChannelMappingFamily(8)=0
 * Big-endian, unlike the little-endian OpusHead it mirrors.
 */
export function buildDops(f: { readonly channels: number; readonly preSkip: number; readonly inputSampleRate: number }): Buffer {
  if (f.channels < 1 || f.channels > 2) throw new Fmp4Error(`Opus with ${f.channels} channels needs a channel mapping table`);
  return box('dOps', u8(0), u8(f.channels), u16(f.preSkip), u32(f.inputSampleRate), u16(0), u8(0));
}

/** Parses a dOps box; any mapping family is read, the mapping table is not. Throws Fmp4Error. */
export function parseDops(buf: Buffer, dops: BoxView): DopsFields {
  need(dops, 0, 11);
  const p = dops.payload;
  if (buf[p] !== 0) throw new Fmp4Error(`unsupported dOps version ${buf[p]}`);
  const channels = buf[p + 1]!;
  if (channels === 0) throw new Fmp4Error('dOps with no channels');
  return { channels, preSkip: buf.readUInt16BE(p + 2), inputSampleRate: buf.readUInt32BE(p + 4), mappingFamily: buf[p + 10]! };
}
