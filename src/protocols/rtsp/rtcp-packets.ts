/** Thrown for bytes that are not a valid RTCP compound packet. */
export class RtcpParseError extends Error {
  override readonly name = 'RtcpParseError';
}

// RFC 3550 §12.1: RTCP packet types.
const PT_SR = 200;
const PT_RR = 201;
const PT_BYE = 203;
// RFC 3550 §6.4.1: a report block is 6 words; the count field has 5 bits.
const REPORT_BLOCK_BYTES = 24;
const MAX_COUNT = 31;
// RFC 3550 §4: the NTP epoch (1900-01-01) is this many seconds before the Unix epoch.
const NTP_UNIX_OFFSET_S = 2208988800;

/** One reception report block of an SR or RR (RFC 3550 §6.4.1). */
export interface RtcpReportBlock {
  /** SSRC of the source this block reports on. */
  readonly ssrc: number;
  /** Packets lost since the previous report, in 1/256 (8 bits). */
  readonly fractionLost: number;
  /** Cumulative packets lost (24-bit signed on the wire). */
  readonly totalLost: number;
  /** Extended highest sequence number received: cycles in the high 16 bits. */
  readonly highestSequence: number;
  /** Interarrival jitter in timestamp units. */
  readonly jitter: number;
  /** LSR: middle 32 bits of the NTP timestamp of the last SR received (0 = none). */
  readonly lastSenderReport: number;
  /** DLSR: delay since that SR, in 1/65536 s. */
  readonly delaySinceLastSenderReport: number;
}

/** Sender Report (RFC 3550 §6.4.1, PT 200). */
export interface RtcpSenderReport {
  readonly type: 'sr';
  readonly ssrc: number;
  /** NTP timestamp, whole seconds since 1900. */
  readonly ntpSeconds: number;
  /** NTP timestamp, fraction of a second in 1/2^32. */
  readonly ntpFraction: number;
  readonly rtpTime: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly RtcpReportBlock[];
}

/** Receiver Report (RFC 3550 §6.4.2, PT 201). */
export interface RtcpReceiverReport {
  readonly type: 'rr';
  readonly ssrc: number;
  readonly reports: readonly RtcpReportBlock[];
}

/** Goodbye (RFC 3550 §6.6, PT 203); the optional reason is not kept. */
export interface RtcpBye {
  readonly type: 'bye';
  readonly ssrcs: readonly number[];
}

/** Any other RTCP packet (SDES, APP, feedback, XR): kept as its body after the 4-byte header. */
export interface RtcpOtherPacket {
  readonly type: 'other';
  readonly packetType: number;
  /** The 5-bit count / format field. */
  readonly count: number;
  readonly body: Buffer;
}

/** One packet of an RTCP compound packet. */
export type RtcpPacket = RtcpSenderReport | RtcpReceiverReport | RtcpBye | RtcpOtherPacket;

/** The NTP timestamp of a Unix time in ms, split in seconds and 1/2^32 fractions (RFC 3550 §4). */
export function ntpTimeOfUnixMs(unixMs: number): { ntpSeconds: number; ntpFraction: number } {
  return {
    ntpSeconds: (Math.floor(unixMs / 1000) + NTP_UNIX_OFFSET_S) >>> 0,
    ntpFraction: Math.floor(((unixMs % 1000) / 1000) * 2 ** 32) >>> 0,
  };
}

/** The middle 32 bits of an NTP timestamp, as LSR carries them (RFC 3550 §6.4.1). */
export function ntpMiddle32(ntpSeconds: number, ntpFraction: number): number {
  return (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0;
}

/*
 * RFC 3550 §6.4.1 common header, then the packet-type specific part:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * |                         SSRC of sender                        |
 * |              NTP timestamp, most significant word             |   SR only
 * |             NTP timestamp, least significant word             |   SR only
 * |                         RTP timestamp                         |   SR only
 * |                     sender's packet count                     |   SR only
 * |                      sender's octet count                     |   SR only
 * |                 report blocks (6 words each) …                |
 */
function header(count: number, packetType: number, bytes: number): Buffer {
  if (count > MAX_COUNT) throw new RangeError(`an RTCP packet carries at most ${MAX_COUNT} items`);
  const b = Buffer.alloc(bytes);
  b[0] = 0x80 | count;
  b[1] = packetType;
  b.writeUInt16BE(bytes / 4 - 1, 2); // length in 32-bit words minus one
  return b;
}

function writeBlocks(b: Buffer, offset: number, blocks: readonly RtcpReportBlock[]): void {
  for (const r of blocks) {
    b.writeUInt32BE(r.ssrc >>> 0, offset);
    b.writeUInt32BE((((r.fractionLost & 0xff) << 24) | (r.totalLost & 0xffffff)) >>> 0, offset + 4);
    b.writeUInt32BE(r.highestSequence >>> 0, offset + 8);
    b.writeUInt32BE(r.jitter >>> 0, offset + 12);
    b.writeUInt32BE(r.lastSenderReport >>> 0, offset + 16);
    b.writeUInt32BE(r.delaySinceLastSenderReport >>> 0, offset + 20);
    offset += REPORT_BLOCK_BYTES;
  }
}

/** Serialises a Sender Report (RFC 3550 §6.4.1): 28 bytes plus 24 per report block. */
export function buildSenderReport(sr: Omit<RtcpSenderReport, 'type'>): Buffer {
  const b = header(sr.reports.length, PT_SR, 28 + REPORT_BLOCK_BYTES * sr.reports.length);
  b.writeUInt32BE(sr.ssrc >>> 0, 4);
  b.writeUInt32BE(sr.ntpSeconds >>> 0, 8);
  b.writeUInt32BE(sr.ntpFraction >>> 0, 12);
  b.writeUInt32BE(sr.rtpTime >>> 0, 16);
  b.writeUInt32BE(sr.packetCount >>> 0, 20);
  b.writeUInt32BE(sr.octetCount >>> 0, 24);
  writeBlocks(b, 28, sr.reports);
  return b;
}

/** Serialises a Receiver Report (RFC 3550 §6.4.2): 8 bytes plus 24 per report block. */
export function buildReceiverReport(rr: Omit<RtcpReceiverReport, 'type'>): Buffer {
  const b = header(rr.reports.length, PT_RR, 8 + REPORT_BLOCK_BYTES * rr.reports.length);
  b.writeUInt32BE(rr.ssrc >>> 0, 4);
  writeBlocks(b, 8, rr.reports);
  return b;
}

/** Serialises a BYE without reason (RFC 3550 §6.6): 4 bytes plus 4 per source. */
export function buildBye(ssrcs: readonly number[]): Buffer {
  const b = header(ssrcs.length, PT_BYE, 4 + 4 * ssrcs.length);
  ssrcs.forEach((s, i) => b.writeUInt32BE(s >>> 0, 4 + 4 * i));
  return b;
}

function readBlocks(body: Buffer, offset: number, count: number): RtcpReportBlock[] {
  const out: RtcpReportBlock[] = [];
  for (let i = 0; i < count; i++, offset += REPORT_BLOCK_BYTES) {
    const lost = body.readUInt32BE(offset + 4);
    const total = lost & 0xffffff;
    out.push({
      ssrc: body.readUInt32BE(offset),
      fractionLost: lost >>> 24,
      totalLost: total & 0x800000 ? total - 0x1000000 : total, // 24-bit two's complement: duplicates can make it negative
      highestSequence: body.readUInt32BE(offset + 8),
      jitter: body.readUInt32BE(offset + 12),
      lastSenderReport: body.readUInt32BE(offset + 16),
      delaySinceLastSenderReport: body.readUInt32BE(offset + 20),
    });
  }
  return out;
}

function need(body: Buffer, bytes: number, what: string): void {
  if (body.length < bytes) throw new RtcpParseError(`${what} too short (${body.length + 4} bytes, need ${bytes + 4})`);
}

function parseBody(packetType: number, count: number, body: Buffer): RtcpPacket {
  switch (packetType) {
    case PT_SR:
      need(body, 24 + REPORT_BLOCK_BYTES * count, 'RTCP sender report');
      return {
        type: 'sr', ssrc: body.readUInt32BE(0), ntpSeconds: body.readUInt32BE(4), ntpFraction: body.readUInt32BE(8),
        rtpTime: body.readUInt32BE(12), packetCount: body.readUInt32BE(16), octetCount: body.readUInt32BE(20),
        reports: readBlocks(body, 24, count),
      };
    case PT_RR:
      need(body, 4 + REPORT_BLOCK_BYTES * count, 'RTCP receiver report');
      return { type: 'rr', ssrc: body.readUInt32BE(0), reports: readBlocks(body, 4, count) };
    case PT_BYE: {
      need(body, 4 * count, 'RTCP BYE');
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(body.readUInt32BE(4 * i));
      return { type: 'bye', ssrcs };
    }
    default:
      return { type: 'other', packetType, count, body };
  }
}

/**
 * Parses an RTCP compound packet (RFC 3550 §6.1) into its packets; bodies are views into `buf`.
 * Throws RtcpParseError on a wrong version, a length beyond the buffer, or a packet shorter than its count says.
 */
export function parseRtcpPackets(buf: Buffer): RtcpPacket[] {
  if (buf.length < 4) throw new RtcpParseError(`RTCP packet too short (${buf.length} bytes)`);
  const out: RtcpPacket[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (buf.length - offset < 4) throw new RtcpParseError('truncated RTCP header');
    const b0 = buf[offset]!;
    if (b0 >> 6 !== 2) throw new RtcpParseError(`unsupported RTCP version ${b0 >> 6}`);
    const size = (buf.readUInt16BE(offset + 2) + 1) * 4;
    if (offset + size > buf.length) throw new RtcpParseError(`RTCP length ${size} exceeds the ${buf.length - offset} bytes left`);
    let body = buf.subarray(offset + 4, offset + size);
    if (b0 & 0x20) {
      // RFC 3550 §6.4.1: with P set, the last octet counts the padding octets, itself included.
      const pad = body.length > 0 ? body[body.length - 1]! : 0;
      if (pad === 0 || pad > body.length) throw new RtcpParseError('invalid RTCP padding length');
      body = body.subarray(0, body.length - pad);
    }
    out.push(parseBody(buf[offset + 1]!, b0 & 0x1f, body));
    offset += size;
  }
  return out;
}
