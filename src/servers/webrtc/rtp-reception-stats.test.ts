import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RtpReceptionStats } from './rtp-reception-stats.ts';

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => (from + i) % 0x10000);

// Sequence numbers as they arrive → packets counted as received and lost (RFC 3550 A.1, A.3).
const VECTORS: { name: string; seqs: number[]; received: number; lost: number }[] = [
  { name: 'in order', seqs: range(100, 50), received: 50, lost: 0 },
  { name: 'one gap of 3', seqs: [10, 11, 15, 16], received: 4, lost: 3 },
  { name: 'two gaps', seqs: [1, 3, 4, 8], received: 4, lost: 4 },
  { name: 'wraparound without loss', seqs: range(65530, 12), received: 12, lost: 0 },
  { name: 'gap across the wrap', seqs: [65533, 65534, 1, 2], received: 4, lost: 2 },
  { name: 'gap on the wrap itself', seqs: [65534, 65535, 1], received: 3, lost: 1 },
  { name: 'two wraps', seqs: [...range(60000, 10000), ...range(4464, 65536)].filter((_, i) => i !== 7000), received: 75535, lost: 1 },
  { name: 'late packet fills its gap', seqs: [1, 2, 4, 3, 5], received: 5, lost: 0 },
  { name: 'late packet across the wrap', seqs: [65534, 0, 65535, 1], received: 4, lost: 0 },
  { name: 'duplicate makes up for a loss (never below 0)', seqs: [1, 1, 3], received: 3, lost: 0 },
  { name: 'duplicates alone', seqs: [5, 5, 5], received: 3, lost: 0 },
  { name: 'one stray jump is ignored', seqs: [1, 2, 30000, 3, 4], received: 4, lost: 0 },
  { name: 'a confirmed jump restarts the count, keeping the loss before it', seqs: [1, 2, 4, 30000, 30001, 30003], received: 5, lost: 2 },
  { name: 'a jump just under MAX_DROPOUT is loss', seqs: [0, 2999], received: 2, lost: 2998 },
  { name: 'nothing', seqs: [], received: 0, lost: 0 },
];

describe('RtpReceptionStats (RFC 3550 A.1/A.3 loss from sequence gaps)', () => {
  for (const v of VECTORS) {
    it(v.name, () => {
      const s = new RtpReceptionStats(90000);
      v.seqs.forEach((seq, i) => s.update(seq, i * 3000, i * 33));
      assert.deepEqual({ received: s.received, lost: s.lost }, { received: v.received, lost: v.lost });
    });
  }

  it('jitter is 0 for packets paced exactly by their timestamps and grows with uneven arrival (A.8)', () => {
    const even = new RtpReceptionStats(90000);
    for (let i = 0; i < 50; i++) even.update(i, i * 3000, 1000 + (i * 100) / 3);
    assert.ok(even.jitter < 1e-6, String(even.jitter));
    const uneven = new RtpReceptionStats(90000);
    // Every other packet 10 ms late: |D| = 900 ticks each time, so J tends to 900.
    for (let i = 0; i < 200; i++) uneven.update(i, i * 3000, 1000 + (i * 100) / 3 + (i % 2) * 10);
    assert.ok(Math.abs(uneven.jitter - 900) < 1, String(uneven.jitter));
  });

  it('jitter is unaffected by the RTP timestamp wrapping at 2^32', () => {
    const s = new RtpReceptionStats(48000);
    for (let i = 0; i < 20; i++) s.update(i, (2 ** 32 - 5 * 960 + i * 960) % 2 ** 32, i * 20);
    assert.ok(s.jitter < 1e-6, String(s.jitter));
  });
});
