import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAppWithWebRtc } from '../../test/support/app-webrtc.ts';
import { httpGet, httpPost } from '../../test/support/http.ts';
import { waitFor } from '../../test/support/process.ts';
import { rawPublish } from '../../test/support/rtsp-raw-client.ts';
import { CHROMIUM_WHEP_OFFER } from '../../test/support/webrtc-offers.ts';
import { V3OkSchema, V3PathSchema, V3WebRtcSessionListSchema, V3WebRtcSessionSchema } from './v3-schemas.ts';

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
