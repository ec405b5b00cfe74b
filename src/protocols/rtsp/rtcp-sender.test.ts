import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RtcpSender } from './rtcp-sender.ts';
import { parseRtcpPackets } from './rtcp-packets.ts';

const sent = (timestamp: number, bytes = 100) => ({ ssrc: 0x1234, timestamp, payload: Buffer.alloc(bytes) });

describe('RtcpSender', () => {
  it('has nothing to report before the first packet', () => {
    const s = new RtcpSender(90000);
    assert.equal(s.hasSent, false);
    assert.equal(s.senderReport(1000), undefined);
    assert.equal(s.bye(), undefined);
  });

  it('reports counts, the NTP time of now and the RTP time advanced since the last packet', () => {
    const s = new RtcpSender(90000);
    s.onPacketSent(sent(1000, 100), 10_000);
    s.onPacketSent(sent(4000, 50), 10_500);
    assert.deepEqual(s.stats, { ssrc: 0x1234, packetsSent: 2, octetsSent: 150 });
    const [sr] = parseRtcpPackets(s.senderReport(11_250)!);
    // 750 ms after the last packet: 4000 + 0.75 × 90000.
    assert.deepEqual(sr, {
      type: 'sr', ssrc: 0x1234, ntpSeconds: 2208988811, ntpFraction: 0x40000000, rtpTime: 4000 + 67500,
      packetCount: 2, octetCount: 150, reports: [],
    });
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
