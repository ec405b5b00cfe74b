import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAppWithWebRtc } from '../../test/support/app-webrtc.ts';
import { httpGet, httpPost } from '../../test/support/http.ts';
import { waitFor } from '../../test/support/process.ts';
import { rawPublish } from '../../test/support/rtsp-raw-client.ts';
import { CHROMIUM_WHEP_OFFER } from '../../test/support/webrtc-offers.ts';
import { V3OkSchema, V3PathSchema, V3WebRtcSessionListSchema, V3WebRtcSessionSchema } from './v3-schemas.ts';
import { v3WebRtcSessionItem } from './v3-items.ts';
import type { ApiWebRtcConn, ApiWebRtcStats } from './api-host.ts';

const STATS: ApiWebRtcStats = {
  rtpPacketsSent: 11, rtpPacketsReceived: 22, rtpPacketsLost: 3, rtpPacketsJitter: 4.5, rtpPacketsReportedLost: 6,
  rtpPacketsReportedJitter: 7.25, rtcpPacketsSent: 8, rtcpPacketsReceived: 9,
  rtpPacketsRetransmitted: 0, nacksReceived: 0, nacksSent: 0, plisReceived: 0, plisSent: 0, firsReceived: 0,
};
const conn = (state: 'read' | 'publish', stats?: ApiWebRtcStats): ApiWebRtcConn => ({
  id: '5b3c0f7e-8a52-4d0e-9a1e-2f6b8c9d0e1f', created: new Date(0), remoteAddr: '127.0.0.1:1', state, path: 'cam', bytesReceived: 100, bytesSent: 200, ...(stats ? { stats } : {}),
});

describe('v3 WebRTCSession item counters', () => {
  it('maps a viewer\'s counts: outbound packets, RTCP both ways, and the loss and jitter its reports give', () => {
    const s = V3WebRtcSessionSchema.parse(v3WebRtcSessionItem(conn('read', STATS)));
    assert.deepEqual(
      [s.outboundRTPPackets, s.rtpPacketsSent, s.inboundRTPPackets, s.rtpPacketsReceived, s.inboundRTCPPackets, s.rtcpPacketsReceived, s.outboundRTCPPackets, s.rtcpPacketsSent],
      [11, 11, 22, 22, 9, 9, 8, 8],
    );
    assert.deepEqual([s.rtpPacketsLost, s.rtpPacketsJitter, s.inboundRTPPacketsLost, s.inboundRTPPacketsJitter], [6, 7.25, 3, 4.5]);
  });

  it('maps a publisher\'s loss and jitter from what it received, and reads 0 without counts', () => {
    const s = V3WebRtcSessionSchema.parse(v3WebRtcSessionItem(conn('publish', STATS)));
    assert.deepEqual([s.rtpPacketsLost, s.rtpPacketsJitter, s.inboundRTPPacketsLost, s.inboundRTPPacketsJitter], [3, 4.5, 3, 4.5]);
    const none = V3WebRtcSessionSchema.parse(v3WebRtcSessionItem(conn('publish')));
    assert.deepEqual([none.rtpPacketsSent, none.rtpPacketsLost, none.rtcpPacketsSent, none.inboundBytes], [0, 0, 0, 100]);
  });
});


describe('control API v3 with a live WebRTC (WHEP) session', () => {
  it('lists, gets and kicks webrtcsessions, and shows the session as a reader of the path', async () => {
    const { app, rtspPort, apiPort: api, webrtcPort } = await startAppWithWebRtc('api: yes\npaths:\n  cam:\n');
    const pub = await rawPublish(rtspPort, 'cam');
    try {
      const whep = await fetch(`http://127.0.0.1:${webrtcPort}/cam/whep`, {
        method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: CHROMIUM_WHEP_OFFER,
      });
      assert.equal(whep.status, 201, await whep.text());
      const list = V3WebRtcSessionListSchema.parse((await httpGet(api, '/v3/webrtcsessions/list')).json);
      assert.equal(list.itemCount, 1);
      const s = V3WebRtcSessionSchema.parse((await httpGet(api, `/v3/webrtcsessions/get/${list.items[0]!.id}`)).json);
      assert.deepEqual([s.state, s.path], ['read', 'cam']);
      const cam = V3PathSchema.parse((await httpGet(api, '/v3/paths/get/cam')).json);
      assert.deepEqual(cam.readers, [{ type: 'webRTCSession', id: s.id }]);
      V3OkSchema.parse((await httpPost(api, `/v3/webrtcsessions/kick/${s.id}`)).json);
      await waitFor(async () => V3WebRtcSessionListSchema.parse((await httpGet(api, '/v3/webrtcsessions/list')).json).itemCount === 0, { timeoutMs: 3000, what: 'the session to end' });
      assert.equal((await httpPost(api, `/v3/webrtcsessions/kick/${s.id}`)).status, 404);
    } finally {
      pub.client.close();
      await app.close();
    }
  });
});
