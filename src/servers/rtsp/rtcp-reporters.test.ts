import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtpPacket, type Media } from '../../formats/index.ts';
import { buildSenderReport, parseRtcpPackets } from '../../protocols/rtsp/index.ts';
import { RtcpRecordReporter } from './rtcp-record-reporter.ts';
import { RtcpPlayReporter } from './rtcp-play-reporter.ts';

const video: Media = { kind: 'video', formats: [{ codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() }] };
const pkt = (seq: number) => buildRtpPacket({ marker: false, payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 42, payload: Buffer.alloc(10) });

describe('RtcpRecordReporter', () => {
  it('sends a Receiver Report per media every 5 s, fed by RTP and the publisher\'s Sender Reports', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const sent: [number, Buffer][] = [];
    const r = new RtcpRecordReporter([video, video], (i, b) => sent.push([i, b]));
    for (const seq of [65534, 65535, 1]) r.onRtp(0, pkt(seq), Date.now());
    const sr = buildSenderReport({ ssrc: 42, ntpSeconds: 0xaabbccdd, ntpFraction: 0x11223344, rtpTime: 0, packetCount: 0, octetCount: 0, reports: [] });
    r.onRtcp(0, sr, Date.now());
    r.onRtcp(0, Buffer.from('garbage'), Date.now()); // ignored
    t.mock.timers.tick(5000);
    assert.equal(sent.length, 1, 'nothing for the media that received nothing');
    const [rr] = parseRtcpPackets(sent[0]![1]);
    assert.ok(rr && rr.type === 'rr');
    assert.equal(sent[0]![0], 0);
    assert.deepEqual({ ...rr.reports[0], jitter: 0 }, {
      ssrc: 42, fractionLost: 64, totalLost: 1, highestSequence: 0x10001, jitter: 0, lastSenderReport: 0xccdd1122,
      delaySinceLastSenderReport: 5 * 65536,
    });
    assert.equal(r.packetsLost, 1);
    r.close();
    t.mock.timers.tick(5000);
    assert.equal(sent.length, 1, 'no report after close');
  });
});

describe('RtcpPlayReporter', () => {
  it('sends a Sender Report every 5 s once packets went out, and a BYE on close when asked', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const sent: [number, Buffer][] = [];
    const r = new RtcpPlayReporter([video, video], (i, b) => sent.push([i, b]));
    r.onPacketSent(1, pkt(7));
    t.mock.timers.tick(5000);
    assert.deepEqual(sent.map(([i, b]) => [i, parseRtcpPackets(b)[0]!.type]), [[1, 'sr']]);
    r.close(true);
    assert.deepEqual(sent.slice(1).map(([i, b]) => [i, parseRtcpPackets(b)[0]]), [[1, { type: 'bye', ssrcs: [42] }]]);
    t.mock.timers.tick(5000);
    assert.equal(sent.length, 2, 'no report after close');
  });
});
