import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../../test/support/app.ts';
import { waitFor } from '../../test/support/process.ts';
import { httpGet, httpRequest } from '../../test/support/http.ts';
import { parsePromPage, pointValue } from '../../test/support/prometheus.ts';
import { rawPublish, rawRead } from '../../test/support/rtsp-raw-client.ts';

describe('metrics server with live RTSP clients', () => {
  it('serves /metrics whose values move while a stream flows', async () => {
    const srv = await startApp('metrics: yes\npaths:\n  cam:\n');
    try {
      const pub = await rawPublish(srv.rtspPort, 'cam');
      const reader = await rawRead(srv.rtspPort, 'cam');
      let seq = 0;
      for (let i = 0; i < 20; i++) pub.send(++seq);
      await waitFor(() => srv.app.pathManager!.list()[0]!.bytesReceived > 0, { timeoutMs: 3000, what: 'bytes received' });
      const first = await httpGet(srv.metricsPort, '/metrics');
      assert.equal(first.status, 200);
      assert.match(String(first.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      const a = parsePromPage(first.text).points;
      assert.equal(pointValue(a, 'paths', { name: 'cam', state: 'ready' }), 1);
      const sessionId = srv.app.rtsp!.sessionList().find((s) => s.state === 'read')!.id;
      assert.equal(pointValue(a, 'rtsp_sessions', { id: sessionId, state: 'read' }), 1);
      assert.equal(a.filter((p) => p.name === 'rtsp_conns').length, 2);
      assert.equal(pointValue(a, 'paths_readers', { name: 'cam', readerType: 'rtspSession' }), 1);
      assert.equal(pointValue(a, 'rtmp_conns'), 0, 'RTMP is on with no connection');
      assert.equal(pointValue(a, 'rtsps_conns'), undefined, 'RTSPS is off: no section');

      for (let i = 0; i < 20; i++) pub.send(++seq);
      await waitFor(async () => {
        const b = parsePromPage((await httpGet(srv.metricsPort, '/metrics')).text).points;
        return pointValue(b, 'paths_bytes_received', { name: 'cam' })! > pointValue(a, 'paths_bytes_received', { name: 'cam' })!
          && pointValue(b, 'rtsp_sessions_bytes_sent', { id: sessionId })! > pointValue(a, 'rtsp_sessions_bytes_sent', { id: sessionId })!;
      }, { timeoutMs: 3000, what: 'bytes received by the path and sent to the reader to move' });
      pub.client.close();
      reader.close();
    } finally {
      await srv.close();
    }
  });

  it('answers other paths with 404 and HEAD without a body', async () => {
    const srv = await startApp('metrics: yes\n');
    try {
      assert.equal((await httpGet(srv.metricsPort, '/')).status, 404);
      assert.equal((await httpGet(srv.metricsPort, '/metrics/x')).status, 404);
      const head = await httpRequest(srv.metricsPort, 'HEAD', '/metrics');
      assert.equal(head.status, 200);
      assert.equal(head.text, '');
      assert.equal((await httpRequest(srv.metricsPort, 'POST', '/metrics')).status, 405);
    } finally {
      await srv.close();
    }
  });
});
