import { wrapTimestamp } from './pes.ts';

/** Bytes in a transport stream packet (ISO/IEC 13818-1 §2.4.3.2). */
export const MPEGTS_PACKET_SIZE = 188;
/** sync_byte. */
export const SYNC_BYTE = 0x47;

// Transport packet header (§2.4.3.2):
//   sync_byte(8)=0x47 transport_error_indicator(1) payload_unit_start_indicator(1) transport_priority(1) PID(13)
//   transport_scrambling_control(2) adaptation_field_control(2) continuity_counter(4)
// Adaptation field (§2.4.3.4): adaptation_field_length(8), then when > 0: discontinuity_indicator(1)
//   random_access_indicator(1) ES_priority(1) PCR_flag(1) OPCR(1) splicing_point(1) private_data(1) extension(1),
//   PCR(48) = program_clock_reference_base(33) reserved(6) program_clock_reference_extension(9), stuffing 0xFF…
const HEADER_LENGTH = 4;
const PCR_LENGTH = 6;
const AF_DISCONTINUITY = 0x80;
const AF_RANDOM_ACCESS = 0x40;
const AF_PCR = 0x10;

/** What the first packet of a unit says in its adaptation field. */
export interface FirstPacketFlags {
  readonly isRandomAccess?: boolean;
  /** PCR base in 90 kHz ticks (wrapped to 33 bits); the 27 MHz extension is written as 0. */
  readonly pcr?: number;
}

/**
 * Cuts a payload (a PES packet or a pointer_field + PSI section) into transport packets of one PID. The first
 * packet has payload_unit_start_indicator set and carries the flags; the last is filled to 188 bytes with
 * adaptation field stuffing (or, for PSI with `isPsi`, with 0xFF bytes after the section, which §2.4.4 allows).
 * `cc` is the PID's continuity counter before these packets; returns the packets and the counter after them.
 */
export function packetize(p: {
  readonly pid: number; readonly payload: Uint8Array; readonly cc: number; readonly first?: FirstPacketFlags; readonly isPsi?: boolean;
}): { packets: Buffer; cc: number } {
  const { payload } = p;
  const chunks: Buffer[] = [];
  let cc = p.cc;
  let pos = 0;
  for (let isFirst = true; isFirst || pos < payload.length; isFirst = false) {
    const out = Buffer.alloc(MPEGTS_PACKET_SIZE, 0xff);
    cc = (cc + 1) & 0x0f;
    const flags = isFirst ? p.first : undefined;
    const hasPcr = flags?.pcr !== undefined;
    const afFlags = (flags?.isRandomAccess ? AF_RANDOM_ACCESS : 0) | (hasPcr ? AF_PCR : 0);
    // Adaptation field bytes after its length byte, before stuffing: the flags byte (and PCR) when anything is set.
    let afBody = afFlags !== 0 ? 1 + (hasPcr ? PCR_LENGTH : 0) : 0;
    let hasAf = afBody > 0;
    const remaining = payload.length - pos;
    const room = MPEGTS_PACKET_SIZE - HEADER_LENGTH - (hasAf ? 1 + afBody : 0);
    if (remaining < room && !p.isPsi) {
      // Stuffing: grow the adaptation field until the payload fills the packet exactly.
      const stuffing = room - remaining;
      if (hasAf) afBody += stuffing;
      else { hasAf = true; afBody = stuffing - 1; }
    }
    const at = HEADER_LENGTH + (hasAf ? 1 + afBody : 0);
    const take = Math.min(remaining, MPEGTS_PACKET_SIZE - at);
    out[0] = SYNC_BYTE;
    out.writeUInt16BE((isFirst ? 0x4000 : 0) | (p.pid & 0x1fff), 1);
    out[3] = ((hasAf ? 0b11 : 0b01) << 4) | cc;
    if (hasAf) {
      out[4] = afBody;
      if (afBody > 0) {
        out[5] = afFlags;
        if (hasPcr) writePcr(out, 6, flags!.pcr!);
      }
    }
    out.set(payload.subarray(pos, pos + take), at);
    pos += take;
    chunks.push(out);
  }
  return { packets: Buffer.concat(chunks), cc };
}

function writePcr(out: Buffer, pos: number, ticks: number): void {
  const base = wrapTimestamp(ticks);
  // base(33) reserved(6)=111111 extension(9)=0: the top 32 bits of the base, then its last bit and the rest.
  out.writeUInt32BE(Math.floor(base / 2), pos);
  out[pos + 4] = ((base % 2) << 7) | 0x7e;
  out[pos + 5] = 0;
}

/** The header fields of one transport packet the demuxer needs, and where its payload lies. */
export interface PacketHeader {
  readonly hasTransportError: boolean;
  readonly isUnitStart: boolean;
  readonly pid: number;
  readonly hasPayload: boolean;
  readonly cc: number;
  readonly isDiscontinuity: boolean;
  readonly isRandomAccess: boolean;
  readonly payloadStart: number;
}

/** Parses a 188-byte packet's header and adaptation field; undefined when the adaptation field overruns the packet. */
export function parsePacketHeader(p: Buffer): PacketHeader | undefined {
  const afc = (p[3]! >> 4) & 3;
  let payloadStart = HEADER_LENGTH;
  let afFlags = 0;
  if (afc & 0b10) {
    const length = p[4]!;
    // 183 is the largest adaptation field: with a payload it must leave at least one byte (§2.4.3.5).
    if (length > (afc === 0b11 ? 182 : 183)) return undefined;
    if (length > 0) afFlags = p[5]!;
    payloadStart += 1 + length;
  }
  return {
    hasTransportError: (p[1]! & 0x80) !== 0,
    isUnitStart: (p[1]! & 0x40) !== 0,
    pid: p.readUInt16BE(1) & 0x1fff,
    hasPayload: (afc & 0b01) !== 0,
    cc: p[3]! & 0x0f,
    isDiscontinuity: (afFlags & AF_DISCONTINUITY) !== 0,
    isRandomAccess: (afFlags & AF_RANDOM_ACCESS) !== 0,
    payloadStart,
  };
}
