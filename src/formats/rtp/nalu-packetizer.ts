import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer } from './rtp-sequencer.ts';

/** How a NAL-unit payload format fragments: bytes of NAL header replaced, and the header of each fragment. */
export interface NaluFragmentation {
  /** Bytes of the NAL unit header that the fragment headers carry instead (1 for H264, 2 for H265). */
  readonly naluHeaderSize: number;
  /** Fragment header of `nalu`'s fragment (`first`/`last` set the S/E bits). */
  header(nalu: Buffer, first: boolean, last: boolean): Buffer;
}

/** Splits access units into RTP packets: each NAL unit whole when it fits, else fragmented; marker on the last. */
export class NaluPacketizer {
  private readonly seq: RtpSequencer;

  constructor(payloadType: number, private readonly maxPayload: number, private readonly fu: NaluFragmentation) {
    // Fragments carry a 2–3 byte header: a smaller payload would never make progress.
    if (maxPayload < 4) throw new RangeError(`maximum RTP payload of ${maxPayload} bytes is too small`);
    this.seq = new RtpSequencer(payloadType);
  }

  /** Packets of one access unit at `pts` (90 kHz ticks). */
  packetize(au: readonly Uint8Array[], pts: number): RtpPacket[] {
    const ts = pts >>> 0;
    const out: RtpPacket[] = [];
    au.forEach((n, i) => {
      const last = i === au.length - 1;
      const nalu = Buffer.from(n.buffer, n.byteOffset, n.byteLength);
      if (nalu.length <= this.maxPayload) { out.push(this.seq.next(nalu, ts, last)); return; }
      const step = this.maxPayload - this.fu.header(nalu, true, false).length;
      for (let off = this.fu.naluHeaderSize; off < nalu.length; off += step) {
        const end = Math.min(nalu.length, off + step);
        const header = this.fu.header(nalu, off === this.fu.naluHeaderSize, end === nalu.length);
        out.push(this.seq.next(Buffer.concat([header, nalu.subarray(off, end)]), ts, last && end === nalu.length));
      }
    });
    return out;
  }
}
