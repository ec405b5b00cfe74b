import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer } from './rtp-sequencer.ts';

/** How a NAL-unit payload format fragments: bytes of NAL header replaced, and the header of each fragment. */
export interface NaluFragmentation {
  /** Bytes of the NAL unit header that the fragment headers carry instead (1 for H264, 2 for H265). */
  readonly naluHeaderSize: number;
  /** Fragment header of `nalu`'s fragment (`first`/`last` set the S/E bits). */
  header(nalu: Buffer, first: boolean, last: boolean): Buffer;
}

/** How a NAL-unit payload format aggregates NAL units into one packet: its header, then each unit behind a 16-bit size. */
export interface NaluAggregation {
  /** Bytes of the aggregation packet's header. */
  readonly headerSize: number;
  /** The aggregation packet's header for `nalus`. */
  header(nalus: readonly Buffer[]): Buffer;
}

// Each aggregated NAL unit is preceded by its size, 16 bits (RFC 6184 §5.7.1, RFC 7798 §4.4.2).
const SIZE_BYTES = 2;
const MAX_AGGREGATED_NALU = 0xffff;

/**
 * Splits access units into RTP packets, marker on the last. With `aggregation`, consecutive NAL units that fit
 * together in one packet go as one aggregation packet (SPS and PPS before an IDR, small slices), as gortsplib's
 * encoders do; the others go whole when they fit, else fragmented.
 */
export class NaluPacketizer {
  private readonly seq: RtpSequencer;

  constructor(payloadType: number, private readonly maxPayload: number, private readonly fu: NaluFragmentation, private readonly aggregation?: NaluAggregation) {
    // Fragments carry a 2–3 byte header: a smaller payload would never make progress.
    if (maxPayload < 4) throw new RangeError(`maximum RTP payload of ${maxPayload} bytes is too small`);
    this.seq = new RtpSequencer(payloadType);
  }

  /** Packets of one access unit at `pts` (90 kHz ticks). Empty NAL units are left out: no payload format carries them. */
  packetize(au: readonly Uint8Array[], pts: number): RtpPacket[] {
    const ts = pts >>> 0;
    const out: RtpPacket[] = [];
    let batch: Buffer[] = [];
    // Bytes of `batch` as one aggregation packet; Infinity when its unit is too big to be aggregated.
    let batchBytes = 0;
    for (const n of au) {
      if (n.byteLength === 0) continue;
      const nalu = Buffer.from(n.buffer, n.byteOffset, n.byteLength);
      const bytes = SIZE_BYTES + nalu.length;
      const fits = nalu.length <= MAX_AGGREGATED_NALU && batchBytes + bytes <= this.maxPayload;
      if (this.aggregation && batch.length > 0 && fits) {
        batch.push(nalu);
        batchBytes += bytes;
        continue;
      }
      if (batch.length > 0) this.send(batch, ts, false, out);
      batch = [nalu];
      batchBytes = nalu.length <= MAX_AGGREGATED_NALU ? (this.aggregation?.headerSize ?? 0) + bytes : Infinity;
    }
    if (batch.length > 0) this.send(batch, ts, true, out);
    return out;
  }

  /** Sends NAL units that go together: one alone whole or fragmented, several in one aggregation packet. */
  private send(nalus: Buffer[], ts: number, last: boolean, out: RtpPacket[]): void {
    if (nalus.length > 1) {
      const parts = [this.aggregation!.header(nalus)];
      for (const n of nalus) parts.push(Buffer.from([n.length >> 8, n.length & 0xff]), n);
      out.push(this.seq.next(Buffer.concat(parts), ts, last));
      return;
    }
    const nalu = nalus[0]!;
    if (nalu.length <= this.maxPayload) { out.push(this.seq.next(nalu, ts, last)); return; }
    const step = this.maxPayload - this.fu.header(nalu, true, false).length;
    for (let off = this.fu.naluHeaderSize; off < nalu.length; off += step) {
      const end = Math.min(nalu.length, off + step);
      const header = this.fu.header(nalu, off === this.fu.naluHeaderSize, end === nalu.length);
      out.push(this.seq.next(Buffer.concat([header, nalu.subarray(off, end)]), ts, last && end === nalu.length));
    }
  }
}
