import { MpegTsError } from './mpegts-error.ts';

/** 2^33: PTS, DTS and PCR base count 90 kHz ticks modulo this (ISO/IEC 13818-1 §2.4.3.7). */
export const MPEGTS_TIMESTAMP_MODULO = 2 ** 33;

/** PES stream_id values (13818-1 Table 2-22) the muxer writes. */
export const StreamId = { PrivateStream1: 0xbd, Audio: 0xc0, Video: 0xe0 } as const;

// stream_ids whose PES packets have no optional header (13818-1 §2.4.3.7): program_stream_map, padding,
// private_stream_2, ECM, EMM, program_stream_directory, DSMCC, H.222.1 type E.
const NO_OPTIONAL_HEADER = new Set([0xbc, 0xbe, 0xbf, 0xf0, 0xf1, 0xff, 0xf2, 0xf8]);
const PTS_ONLY = 0b10;
const PTS_AND_DTS = 0b11;

/** A timestamp taken modulo 2^33, so negative and large values wrap as the 33-bit fields do. */
export function wrapTimestamp(ticks: number): number {
  return ((ticks % MPEGTS_TIMESTAMP_MODULO) + MPEGTS_TIMESTAMP_MODULO) % MPEGTS_TIMESTAMP_MODULO;
}

/**
 * A 33-bit timestamp as 5 bytes, `prefix` being '0010' (PTS alone), '0011' (PTS before DTS) or '0001' (DTS):
 *   prefix(4) ts[32..30](3) marker(1) | ts[29..15](15) marker(1) | ts[14..0](15) marker(1)
 */
function writeTimestamp(out: Buffer, pos: number, prefix: number, ticks: number): void {
  const ts = wrapTimestamp(ticks);
  const high = Math.floor(ts / 2 ** 30); // bits 32..30; JavaScript bit operators stop at 32 bits
  const low = ts % 2 ** 30;
  out[pos] = (prefix << 4) | (high << 1) | 1;
  out.writeUInt16BE(((low >> 15) << 1) | 1, pos + 1);
  out.writeUInt16BE(((low & 0x7fff) << 1) | 1, pos + 3);
}

function readTimestamp(b: Buffer, pos: number): number {
  return ((b[pos]! >> 1) & 7) * 2 ** 30 + (b.readUInt16BE(pos + 1) >> 1) * 2 ** 15 + (b.readUInt16BE(pos + 3) >> 1);
}

/**
 * The header of a PES packet (13818-1 §2.4.3.6) with PTS, and DTS when it differs:
 *   packet_start_code_prefix(24)=000001 stream_id(8) PES_packet_length(16)
 *   '10' scrambling(2) priority(1) data_alignment(1) copyright(1) original(1)      = 0x80
 *   PTS_DTS_flags(2) ESCR(1) ES_rate(1) DSM_trick_mode(1) copy_info(1) CRC(1) extension(1)
 *   PES_header_data_length(8), PTS(40), [DTS(40)]
 * PES_packet_length counts the bytes after it; 0 ("unbounded") when the packet would exceed 65535 bytes, which
 * 13818-1 allows for video in transport streams and which demuxers (FFmpeg's, ours) accept for audio too.
 */
export function buildPesHeader(p: { readonly streamId: number; readonly pts: number; readonly dts?: number; readonly payloadLength: number }): Buffer {
  const hasDts = p.dts !== undefined && wrapTimestamp(p.dts) !== wrapTimestamp(p.pts);
  const dataLength = hasDts ? 10 : 5;
  const out = Buffer.alloc(9 + dataLength);
  out.writeUIntBE(0x000001, 0, 3);
  out[3] = p.streamId;
  const length = 3 + dataLength + p.payloadLength;
  out.writeUInt16BE(p.streamId === StreamId.Video || length > 0xffff ? 0 : length, 4);
  out[6] = 0x80;
  out[7] = (hasDts ? PTS_AND_DTS : PTS_ONLY) << 6;
  out[8] = dataLength;
  writeTimestamp(out, 9, hasDts ? 0b0011 : 0b0010, p.pts);
  if (hasDts) writeTimestamp(out, 14, 0b0001, p.dts!);
  return out;
}

/** What a PES packet header says. */
export interface PesHeader {
  readonly streamId: number;
  /** PES_packet_length: bytes after this field, 0 when unbounded. */
  readonly packetLength: number;
  readonly pts: number;
  /** DTS, or the PTS when absent. */
  readonly dts: number;
  /** Where the elementary stream payload starts. */
  readonly payloadStart: number;
}

/** Parses the header of a PES packet; a PES without PTS can't be placed in time and is refused. Throws MpegTsError. */
export function parsePesHeader(b: Buffer): PesHeader {
  if (b.length < 9 || b[0] !== 0 || b[1] !== 0 || b[2] !== 1) throw new MpegTsError('PES without start code');
  const streamId = b[3]!;
  const packetLength = b.readUInt16BE(4);
  if (NO_OPTIONAL_HEADER.has(streamId)) throw new MpegTsError(`PES stream_id 0x${streamId.toString(16)} carries no timestamps`);
  if (b[6]! >> 6 !== 0b10) throw new MpegTsError('PES optional header without its 10 marker');
  const flags = b[7]! >> 6;
  const payloadStart = 9 + b[8]!;
  if (payloadStart > b.length) throw new MpegTsError('PES header longer than its packet');
  if (flags !== PTS_ONLY && flags !== PTS_AND_DTS) throw new MpegTsError('PES without PTS');
  if (9 + (flags === PTS_AND_DTS ? 10 : 5) > payloadStart) throw new MpegTsError('PES header too short for its timestamps');
  const pts = readTimestamp(b, 9);
  const dts = flags === PTS_AND_DTS ? readTimestamp(b, 14) : pts;
  return { streamId, packetLength, pts, dts, payloadStart };
}
