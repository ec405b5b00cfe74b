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

  it('anchors H264 reports on key frames only, so B-frames sent in between do not move the RTP↔NTP mapping', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 });
    const reports: Buffer[] = [];
    const r = new RtcpPlayReporter([video], (_i, buf) => reports.push(buf));
    // I P B B P B B … sent every 40 ms (25 fps, decode order); their RTP times are their PTS: the key frame and the
    // P-frames two frames later than sent, the B-frames one frame earlier than the P-frame before them.
    const ptsOffsetFrames = [2, 4, 1, 2, 4, 1, 2];
    let frame = 0;
    const send = (count: number): void => {
      for (let k = 0; k < count; k++, frame++) {
        const inGop = frame % 30; // a key frame every 30 frames: the reports (every 125 frames) fall on other kinds
        const offset = inGop === 0 ? 2 : ptsOffsetFrames[inGop % ptsOffsetFrames.length]!;
        const payload = inGop === 0 ? Buffer.from([0x65, 0x88]) : Buffer.from([0x41, 0x9a]);
        r.onPacketSent(0, buildRtpPacket({ marker: true, payloadType: 96, sequenceNumber: frame, timestamp: (frame + offset) * 3600, ssrc: 42, payload }));
        t.mock.timers.tick(40);
      }
    };
    send(125); // 5 s: the first report comes after frame 124, a P-frame sent 4 frames before its PTS
    send(125); // 5 s more: the second after frame 249, a B-frame sent 1 frame before its PTS
    r.close(false);
    const mapping = reports.map((buf) => {
      const sr = parseRtcpPackets(buf)[0]!;
      assert.equal(sr.type, 'sr');
      if (sr.type !== 'sr') return 0;
      // RTP time minus NTP time in 90 kHz ticks: the same for every report when they agree with each other.
      const ntpTicks = Math.round((sr.ntpSeconds + sr.ntpFraction / 2 ** 32) * 90000);
      return (sr.rtpTime - ntpTicks) % 2 ** 32;
    });
    assert.equal(mapping.length, 2);
    assert.ok(Math.abs(mapping[1]! - mapping[0]!) <= 2, `the reports map RTP to NTP time the same way (${mapping.join(' vs ')} ticks)`);
  });
});

