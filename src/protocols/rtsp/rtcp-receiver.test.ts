import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RtcpReceiver } from './rtcp-receiver.ts';
import { parseRtcpPackets, type RtcpReportBlock } from './rtcp-packets.ts';

const rtp = (sequenceNumber: number, timestamp = sequenceNumber * 3000, ssrc = 42) => ({ ssrc, sequenceNumber, timestamp });

function block(r: RtcpReceiver, nowMs: number): RtcpReportBlock {
  const [rr] = parseRtcpPackets(r.receiverReport(nowMs)!);
  assert.ok(rr && rr.type === 'rr');
  assert.equal(rr.ssrc, 7);
  assert.equal(rr.reports.length, 1);
  return rr.reports[0]!;
}

describe('RtcpReceiver', () => {
  it('has nothing to report before the first packet', () => {
    assert.equal(new RtcpReceiver({ clockRate: 90000, localSsrc: 7 }).receiverReport(0), undefined);
  });

  it('counts lost packets across the 16-bit sequence wrap', () => {
    const r = new RtcpReceiver({ clockRate: 90000, localSsrc: 7 });
    const missing = [65533, 65534, 0, 1, 4, 5].map((seq) => r.onRtp(rtp(seq), 0));
    assert.deepEqual(missing, [0, 0, 1, 0, 2, 0]); // 65535, 2 and 3 never came
    assert.equal(r.packetsLost, 3);
    const b = block(r, 0);
    assert.equal(b.highestSequence, 0x10000 + 5);
    assert.equal(b.totalLost, 3);
    assert.equal(b.fractionLost, Math.floor((3 * 256) / 9));
  });

  it('ignores late and duplicated packets for the highest sequence number', () => {
    const r = new RtcpReceiver({ clockRate: 90000, localSsrc: 7 });
    for (const seq of [10, 12, 11, 12]) r.onRtp(rtp(seq), 0);
    const b = block(r, 0);
    assert.equal(b.highestSequence, 12);
    assert.equal(b.totalLost, 0); // 4 received for 3 expected: never negative
  });

  it('computes the loss fraction per report interval', () => {
    const r = new RtcpReceiver({ clockRate: 90000, localSsrc: 7 });
    for (const seq of [1, 2, 3, 4]) r.onRtp(rtp(seq), 0);
    assert.equal(block(r, 0).fractionLost, 0);
    for (const seq of [6, 8]) r.onRtp(rtp(seq), 0); // 5 and 7 lost: 2 of 4
    const b = block(r, 0);
    assert.equal(b.fractionLost, 128);
    assert.equal(b.totalLost, 2);
  });

  it('has no jitter when packets arrive exactly on their timestamps, and some when they do not', () => {
    const steady = new RtcpReceiver({ clockRate: 90000, localSsrc: 7 });
    for (let i = 0; i < 10; i++) steady.onRtp(rtp(i, i * 3000), i * (1000 / 30));
    assert.equal(block(steady, 0).jitter, 0);
    const bursty = new RtcpReceiver({ clockRate: 90000, localSsrc: 7 });
    for (let i = 0; i < 10; i++) bursty.onRtp(rtp(i, i * 3000), i % 2 === 0 ? i * 33 : i * 33 + 20);
    assert.ok(block(bursty, 0).jitter > 0);
  });

  it('starts over when the source changes its SSRC', () => {
    const r = new RtcpReceiver({ clockRate: 90000, localSsrc: 7 });
    for (const seq of [1, 5]) r.onRtp(rtp(seq), 0);
    r.onRtp(rtp(100, 0, 99), 0);
    const b = block(r, 0);
    assert.equal(b.ssrc, 99);
    assert.equal(b.highestSequence, 100);
    assert.equal(b.totalLost, 0);
  });

  it('echoes the last Sender Report as LSR with the delay since it (DLSR)', () => {
    const r = new RtcpReceiver({ clockRate: 90000, localSsrc: 7 });
    r.onRtp(rtp(1), 1000);
    assert.deepEqual([block(r, 1000).lastSenderReport, block(r, 1000).delaySinceLastSenderReport], [0, 0]);
    r.onSenderReport({ ntpSeconds: 0xaabbccdd, ntpFraction: 0x11223344 }, 2000);
    const b = block(r, 3500);
    assert.equal(b.lastSenderReport, 0xccdd1122);
    assert.equal(b.delaySinceLastSenderReport, 1.5 * 65536);
  });
});
