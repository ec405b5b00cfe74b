import type { RtpPacket } from '../formats/index.ts';
import type { Unit } from './unit.ts';

// Packets a batch may hold before it goes out unfinished (~45 KB at 1,400-byte packets): a large key frame is delivered
// in pieces as it arrives, as a TCP reader's connection sends a held frame's packets after 10 ms (FrameBatchedSocket),
// and a publisher that never sets the marker bit cannot make a batch grow without bound.
export const FRAME_BATCH_MAX_PACKETS = 32;

/**
 * Joins the one-packet units of a video access unit, as a publisher's RTP passes through the stream, into one unit
 * carrying all its packets (ReaderRtp.frames). The access unit ends at the packet with the marker bit (RFC 6184 §5.1,
 * RFC 7798 §4.1, RFC 7741 §4.1: set on its last packet), or, for a publisher that does not set it, where the RTP
 * timestamp changes. Units that already hold a whole access unit (packets made by the stream) go through as they are.
 */
export class FrameBatcher {
  private packets: RtpPacket[] = [];
  private first: Unit | undefined;
  private randomAccess = false;
  /** The units ready after the last add(), reused between calls. */
  private readonly ready: Unit[] = [];

  /** Packets waiting for the end of their access unit. */
  get pending(): number { return this.packets.length; }

  /**
   * Takes the next unit of the format: `whole` when it is a complete access unit already. Returns the units to
   * deliver now, in order (the array is reused by the next call).
   */
  add(unit: Unit, whole: boolean): readonly Unit[] {
    const ready = this.ready;
    ready.length = 0;
    const packets = unit.rtpPackets;
    if (whole || !packets || packets.length === 0) {
      this.flushInto(ready);
      ready.push(unit);
      return ready;
    }
    if (this.first && packets[0]!.timestamp !== this.packets[0]!.timestamp) this.flushInto(ready);
    if (!this.first) this.first = unit;
    for (const p of packets) this.packets.push(p);
    if (unit.randomAccess === true) this.randomAccess = true;
    if (packets[packets.length - 1]!.marker || this.packets.length >= FRAME_BATCH_MAX_PACKETS) this.flushInto(ready);
    return ready;
  }

  /** Gives the packets waiting now, as one unit (none when nothing waits); the array is reused by the next call. */
  flush(): readonly Unit[] {
    this.ready.length = 0;
    this.flushInto(this.ready);
    return this.ready;
  }

  /** Forgets the packets waiting (the batch's readers went away). */
  clear(): void {
    this.packets = [];
    this.first = undefined;
    this.randomAccess = false;
  }

  private flushInto(ready: Unit[]): void {
    const first = this.first;
    if (!first) return;
    // One unit that is a whole access unit by itself goes out as it came: nothing to allocate.
    if (this.packets.length === first.rtpPackets!.length) ready.push(first);
    else ready.push(batchUnit(first, this.packets, this.randomAccess));
    this.packets = [];
    this.first = undefined;
    this.randomAccess = false;
  }
}

/** The unit of a batch: the first unit's times, every packet, and whether any of its units was a random access point. */
function batchUnit(first: Unit, packets: RtpPacket[], randomAccess: boolean): Unit {
  const unit: Unit = { pts: first.pts, rtpPackets: packets };
  if (first.dts !== undefined) unit.dts = first.dts;
  if (first.ntp !== undefined) unit.ntp = first.ntp;
  if (randomAccess) unit.randomAccess = true;
  return unit;
}
