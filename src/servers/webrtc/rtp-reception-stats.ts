// RFC 3550 appendix A.1: a jump of fewer than MAX_DROPOUT numbers ahead is a gap (packets lost), one of fewer than
// MAX_MISORDER behind is a late or duplicate packet; anything else is a jump the source must confirm with the next
// packet (a restarted sender) before the counting restarts from it.
const SEQ_MOD = 0x10000;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

/**
 * Reception statistics of one RTP source (one SSRC): packets received, packets lost from the gaps in the extended
 * sequence numbers (RFC 3550 A.1 and A.3: expected − received, never below 0) and interarrival jitter (A.8), in
 * RTP timestamp units as a receiver report carries it.
 */
export class RtpReceptionStats {
  private started = false;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = SEQ_MOD + 1;
  private receivedNow = 0;
  // Totals of the runs before the last restart of the sequence, so the counts stay cumulative.
  private receivedBefore = 0;
  private lostBefore = 0;
  private lastTransit: number | undefined;
  private jitter_ = 0;

  /** `clockRate`: ticks per second of the source's RTP timestamps, for the jitter. */
  constructor(private readonly clockRate: number) {}

  /** Packets received and counted (duplicates included, as RFC 3550 counts them). */
  get received(): number { return this.receivedBefore + this.receivedNow; }

  /** Packets missing from the sequence so far (late arrivals fill their gap back). */
  get lost(): number { return this.lostBefore + this.lostNow(); }

  /** Interarrival jitter, RTP timestamp units. */
  get jitter(): number { return this.jitter_; }

  /** Counts a packet with sequence number `seq` and timestamp `timestamp` that arrived at `arrivalMs`. */
  update(seq: number, timestamp: number, arrivalMs: number): void {
    if (!this.started) {
      this.started = true;
      this.restart(seq);
    } else {
      const delta = (seq - this.maxSeq + SEQ_MOD) % SEQ_MOD;
      if (delta < MAX_DROPOUT) {
        if (seq < this.maxSeq) this.cycles += SEQ_MOD; // wrapped past 65535
        this.maxSeq = seq;
      } else if (delta <= SEQ_MOD - MAX_MISORDER) {
        if (seq !== this.badSeq) {
          // A big jump, once: kept out until the next packet confirms it (it could be a stray packet).
          this.badSeq = (seq + 1) % SEQ_MOD;
          return;
        }
        this.receivedBefore += this.receivedNow;
        this.lostBefore += this.lostNow();
        this.restart(seq);
        this.lastTransit = undefined;
      }
      // else: late or duplicate, within MAX_MISORDER behind; counted as received, filling its gap.
    }
    this.receivedNow++;
    this.updateJitter(timestamp, arrivalMs);
  }

  private lostNow(): number {
    if (!this.started) return 0;
    const expected = this.cycles + this.maxSeq - this.baseSeq + 1;
    return Math.max(0, expected - this.receivedNow);
  }

  private restart(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.cycles = 0;
    this.badSeq = SEQ_MOD + 1;
    this.receivedNow = 0;
  }

  // RFC 3550 A.8: J += (|D| − J) / 16, D the change of transit time (arrival in RTP units − RTP timestamp).
  private updateJitter(timestamp: number, arrivalMs: number): void {
    const transit = (arrivalMs * this.clockRate) / 1000 - timestamp;
    if (this.lastTransit !== undefined) {
      let d = Math.abs(transit - this.lastTransit);
      // RTP timestamps wrap at 2^32: a difference across the wrap is the short way round.
      if (d > 2 ** 31) d = Math.abs(d - 2 ** 32);
      this.jitter_ += (d - this.jitter_) / 16;
    }
    this.lastTransit = transit;
  }
}
