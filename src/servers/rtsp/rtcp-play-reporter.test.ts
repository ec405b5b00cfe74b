import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtpPacket, type Media } from '../../formats/index.ts';
import { parseRtcpPackets } from '../../protocols/rtsp/index.ts';
import { RtcpPlayReporter } from './rtcp-play-reporter.ts';

const video: Media = { kind: 'video', formats: [{ codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() }] };
const pkt = (seq: number) => buildRtpPacket({ marker: false, payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 42, payload: Buffer.alloc(10) });

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
