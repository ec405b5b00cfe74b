import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtpPacket, type Media } from '../../formats/index.ts';
import { buildSenderReport, parseRtcpPackets } from './rtcp-packets.ts';
import { RtcpReceiverReports } from './rtcp-receiver-reports.ts';

const video: Media = { kind: 'video', formats: [{ codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() }] };
const noFormat: Media = { kind: 'application', formats: [] };
const pkt = (seq: number) => buildRtpPacket({ marker: false, payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 42, payload: Buffer.alloc(10) });
const senderReport = buildSenderReport({ ssrc: 42, ntpSeconds: 0xaabbccdd, ntpFraction: 0x11223344, rtpTime: 0, packetCount: 0, octetCount: 0, reports: [] });

/** What was sent, as [media index, RTCP packet types] pairs, for assertions and their messages. */
const summary = (sent: readonly [number, Buffer][]) => sent.map(([i, b]) => [i, parseRtcpPackets(b).map((p) => p.type).join('+')]);

describe('RtcpReceiverReports', () => {
  it('sends a Receiver Report per media every 5 s, fed by RTP and the sender\'s Sender Reports', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const sent: [number, Buffer][] = [];
    const r = new RtcpReceiverReports([video, video], (i, b) => sent.push([i, b]));
    const missing = [65534, 65535, 1].map((seq) => r.onRtp(0, pkt(seq), Date.now()));
    assert.deepEqual(missing, [0, 0, 1], `sequence 0 is missing after the wrap: ${missing.join(',')}`);
    r.onRtcp(0, senderReport, Date.now());
    r.onRtcp(0, Buffer.from('garbage'), Date.now());
    t.mock.timers.tick(4999);
    assert.deepEqual(summary(sent), [], 'nothing before the period is over');
    t.mock.timers.tick(1);
    assert.deepEqual(summary(sent), [[0, 'rr']], 'one report, for the media that received packets');
    const [rr] = parseRtcpPackets(sent[0]![1]);
    assert.ok(rr && rr.type === 'rr', `a receiver report: ${JSON.stringify(rr)}`);
    assert.deepEqual({ ...rr.reports[0], jitter: 0 }, {
      ssrc: 42, fractionLost: 64, totalLost: 1, highestSequence: 0x10001, jitter: 0, lastSenderReport: 0xccdd1122,
      delaySinceLastSenderReport: 5 * 65536,
    }, `the report block (LSR from the SR before the garbage, DLSR 5 s): ${JSON.stringify(rr.reports[0])}`);
    assert.equal(r.packetsLost, 1, `packets lost over all medias: ${r.packetsLost}`);
    t.mock.timers.tick(5000);
    assert.equal(sent.length, 2, `a second report 5 s later: ${JSON.stringify(summary(sent))}`);
    r.close();
    t.mock.timers.tick(5000);
    assert.equal(sent.length, 2, `no report after close: ${JSON.stringify(summary(sent))}`);
  });

  it('takes another period, and leaves out a media without a format (its RTP and RTCP are ignored)', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const sent: [number, Buffer][] = [];
    const r = new RtcpReceiverReports([noFormat, video], (i, b) => sent.push([i, b]), 1000);
    assert.equal(r.onRtp(0, pkt(1), Date.now()), 0, 'no receiver for media 0');
    r.onRtp(0, pkt(5), Date.now());
    r.onRtcp(0, senderReport, Date.now());
    r.onRtp(1, pkt(7), Date.now());
    r.onRtp(1, pkt(7), Date.now()); // a duplicate: not a loss
    t.mock.timers.tick(1000);
    assert.deepEqual(summary(sent), [[1, 'rr']], 'a report for media 1 only, after 1 s');
    assert.equal(r.packetsLost, 0, `no loss counted for the media without a receiver: ${r.packetsLost}`);
    r.close();
  });

  it('ignores a truncated Sender Report: its media keeps flowing', () => {
    const r = new RtcpReceiverReports([video], () => undefined);
    try {
      assert.doesNotThrow(() => r.onRtcp(0, Buffer.from([0x80, 200, 0, 1]), 0), 'a truncated SR is the sender\'s fault, not an error here');
      assert.equal(r.onRtp(0, pkt(3), 0), 0, 'RTP is still recorded');
    } finally {
      r.close();
    }
  });
});
