import { AV1_MAX_OBUS, Av1ObuType, av1ObuType, av1ObuWithoutSize, leb128, readLeb128 } from '../../codecs/index.ts';
import { FrameRtpError, MAX_FRAME_BYTES } from './frame-rtp.ts';
import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';

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
    const list = obus.filter((o) => o.length > 0).map(av1ObuWithoutSize).filter((o) => av1ObuType(o) !== Av1ObuType.TemporalDelimiter);
    const newSequence = list.some((o) => av1ObuType(o) === Av1ObuType.SequenceHeader);
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
  /** Bytes of `fragment`, which count against MAX_FRAME_BYTES as they arrive, not only once the OBU is whole. */
  private fragmentBytes = 0;
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
      if (continues && this.fragment) { this.fragment.push(e); this.fragmentBytes += e.length; }
      else if (!continues) { this.fragment = [e]; this.fragmentBytes = e.length; }
      else return; // continuation of a fragment we never saw
      // A fragment whose last part never comes (Y on every packet, no marker) would otherwise grow without end.
      if (this.bytes + this.fragmentBytes > MAX_FRAME_BYTES) { this.reset(); this.broken = true; throw new FrameRtpError('fragmented OBU exceeds the size limit'); }
      if (i === elements.length - 1 && y) return;
      this.add(Buffer.concat(this.fragment));
      this.fragment = undefined;
      this.fragmentBytes = 0;
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
    if (this.obus.length >= AV1_MAX_OBUS || this.bytes > MAX_FRAME_BYTES) { this.reset(); throw new FrameRtpError('temporal unit exceeds the size limits'); }
    this.obus.push(obu);
  }

  private reset(): void { this.obus = []; this.bytes = 0; this.fragment = undefined; this.fragmentBytes = 0; this.broken = false; }
}
