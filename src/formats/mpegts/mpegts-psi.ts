import { crc32Mpeg2 } from './crc32.ts';
import { MpegTsError } from './mpegts-error.ts';
import { MpegTsStreamType, type MpegTsCodec, type MpegTsTrack } from './mpegts-track.ts';

/** PIDs of the tables (ISO/IEC 13818-1 Table 2-3). */
export const PAT_PID = 0x0000;
/** table_id values (Table 2-31). */
const TableId = { Pat: 0x00, Pmt: 0x02 } as const;
/** Largest section_length of a PAT or PMT (§2.4.4.3, §2.4.4.8): the section stays within 1024 bytes. */
const MAX_SECTION_LENGTH = 1021;
// Descriptor tags (Table 2-45), and the extension descriptor tag of opus_audio_descriptor from the draft ETSI
// "Opus Interactive Audio Codec, Transport Multiplexing Standard" (2013, Xiph's OpusTS), as FFmpeg writes it.
const REGISTRATION_DESCRIPTOR = 0x05;
const EXTENSION_DESCRIPTOR = 0x7f;
const OPUS_EXTENSION_TAG = 0x80;

/**
 * A long-form PSI section (§2.4.4.10): the fields before `body`, then body, then CRC_32.
 *   table_id(8) section_syntax_indicator(1)=1 '0'(1) reserved(2) section_length(12) table_id_extension(16)
 *   reserved(2) version_number(5) current_next_indicator(1)=1 section_number(8)=0 last_section_number(8)=0
 */
function section(tableId: number, extension: number, version: number, body: Buffer): Buffer {
  const length = 5 + body.length + 4;
  if (length > MAX_SECTION_LENGTH) throw new MpegTsError('PSI section too long');
  const head = Buffer.alloc(8);
  head[0] = tableId;
  head.writeUInt16BE(0xb000 | length, 1);
  head.writeUInt16BE(extension, 3);
  head[5] = 0xc0 | ((version & 0x1f) << 1) | 1;
  const s = Buffer.concat([head, body, Buffer.alloc(4)]);
  s.writeUInt32BE(crc32Mpeg2(s.subarray(0, s.length - 4)), s.length - 4);
  return s;
}

/** A PAT (§2.4.4.3) of one program: program_number(16) reserved(3) program_map_PID(13). */
export function buildPat(p: { readonly transportStreamId: number; readonly programNumber: number; readonly pmtPid: number }): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt16BE(p.programNumber, 0);
  body.writeUInt16BE(0xe000 | p.pmtPid, 2);
  return section(TableId.Pat, p.transportStreamId, 0, body);
}

/** The descriptors FFmpeg puts on an elementary stream of this codec. */
function descriptorsOf(codec: MpegTsCodec): Buffer {
  switch (codec.codec) {
    // registration_descriptor (§2.6.8) 'HEVC': FFmpeg's, which older demuxers look for.
    case 'h265': return Buffer.from([REGISTRATION_DESCRIPTOR, 4, ...Buffer.from('HEVC')]);
    // 'Opus' registration, then the extension descriptor with channel_config_code: the channel count for 1–2 channels.
    case 'opus': return Buffer.from([REGISTRATION_DESCRIPTOR, 4, ...Buffer.from('Opus'), EXTENSION_DESCRIPTOR, 2, OPUS_EXTENSION_TAG, codec.channels]);
    default: return Buffer.alloc(0);
  }
}

/**
 * A PMT (§2.4.4.8): reserved(3) PCR_PID(13) reserved(4) program_info_length(12)=0, then per stream
 * stream_type(8) reserved(3) elementary_PID(13) reserved(4) ES_info_length(12) descriptors.
 */
export function buildPmt(p: { readonly programNumber: number; readonly pcrPid: number; readonly tracks: readonly MpegTsTrack[] }): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xe000 | p.pcrPid, 0);
  head.writeUInt16BE(0xf000, 2);
  const streams = p.tracks.map((t) => {
    const d = descriptorsOf(t.codec);
    const s = Buffer.alloc(5);
    s[0] = t.streamType;
    s.writeUInt16BE(0xe000 | t.pid, 1);
    s.writeUInt16BE(0xf000 | d.length, 3);
    return Buffer.concat([s, d]);
  });
  return section(TableId.Pmt, p.programNumber, 0, Buffer.concat([head, ...streams]));
}

/** The common fields of a long-form section whose CRC checked. */
interface Section { readonly tableId: number; readonly extension: number; readonly version: number; readonly body: Buffer }

/** Checks and opens a complete section (section_length honoured, CRC verified). Throws MpegTsError. */
function openSection(s: Buffer, tableId: number): Section | undefined {
  if (s.length < 3) throw new MpegTsError('PSI section truncated');
  if (s[0] !== tableId) return undefined;
  const length = s.readUInt16BE(1) & 0x0fff;
  if ((s[1]! & 0x80) === 0 || length < 9 || length > MAX_SECTION_LENGTH || 3 + length > s.length) throw new MpegTsError('invalid PSI section length');
  const whole = s.subarray(0, 3 + length);
  if (crc32Mpeg2(whole) !== 0) throw new MpegTsError(`PSI table 0x${tableId.toString(16)} with a wrong CRC`);
  // current_next_indicator 0: a table announced for later; ignore it until it applies.
  if ((whole[5]! & 1) === 0) return undefined;
  return { tableId, extension: whole.readUInt16BE(3), version: (whole[5]! >> 1) & 0x1f, body: whole.subarray(8, whole.length - 4) };
}

/** The PMT PID of the first program of a PAT section (program 0 is the network PID), or undefined. Throws MpegTsError. */
export function parsePat(s: Buffer): { pmtPid: number; programNumber: number } | undefined {
  const sec = openSection(s, TableId.Pat);
  if (!sec) return undefined;
  for (let pos = 0; pos + 4 <= sec.body.length; pos += 4) {
    const programNumber = sec.body.readUInt16BE(pos);
    if (programNumber !== 0) return { programNumber, pmtPid: sec.body.readUInt16BE(pos + 2) & 0x1fff };
  }
  return undefined;
}

/** What a PMT section declares. */
export interface Pmt { readonly programNumber: number; readonly pcrPid: number; readonly tracks: readonly MpegTsTrack[] }

/** Parses a PMT section into tracks (codec from stream type and descriptors). Throws MpegTsError. */
export function parsePmt(s: Buffer): Pmt | undefined {
  const sec = openSection(s, TableId.Pmt);
  if (!sec) return undefined;
  const b = sec.body;
  if (b.length < 4) throw new MpegTsError('PMT truncated');
  const pcrPid = b.readUInt16BE(0) & 0x1fff;
  let pos = 4 + (b.readUInt16BE(2) & 0x0fff);
  const tracks: MpegTsTrack[] = [];
  while (pos < b.length) {
    if (pos + 5 > b.length) throw new MpegTsError('PMT stream entry truncated');
    const streamType = b[pos]!;
    const pid = b.readUInt16BE(pos + 1) & 0x1fff;
    const end = pos + 5 + (b.readUInt16BE(pos + 3) & 0x0fff);
    if (end > b.length) throw new MpegTsError('PMT descriptors overrun the section');
    if (tracks.some((t) => t.pid === pid)) throw new MpegTsError(`PMT declares PID ${pid} twice`);
    tracks.push({ pid, streamType, codec: codecOf(streamType, b.subarray(pos + 5, end)) });
    pos = end;
  }
  return { programNumber: sec.extension, pcrPid, tracks };
}

function codecOf(streamType: number, descriptors: Buffer): MpegTsCodec {
  switch (streamType) {
    case MpegTsStreamType.H264: return { codec: 'h264' };
    case MpegTsStreamType.H265: return { codec: 'h265' };
    case MpegTsStreamType.Mpeg4Video: return { codec: 'mpeg4Video' };
    case MpegTsStreamType.Mpeg1Video: case MpegTsStreamType.Mpeg2Video: return { codec: 'mpeg1Video' };
    case MpegTsStreamType.AacAdts: return { codec: 'mpeg4Audio' };
    case MpegTsStreamType.Mpeg1Audio: case MpegTsStreamType.Mpeg2Audio: return { codec: 'mpeg1Audio' };
    case MpegTsStreamType.PrivateData: return opusOf(descriptors) ?? { codec: 'unsupported' };
    default: return { codec: 'unsupported' };
  }
}

function opusOf(d: Buffer): MpegTsCodec | undefined {
  let isOpus = false;
  let channels = 2;
  for (let pos = 0; pos + 2 <= d.length;) {
    const tag = d[pos]!;
    const end = pos + 2 + d[pos + 1]!;
    if (end > d.length) break;
    if (tag === REGISTRATION_DESCRIPTOR && d.toString('latin1', pos + 2, end) === 'Opus') isOpus = true;
    // channel_config_code 1–8: that many channels with the Vorbis order; other codes (dual mono…) keep the default.
    if (tag === EXTENSION_DESCRIPTOR && end - pos === 4 && d[pos + 2] === OPUS_EXTENSION_TAG && d[pos + 3]! >= 1 && d[pos + 3]! <= 8) channels = d[pos + 3]!;
    pos = end;
  }
  return isOpus ? { codec: 'opus', channels } : undefined;
}
