/**
 * RTP packet (RFC 3550 §5.1) with the header fields parsed and the wire bytes kept, so a packet
 * received from a publisher can be forwarded to every reader without re-serialising.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 */
export interface RtpPacket {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  /** Payload after header, CSRCs, extension and before padding. */
  readonly payload: Buffer;
  /** The whole packet as on the wire. */
  readonly raw: Buffer;
}

/** Thrown for bytes that are not a valid RTP packet. */
export class RtpParseError extends Error {
  override readonly name = 'RtpParseError';
}

/** Parses one RTP packet; throws RtpParseError on malformed input. */
export function parseRtpPacket(raw: Buffer): RtpPacket {
  if (raw.length < 12) throw new RtpParseError(`RTP packet too short (${raw.length} bytes)`);
  const b0 = raw[0]!;
  if (b0 >> 6 !== 2) throw new RtpParseError(`unsupported RTP version ${b0 >> 6}`);
  const hasPadding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let offset = 12 + csrcCount * 4;
  if (raw.length < offset) throw new RtpParseError('RTP packet shorter than its CSRC list');
  if (hasExtension) {
    if (raw.length < offset + 4) throw new RtpParseError('RTP packet shorter than its extension header');
    const words = raw.readUInt16BE(offset + 2);
    offset += 4 + words * 4;
    if (raw.length < offset) throw new RtpParseError('RTP packet shorter than its extension');
  }
  let end = raw.length;
  if (hasPadding) {
    const pad = raw[raw.length - 1]!;
    if (pad === 0 || end - pad < offset) throw new RtpParseError('invalid RTP padding length');
    end -= pad;
  }
  const b1 = raw[1]!;
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: raw.readUInt16BE(2),
    timestamp: raw.readUInt32BE(4),
    ssrc: raw.readUInt32BE(8),
    payload: raw.subarray(offset, end),
    raw,
  };
}

/** Fields needed to build an RTP packet. */
export interface RtpPacketInit {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** Builds an RTP packet with a 12-byte header (no CSRC, extension or padding). */
export function buildRtpPacket(p: RtpPacketInit): RtpPacket {
  // The field is 7 bits (RFC 3550 §5.1): a larger value would be written masked and differ from what is returned.
  if (!Number.isInteger(p.payloadType) || p.payloadType < 0 || p.payloadType > 127) throw new RtpParseError(`invalid payload type ${p.payloadType}`);
  const raw = Buffer.allocUnsafe(12 + p.payload.length);
  raw[0] = 0x80;
  raw[1] = (p.marker ? 0x80 : 0) | p.payloadType;
  raw.writeUInt16BE(p.sequenceNumber & 0xffff, 2);
  raw.writeUInt32BE(p.timestamp >>> 0, 4);
  raw.writeUInt32BE(p.ssrc >>> 0, 8);
  p.payload.copy(raw, 12);
  return { ...p, sequenceNumber: p.sequenceNumber & 0xffff, timestamp: p.timestamp >>> 0, ssrc: p.ssrc >>> 0, payload: raw.subarray(12), raw };
}
