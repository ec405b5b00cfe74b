import { FrameRtpError, MAX_FRAME_BYTES } from './frame-rtp.ts';
import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';

// AV1 OBU header (AV1 spec §5.3.2): forbidden(1) type(4) extension_flag(1) has_size_field(1) reserved(1).
const OBU_SEQUENCE_HEADER = 1;
const OBU_TEMPORAL_DELIMITER = 2;
const MAX_OBUS = 256;

/** OBU type of an OBU. */
export function av1ObuType(obu: Uint8Array): number { return ((obu[0] ?? 0) >> 3) & 0x0f; }

/** Reads a LEB128 value (AV1 spec §4.10.5, at most 8 bytes); returns value and bytes used. */
export function readLeb128(b: Uint8Array, pos: number): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = b[pos + i];
    if (byte === undefined) throw new FrameRtpError('truncated LEB128');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (value > 0xffffffff) throw new FrameRtpError('LEB128 value too large');
      return { value, length: i + 1 };
    }
  }
  throw new FrameRtpError('LEB128 longer than 8 bytes');
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

/** An OBU without its obu_size field, as RTP carries it (RTP payload format for AV1 §5). */
function withoutSizeField(obu: Uint8Array): Buffer {
  const b = Buffer.from(obu.buffer, obu.byteOffset, obu.byteLength);
  if (b.length === 0 || (b[0]! & 0x02) === 0) return b;
  const headerLen = b[0]! & 0x04 ? 2 : 1;
  const { value, length } = readLeb128(b, headerLen);
  const start = headerLen + length;
  if (start + value > b.length) throw new FrameRtpError('OBU shorter than its obu_size');
  return Buffer.concat([Buffer.from([b[0]! & ~0x02]), b.subarray(1, headerLen), b.subarray(start, start + value)]);
}

/**
 * Packs a temporal unit's OBUs into RTP packets (RTP payload format for AV1 §4.4): aggregation header Z|Y|W|N with
 * W = 0 (every element length-prefixed), OBUs fragmented across packets with Z/Y, temporal delimiters dropped,
 * N set when the unit starts a coded video sequence, marker on the last packet.
 */
export class Av1Packetizer {
  private readonly seq: RtpSequencer;

  constructor(payloadType: number, private readonly maxPayload = 1460) {
    if (maxPayload < 8) throw new FrameRtpError('maximum payload size too small for AV1');
    this.seq = new RtpSequencer(payloadType);
  }

  /** Packets of one temporal unit at `pts` (90 kHz). */
  packetize(obus: readonly Uint8Array[], pts: number): RtpPacket[] {
    const list = obus.map(withoutSizeField).filter((o) => o.length > 0 && av1ObuType(o) !== OBU_TEMPORAL_DELIMITER);
    const newSequence = list.some((o) => av1ObuType(o) === OBU_SEQUENCE_HEADER);
    const payloads: { z: boolean; y: boolean; parts: Buffer[] }[] = [];
    let cur = { z: false, y: false, parts: [] as Buffer[] };
    let size = 1;
    for (const obu of list) {
      let rest = obu;
      while (rest.length > 0) {
        const room = this.maxPayload - size;
        const whole = leb128(rest.length).length + rest.length;
        if (whole <= room) { cur.parts.push(leb128(rest.length), rest); size += whole; break; }
        const fit = room - leb128(room).length;
        if (fit >= 1) { cur.parts.push(leb128(fit), rest.subarray(0, fit)); rest = rest.subarray(fit); cur.y = true; }
        payloads.push(cur);
        cur = { z: cur.y, y: false, parts: [] };
        size = 1;
      }
    }
    if (cur.parts.length > 0 || payloads.length === 0) payloads.push(cur);
    return payloads.map((p, i) => {
      const header = (p.z ? 0x80 : 0) | (p.y ? 0x40 : 0) | (i === 0 && newSequence ? 0x08 : 0);
      return this.seq.next(Buffer.concat([Buffer.from([header]), ...p.parts]), pts >>> 0, i === payloads.length - 1);
    });
  }
}

/** Reassembles temporal units (lists of OBUs without size fields) from AV1 RTP packets; a gap drops the unit. */
export class Av1Depacketizer {
  private obus: Buffer[] = [];
  private bytes = 0;
  private fragment: Buffer[] | undefined;
  private broken = false;
  private lastSeq: number | undefined;
  private curTs: number | undefined;
  private readonly unwrapper = new TimestampUnwrapper();

  /** Feeds one packet; returns the temporal unit it completes. */
  push(p: RtpPacket): { pts: number; obus: Buffer[] }[] {
    if ((this.lastSeq !== undefined && p.sequenceNumber !== ((this.lastSeq + 1) & 0xffff)) || (this.curTs !== undefined && p.timestamp !== this.curTs)) {
      this.reset();
      this.broken = this.lastSeq !== undefined && p.timestamp === this.curTs; // a gap inside a unit spoils the unit
    }
    this.lastSeq = p.sequenceNumber;
    this.curTs = p.timestamp;
    const pl = p.payload;
    if (pl.length < 2) throw new FrameRtpError('short AV1 payload');
    const z = (pl[0]! & 0x80) !== 0;
    const y = (pl[0]! & 0x40) !== 0;
    const w = (pl[0]! >> 4) & 3;
    let pos = 1;
    const elements: Buffer[] = [];
    while (pos < pl.length) {
      if (w !== 0 && elements.length === w - 1) { elements.push(pl.subarray(pos)); pos = pl.length; break; }
      const { value, length } = readLeb128(pl, pos);
      pos += length;
      if (pos + value > pl.length) throw new FrameRtpError('AV1 OBU element exceeds the packet');
      elements.push(pl.subarray(pos, pos + value));
      pos += value;
    }
    elements.forEach((e, i) => {
      const continues = i === 0 && z;
      if (continues && this.fragment) this.fragment.push(e);
      else if (!continues) { this.fragment = [e]; }
      else return; // continuation of a fragment we never saw
      if (i === elements.length - 1 && y) return;
      this.add(Buffer.concat(this.fragment));
      this.fragment = undefined;
    });
    if (!p.marker) return [];
    const obus = this.obus;
    const broken = this.broken;
    this.reset();
    return broken || obus.length === 0 ? [] : [{ pts: this.unwrapper.unwrap(p.timestamp), obus }];
  }

  private add(obu: Buffer): void {
    if (obu.length === 0) return;
    this.bytes += obu.length;
    if (this.obus.length >= MAX_OBUS || this.bytes > MAX_FRAME_BYTES) { this.reset(); throw new FrameRtpError('temporal unit exceeds the size limits'); }
    this.obus.push(obu);
  }

  private reset(): void { this.obus = []; this.bytes = 0; this.fragment = undefined; this.broken = false; }
}
