import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GenericNack, MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtcpReceiverInfo, RtcpRrPacket, RtcpTransportLayerFeedback,
  RtpHeader, RtpPacket, type RtcpPacket,
} from 'werift';
import { buildRtpPacket, h264Format } from '../../formats/index.ts';
import { negotiateWhep, negotiateWhip } from '../../protocols/webrtc/index.ts';
import { WeriftPeer } from './werift-peer.ts';
import { reportedLost } from './werift-peer-stats.ts';
import type { PeerState, WebRtcPeerStats } from './webrtc-peer.ts';

const SPS = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xd9]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
const IDR = Buffer.from([0x65, 0x88, 0x84, 0x00, 0x33]);

describe('reportedLost (cumulative number lost of an RTCP report block, 24-bit signed)', () => {
  const VECTORS: [field: number, lost: number][] = [[0, 0], [5, 5], [0x7fffff, 0x7fffff], [0xffffff, 0], [0x800000, 0]];
  for (const [field, lost] of VECTORS) it(`0x${field.toString(16)} → ${lost}`, () => assert.equal(reportedLost(field), lost));
});

function client(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'],
    codecs: { video: [new RTCRtpCodecParameters({
      mimeType: 'video/H264', clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
      parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
    })] },
  });
}

async function until(what: string, ok: () => boolean, act?: () => void): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > 8000) assert.fail(`timed out waiting for ${what}`);
    act?.();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A FIR (RFC 5104 §4.3.1) for `ssrc`, serialized by hand: werift's ESM bundle does not export its FIR class. */
function fir(ssrc: number): RtcpPacket {
  const b = Buffer.alloc(20);
  b.writeUInt8(0x84, 0); b.writeUInt8(206, 1); b.writeUInt16BE(4, 2);
  b.writeUInt32BE(1, 4); b.writeUInt32BE(0, 8); b.writeUInt32BE(ssrc, 12); b.writeUInt8(1, 16);
  return { serialize: () => b } as unknown as RtcpPacket;
}

describe('WeriftPeer counts (werift on both sides, in process)', () => {
  it('a sending peer counts RTP sent, the NACKs, PLIs, FIRs and receiver reports of the viewer, and the retransmissions', async () => {
    const viewer = client();
    const tr = viewer.addTransceiver('video', { direction: 'recvonly' });
    await viewer.setLocalDescription(await viewer.createOffer());
    const negotiation = negotiateWhep(viewer.localDescription!.sdp, { medias: [{ kind: 'video', formats: [h264Format(96, SPS, PPS)] }] });
    let state: PeerState = 'new';
    let keyframeRequests = 0;
    const peer = new WeriftPeer({
      role: 'send', negotiation, iceServers: [], nat1To1Ips: [], onState: (s) => { state = s; }, onKeyframeRequest: () => { keyframeRequests++; },
    });
    const seqs: number[] = [];
    let ssrc = 0;
    tr.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((rtp) => { ssrc = rtp.header.ssrc; seqs.push(rtp.header.sequenceNumber); }));
    try {
      await viewer.setRemoteDescription({ type: 'answer', sdp: await peer.answer(negotiation.restrictedOffer) });
      await until('the peer to connect', () => state === 'connected');
      await new Promise((r) => setTimeout(r, 200)); // DTLS-SRTP keys on the viewer's side
      for (let i = 0; i < 30; i++) peer.sendRtp(0, buildRtpPacket({ marker: true, payloadType: 96, sequenceNumber: 0, timestamp: i * 3000, ssrc: 0, payload: IDR }));
      await until('the viewer to receive the packets', () => seqs.length === 30);
      const stats = (): WebRtcPeerStats => peer.stats();
      assert.equal(stats().rtpPacketsSent, 30);
      const dtls = viewer.dtlsTransports[0]!;
      await dtls.sendRtcp([new RtcpTransportLayerFeedback({ feedback: new GenericNack({ senderSsrc: 1, mediaSourceSsrc: ssrc, lost: [seqs[29]!] }) })]);
      await tr.receiver.sendRtcpPLI(ssrc);
      await dtls.sendRtcp([fir(ssrc)]);
      await until('the feedback to be counted', () => stats().nacksReceived === 1 && stats().plisReceived === 1 && stats().firsReceived === 1);
      await until('the retransmission', () => stats().rtpPacketsRetransmitted === 1 && seqs.length === 31);
      assert.equal(seqs[30], seqs[29], 'the NACKed packet came again');
      assert.equal(keyframeRequests, 2, 'PLI and FIR each ask for a key frame');
      // werift's own receiver reports say 0 lost: the one with 5 is sent until it is the latest counted.
      const rr = new RtcpRrPacket({ ssrc: 1, reports: [new RtcpReceiverInfo({ ssrc, fractionLost: 0, packetsLost: 5, highestSequence: 0, jitter: 77, lsr: 0, dlsr: 0 })] });
      await until('the report to be counted', () => stats().rtpPacketsReportedLost === 5 && stats().rtpPacketsReportedJitter === 77, () => { void dtls.sendRtcp([rr]); });
      assert.ok(stats().rtcpPacketsReceived >= 4, JSON.stringify(stats()));
      await until('a sender report', () => stats().rtcpPacketsSent > 0);
      assert.deepEqual([stats().rtpPacketsReceived, stats().nacksSent, stats().plisSent], [0, 0, 0]);
    } finally {
      await peer.close();
      await viewer.close();
    }
  });

  it('a receiving peer counts RTP received, the loss from sequence gaps, the NACKs werift sends and its PLIs', async () => {
    const publisher = client();
    const track = new MediaStreamTrack({ kind: 'video' });
    publisher.addTransceiver(track, { direction: 'sendonly' });
    await publisher.setLocalDescription(await publisher.createOffer());
    const negotiation = negotiateWhip(publisher.localDescription!.sdp);
    let state: PeerState = 'new';
    let received = 0;
    const peer = new WeriftPeer({ role: 'receive', negotiation, iceServers: [], nat1To1Ips: [], onState: (s) => { state = s; }, onRtp: () => { received++; } });
    let plis = 0;
    publisher.getTransceivers()[0]!.sender.onPictureLossIndication.subscribe(() => { plis++; });
    try {
      await publisher.setRemoteDescription({ type: 'answer', sdp: await peer.answer(negotiation.restrictedOffer) });
      await until('the peer to connect', () => state === 'connected');
      await new Promise((r) => setTimeout(r, 200));
      // 1000…1019 with 1005 and 1006 missing.
      for (let seq = 1000; seq < 1020; seq++) {
        if (seq === 1005 || seq === 1006) continue;
        track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, marker: true }), IDR));
      }
      await until('the packets', () => received === 18);
      peer.requestKeyframe(0);
      await until('the NACKs and the PLI', () => peer.stats().nacksSent > 0 && plis === 1);
      const s = peer.stats();
      assert.deepEqual([s.rtpPacketsReceived, s.rtpPacketsLost, s.plisSent, s.rtpPacketsSent], [18, 2, 1, 0]);
      assert.ok(s.rtcpPacketsSent >= s.nacksSent + 1, JSON.stringify(s));
    } finally {
      await peer.close();
      await publisher.close();
    }
  });
});
