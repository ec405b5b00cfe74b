import type { RtpPacket } from './rtp-packet.ts';
import { TimestampUnwrapper } from './rtp-sequencer.ts';

/** An access unit of NAL units (H264/H265) reassembled from RTP. */
export interface NaluAccessUnit { readonly pts: number; readonly nalus: Buffer[]; readonly randomAccess: boolean }

/**
 * What H264 and H265 depacketizers share: access units end at the marker or at a timestamp change, a sequence gap
 * drops a fragmented NAL unit in progress, and NAL count and bytes (fragments included, as they grow) are bounded.
 */
export class NaluAuAssembler {
  private nalus: Buffer[] = [];
  private bytes = 0;
  private fragments: Buffer[] | undefined;
  private fragmentBytes = 0;
  private lastSeq: number | undefined;
  private curTs: number | undefined;
  private readonly unwrapper = new TimestampUnwrapper();

  constructor(private readonly o: { maxNalus: number; maxBytes: number; isRandomAccess: (au: readonly Buffer[]) => boolean; error: (msg: string) => Error }) {}

  /** Opens a packet; returns the access unit its new timestamp completes, if any. */
  begin(p: RtpPacket): NaluAccessUnit[] {
    if (this.lastSeq !== undefined && p.sequenceNumber !== ((this.lastSeq + 1) & 0xffff)) this.fragments = undefined;
    this.lastSeq = p.sequenceNumber;
    const out = this.curTs !== undefined && p.timestamp !== this.curTs && this.nalus.length > 0 ? [this.flush()] : [];
    this.curTs = p.timestamp;
    return out;
  }

  /** Closes a packet; returns the access unit its marker completes, if any. */
  end(p: RtpPacket): NaluAccessUnit[] { return p.marker && this.nalus.length > 0 ? [this.flush()] : []; }

  /** Adds a whole NAL unit. */
  add(nalu: Buffer): void {
    this.bytes += nalu.length;
    if (this.nalus.length >= this.o.maxNalus || this.bytes > this.o.maxBytes) {
      this.nalus = []; this.bytes = 0;
      throw this.o.error('access unit exceeds the size limits');
    }
    this.nalus.push(nalu);
  }

  /** Starts a fragmented NAL unit with its rebuilt header. */
  startFragment(header: Buffer): void { this.fragments = [header]; this.fragmentBytes = header.length; }

  /** Adds a fragment (ignored when its start was lost); `last` completes the NAL unit. */
  addFragment(data: Buffer, last: boolean): void {
    if (!this.fragments) return;
    this.fragmentBytes += data.length;
    if (this.bytes + this.fragmentBytes > this.o.maxBytes) {
      this.fragments = undefined;
      throw this.o.error('fragmented NAL unit exceeds the size limits');
    }
    this.fragments.push(data);
    if (!last) return;
    const nalu = Buffer.concat(this.fragments);
    this.fragments = undefined;
    this.add(nalu);
  }

  private flush(): NaluAccessUnit {
    const nalus = this.nalus;
    this.nalus = [];
    this.bytes = 0;
    return { pts: this.unwrapper.unwrap(this.curTs ?? 0), nalus, randomAccess: this.o.isRandomAccess(nalus) };
  }
}
