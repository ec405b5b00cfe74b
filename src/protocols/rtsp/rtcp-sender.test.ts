import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RtcpMapping, RtcpSender } from './rtcp-sender.ts';
import { parseRtcpPackets } from './rtcp-packets.ts';

const sent = (timestamp: number, bytes = 100) => ({ ssrc: 0x1234, timestamp, payload: Buffer.alloc(bytes) });
const rtpTimeAt = (s: RtcpSender, nowMs: number): number => {
  const [sr] = parseRtcpPackets(s.senderReport(nowMs)!);
  return sr!.type === 'sr' ? sr.rtpTime : NaN;
};

describe('RtcpSender', () => {
  it('has nothing to report before the first packet', () => {
    const s = new RtcpSender(90000);
    assert.equal(s.hasSent, false);
    assert.equal(s.senderReport(1000), undefined);
    assert.equal(s.bye(), undefined);
  });

  it('reports counts, the NTP time of now and the RTP time the first packet\'s mapping gives it', () => {
    const s = new RtcpSender(90000);
    s.onPacketSent(sent(1000, 100), 10_000);
    // Sent 500 ms later but 33 ms of RTP time later: it agrees with the mapping well enough not to move it.
    s.onPacketSent(sent(4000, 50), 10_500);
    assert.deepEqual(s.stats, { ssrc: 0x1234, packetsSent: 2, octetsSent: 150 });
    const [sr] = parseRtcpPackets(s.senderReport(11_250)!);
    // 1250 ms after the first packet: 1000 + 1.25 × 90000.
    assert.deepEqual(sr, {
      type: 'sr', ssrc: 0x1234, ntpSeconds: 2208988811, ntpFraction: 0x40000000, rtpTime: 1000 + 112500,
      packetCount: 2, octetCount: 150, reports: [],
    });
  });

  it('maps RTP time by the units\' times, not by when the packets are sent', () => {
    const s = new RtcpSender(48000);
    // A unit captured at 10 000 ms, sent 300 ms before (a publisher's audio ahead of its video).
    s.onPacketSent(sent(48000), 9_700, 10_000);
    assert.equal(rtpTimeAt(s, 11_000), 48000 + 48000);
  });

  it('keeps its mapping through the jitter of the units\' times, and moves it for a clock that runs fast or a jump', () => {
    const s = new RtcpSender(48000);
    s.onPacketSent(sent(0), 0, 1000);
    // 150 ms early, then 2 s late: jitter, nothing moves.
    s.onPacketSent(sent(48000), 0, 1850);
    s.onPacketSent(sent(96000), 0, 5000);
    assert.equal(rtpTimeAt(s, 3000), 96000);
    // 250 ms early: the mapping moves by what is beyond the 200 ms allowed.
    s.onPacketSent(sent(144000), 0, 3750);
    assert.equal(rtpTimeAt(s, 3000), 96000 + 50 * 48);
    // 10 s late (the timestamps jumped back): the mapping starts over from the packet.
    s.onPacketSent(sent(0), 0, 20_000);
    assert.equal(rtpTimeAt(s, 21_000), 48000);
  });

  it('does not move its mapping for packets that are not anchors, except the first', () => {
    const s = new RtcpSender(90000);
    s.onPacketSent(sent(9000), 0, 1000, false);
    s.onPacketSent(sent(0), 0, 5000, false);
    assert.equal(rtpTimeAt(s, 2000), 9000 + 90000);
  });

  it('wraps the RTP time at 32 bits', () => {
    const s = new RtcpSender(48000);
    s.onPacketSent(sent(0xffffff00), 0);
    const [sr] = parseRtcpPackets(s.senderReport(1000)!);
    assert.equal(sr!.type === 'sr' && sr.rtpTime, (0xffffff00 + 48000) >>> 0);
  });

  it('says goodbye for the source it sent', () => {
    const s = new RtcpSender(90000);
    s.onPacketSent(sent(0), 0);
    assert.equal(s.bye()!.toString('hex'), '81cb000100001234');
  });
});

describe('RtcpMapping shared by senders', () => {
  // Audio units timed by their arrival: offsets (arrival − RTP time) jitter by tens of ms.
  const clock = 48000;
  const units = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => ({ rtp: k * 1024, ntpMs: 100_000 + (k * 1024 * 1000) / clock + [80, 40, 95, 60, 30, 110, 70, 50][k]! }));

  it('gives a sender that starts later the reports of the one before it, where its own mapping would differ', () => {
    const shared = new RtcpMapping(clock);
    const early = new RtcpSender(clock, shared);
    const late = new RtcpSender(clock, shared);
    const alone = new RtcpSender(clock);
    units.forEach((u, k) => {
      early.onPacketSent(sent(u.rtp), u.ntpMs, u.ntpMs);
      if (k >= 4) { late.onPacketSent(sent(u.rtp), u.ntpMs, u.ntpMs); alone.onPacketSent(sent(u.rtp), u.ntpMs, u.ntpMs); }
    });
    const now = 101_000;
    assert.equal(rtpTimeAt(late, now), rtpTimeAt(early, now));
    // Without the shared mapping the later sender anchors on its own first packet (30 ms early rather than 80).
    assert.notEqual(rtpTimeAt(alone, now), rtpTimeAt(early, now));
  });

  it('keeps each sender\'s own counts, SSRC and BYE', () => {
    const shared = new RtcpMapping(clock);
    const a = new RtcpSender(clock, shared);
    const b = new RtcpSender(clock, shared);
    a.onPacketSent(sent(0, 10), 1000);
    assert.equal(b.hasSent, false);
    assert.equal(b.senderReport(2000), undefined, 'a sender that sent nothing reports nothing');
    assert.equal(b.bye(), undefined);
    b.onPacketSent({ ssrc: 0x99, timestamp: 48, payload: Buffer.alloc(7) }, 1001);
    assert.deepEqual(a.stats, { ssrc: 0x1234, packetsSent: 1, octetsSent: 10 });
    assert.deepEqual(b.stats, { ssrc: 0x99, packetsSent: 1, octetsSent: 7 });
    assert.equal(rtpTimeAt(a, 2000), rtpTimeAt(b, 2000));
  });
});
