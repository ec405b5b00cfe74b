import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtpPacket, type Media } from '../../formats/index.ts';
import { parseRtcpPackets } from '../../protocols/rtsp/index.ts';
import { RtcpPlayReporter } from './rtcp-play-reporter.ts';

const video: Media = { kind: 'video', formats: [{ codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() }] };
const audio: Media = { kind: 'audio', formats: [{ codec: 'mpeg4Audio', payloadType: 97, encoding: 'MPEG4-GENERIC', clockRate: 48000, params: new Map() }] };
const pkt = (seq: number) => buildRtpPacket({ marker: false, payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 42, payload: Buffer.alloc(10) });

describe('RtcpPlayReporter', () => {
  it('sends a Sender Report every 5 s once packets went out, and a BYE on close when asked', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const sent: [number, Buffer][] = [];
    const r = new RtcpPlayReporter([video, video], (i, b) => sent.push([i, b]));
    t.mock.timers.tick(5000);
    assert.equal(sent.length, 0, 'nothing to report before a packet');
    r.onPacketSent(1, pkt(7));
    t.mock.timers.tick(5000);
    assert.deepEqual(sent.map(([i, b]) => [i, parseRtcpPackets(b)[0]!.type]), [[1, 'sr'], [1, 'sr']]);
    r.close(true);
    assert.deepEqual(sent.slice(2).map(([i, b]) => [i, parseRtcpPackets(b)[0]]), [[1, { type: 'bye', ssrcs: [42] }]]);
    t.mock.timers.tick(5000);
    assert.equal(sent.length, 3, 'no report after close');
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
    send(125); // 5 s: the second report (the first went with frame 0) comes after frame 124, a P-frame sent 4 frames before its PTS
    send(125); // 5 s more: the third after frame 249, a B-frame sent 1 frame before its PTS
    r.close(false);
    const mapping = reports.map((buf) => {
      const sr = parseRtcpPackets(buf)[0]!;
      assert.equal(sr.type, 'sr');
      if (sr.type !== 'sr') return 0;
      // RTP time minus NTP time in 90 kHz ticks: the same for every report when they agree with each other.
      const ntpTicks = Math.round((sr.ntpSeconds + sr.ntpFraction / 2 ** 32) * 90000);
      return (sr.rtpTime - ntpTicks) % 2 ** 32;
    });
    assert.equal(mapping.length, 3);
    assert.ok(mapping.every((m) => Math.abs(m - mapping[0]!) <= 2), `the reports map RTP to NTP time the same way (${mapping.join(' vs ')} ticks)`);
  });
  it('sends a Sender Report before the first packet of each media, so that a receiver never has to time packets without one', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const sent: [number, string][] = [];
    const r = new RtcpPlayReporter([video, audio], (i, b) => sent.push([i, parseRtcpPackets(b)[0]!.type]));
    r.onPacketSent(0, pkt(1));
    assert.deepEqual(sent, [[0, 'sr']], 'at the first video packet');
    r.onPacketSent(0, pkt(2));
    r.onPacketSent(1, pkt(3));
    r.onPacketSent(1, pkt(4));
    assert.deepEqual(sent, [[0, 'sr'], [1, 'sr']], 'once per media');
    r.close(false);
  });
  it('counts a unit\'s packets as one call per packet would, with the first report before them', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 });
    const one: Buffer[] = [];
    const many: Buffer[] = [];
    const a = new RtcpPlayReporter([video], (_i, b) => one.push(b));
    const b = new RtcpPlayReporter([video], (_i, buf) => many.push(buf));
    const frame = [pkt(1), pkt(2), pkt(3)];
    for (const p of frame) a.onPacketSent(0, p, new Date(999_000));
    b.onPacketsSent(0, frame, new Date(999_000));
    assert.equal(many.length, 1, 'one report, before the first packet');
    const first = parseRtcpPackets(many[0]!)[0]!;
    assert.equal(first.type, 'sr');
    assert.deepEqual(first, parseRtcpPackets(one[0]!)[0], 'the same report as packet by packet: made after the first packet');
    t.mock.timers.tick(5000);
    assert.deepEqual(parseRtcpPackets(many[1]!), parseRtcpPackets(one[1]!), 'the same counts and mapping afterwards');
    a.close(false);
    b.close(false);
  });
  it('maps RTP to NTP time by the units\' own times, the same for every track, whenever their packets are sent', (t) => {
    const T0 = 1_700_000_000_000;
    t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: T0 });
    const reports: [number, Buffer][] = [];
    const r = new RtcpPlayReporter([video, audio], (i, buf) => reports.push([i, buf]));
    const clockRates = [90000, 48000];
    const bases = [123_456, 4_000_000_000]; // RTP time of capture time T0 per track (the audio's wraps at 32 bits)
    // 6 s of one stream: video at 25 fps, audio in 7-frame packets (149 ms). Every unit is timed by its capture:
    // ntp = T0 + pts / clock rate. The packets go out at other times: audio as much as 300 ms ahead of its capture,
    // by a varying amount, video 40 ms after it (as a publisher's interleaving and a reader's queue make them).
    const out: { at: number; i: number; ts: number; ntp: number }[] = [];
    for (let f = 0; f * 40 < 6000; f++) out.push({ at: T0 + f * 40 + 40, i: 0, ts: bases[0]! + f * 3600, ntp: T0 + f * 40 });
    for (let k = 0; k * 7168 < 6 * 48000; k++) {
      const ms = (k * 7168) / 48;
      out.push({ at: T0 + ms - 300 + (k % 5) * 20, i: 1, ts: (bases[1]! + k * 7168) >>> 0, ntp: T0 + ms });
    }
    out.sort((a, b) => a.at - b.at);
    for (const o of out) {
      if (o.at > Date.now()) t.mock.timers.tick(o.at - Date.now());
      const payload = o.i === 0 ? Buffer.from([0x65, 0x88]) : Buffer.from([0x00, 0x10]);
      r.onPacketSent(o.i, buildRtpPacket({ marker: true, payloadType: 96 + o.i, sequenceNumber: 0, timestamp: o.ts, ssrc: 42 + o.i, payload }), new Date(o.ntp));
    }
    r.close(false);
    assert.ok(reports.length >= 2, 'reports for both tracks');
    for (const [i, buf] of reports) {
      const sr = parseRtcpPackets(buf)[0]!;
      assert.equal(sr.type, 'sr');
      if (sr.type !== 'sr') continue;
      const ntpMs = (sr.ntpSeconds - 2208988800) * 1000 + (sr.ntpFraction / 2 ** 32) * 1000;
      // The capture time of the report's RTP time, by the units' own mapping.
      const capturedMs = T0 + (((sr.rtpTime - bases[i]!) | 0) * 1000) / clockRates[i]!;
      assert.ok(Math.abs(ntpMs - capturedMs) <= 1, `track ${i}: the report maps RTP time ${sr.rtpTime} to ${ntpMs.toFixed(1)}, its units to ${capturedMs.toFixed(1)}`);
    }
  });
});

