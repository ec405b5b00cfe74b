import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtpPacket, type Media } from '../../formats/index.ts';
import { RtcpRecordReporter } from './rtcp-record-reporter.ts';

const media: Media = { kind: 'video', formats: [{ codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() }] };
const pkt = (seq: number) => buildRtpPacket({ marker: false, payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 42, payload: Buffer.alloc(10) });

describe('RtcpRecordReporter', () => {
  it('counts lost packets across the 16-bit sequence wrap', () => {
    const r = new RtcpRecordReporter([media], () => {});
    for (const seq of [65533, 65534, 0, 1, 4, 5]) r.onRtp(0, pkt(seq), 0);
    assert.equal(r.packetsLost, 3); // 65535, 2 and 3 never came
    r.close();
  });

  it('builds a Receiver Report with extended sequence number, loss and LSR', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const sent: Buffer[] = [];
    const r = new RtcpRecordReporter([media], (_i, b) => sent.push(b));
    for (const seq of [65534, 65535, 1]) r.onRtp(0, pkt(seq), Date.now());
    const sr = Buffer.alloc(28);
    sr[0] = 0x80; sr[1] = 200; sr.writeUInt32BE(0xaabbccdd, 8); sr.writeUInt32BE(0x11223344, 12);
    r.onRtcp(0, sr, Date.now());
    t.mock.timers.tick(5000);
    assert.equal(sent.length, 1);
    const rr = sent[0]!;
    assert.equal(rr[1], 201);
    assert.equal(rr.readUInt32BE(8), 42);
    assert.equal(rr.readUInt32BE(12) & 0xffffff, 1); // cumulative lost: seq 0
    assert.equal(rr.readUInt32BE(16), 0x10000 + 1); // one cycle + highest seq 1
    assert.equal(rr.readUInt32BE(24), 0xccdd1122); // middle 32 bits of the SR's NTP time
    r.close();
  });
});
