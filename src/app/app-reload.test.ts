import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../../test/support/app.ts';
import { waitFor } from '../../test/support/process.ts';
import { rawPublish, rawRead, RawRtspClient } from '../../test/support/rtsp-raw-client.ts';

describe('App with real servers, in process', () => {
  it('keeps an RTSP reader of an untouched path streaming, with the same session, through reloads that do not concern it', async () => {
    const srv = await startApp('paths:\n  cam:\n  other:\n');
    try {
      const port = srv.rtspPort;
      const pub = await rawPublish(port, 'cam');
      const reader = await rawRead(port, 'cam');
      const got: number[] = [];
      reader.onFrame = (ch, p) => { if (ch === 0) got.push(p.readUInt16BE(2)); };
      let seq = 0;
      const send = (n: number): void => { for (let i = 0; i < n; i++) pub.send(++seq); };
      send(10);
      await waitFor(() => got.length === 10, { timeoutMs: 5000, what: '10 packets before the reloads' });
      const sessionsBefore = srv.app.rtsp!.sessionList().map((s) => s.id).sort();
      const rtspBefore = srv.app.rtsp;
      const plans = [];
      for (const yaml of [
        'logLevel: warn\npaths:\n  cam:\n  other:\n',
        'logLevel: warn\npaths:\n  cam:\n  other:\n    readUser: u\n    readPass: p\n  added:\n',
        'logLevel: warn\nrtmpDisable: yes\npaths:\n  cam:\n  added:\n',
        'logLevel: warn\nrtmpDisable: yes\nrunOnConnect: true\npaths:\n  cam:\n    publishIPs: [127.0.0.1]\n',
      ]) {
        plans.push(Object.fromEntries(await srv.app.applyConf(srv.conf(yaml))));
        send(10);
      }
      await waitFor(() => got.length === seq, { timeoutMs: 5000, what: `all ${seq} packets` });
      assert.deepEqual(got, Array.from({ length: seq }, (_, i) => i + 1), 'every packet, in order, through four reloads');
      assert.equal(srv.app.rtsp, rtspBefore, 'the RTSP server was never restarted');
      assert.deepEqual(srv.app.rtsp!.sessionList().map((s) => s.id).sort(), sessionsBefore, 'same sessions');
      assert.equal(srv.app.rtmp, undefined, 'RTMP disabled');
      assert.deepEqual(plans[2], { logger: 'keep', auth: 'keep', pathManager: 'update', rtspServer: 'keep', rtspsServer: 'keep', rtmpServer: 'stop', rtmpsServer: 'keep', hlsServer: 'keep', webrtcServer: 'keep', api: 'keep', metrics: 'keep', pprof: 'keep' });
      assert.deepEqual(srv.app.pathManager!.list().map((p) => p.name).sort(), ['cam'], 'removed paths are gone');
      pub.client.close();
      reader.close();
    } finally {
      await srv.close();
    }
  });

  it('takes new read credentials live: readers that still pass keep streaming, the others are closed', async () => {
    const srv = await startApp('paths:\n  cam:\n');
    try {
      const port = srv.rtspPort;
      const pub = await rawPublish(port, 'cam');
      const basic = `Basic ${Buffer.from('reader:secret').toString('base64')}`;
      const withCreds = await rawRead(port, 'cam', { Authorization: basic });
      const anonymous = await rawRead(port, 'cam');
      const got: number[] = [];
      withCreds.onFrame = (ch, p) => { if (ch === 0) got.push(p.readUInt16BE(2)); };
      anonymous.onFrame = () => {};
      await srv.app.applyConf(srv.conf('paths:\n  cam:\n    readUser: reader\n    readPass: secret\n'));
      await waitFor(() => anonymous.closed, { timeoutMs: 5000, what: 'the anonymous reader to be closed' });
      for (let seq = 1; seq <= 10; seq++) pub.send(seq);
      await waitFor(() => got.length === 10, { timeoutMs: 5000, what: 'the reader with credentials to get 10 packets' });
      assert.equal(withCreds.closed, false, 'the reader with the right credentials stays');
      assert.ok(srv.lines.some((l) => /is not allowed anymore: credentials required/.test(l)), srv.lines.slice(-5).join('\n'));
      const probe = await RawRtspClient.connect(port);
      const res = await probe.request('DESCRIBE', `rtsp://127.0.0.1:${port}/cam`);
      probe.close();
      assert.equal(res.status, 401, 'new readers need the credentials');
      pub.client.close();
      withCreds.close();
    } finally {
      await srv.close();
    }
  });

  it('restarts a server whose settings changed (readTimeout), closing its clients, and serves again', async () => {
    const srv = await startApp('paths:\n  all:\n');
    try {
      const oldPort = srv.rtspPort;
      const reader = await RawRtspClient.connect(oldPort);
      await srv.app.applyConf(srv.conf('readTimeout: 9s\npaths:\n  all:\n'));
      await waitFor(() => reader.closed, { timeoutMs: 5000, what: 'the old connection to close' });
      const c = await RawRtspClient.connect(srv.rtspPort);
      const r = await c.request('OPTIONS', `rtsp://127.0.0.1:${srv.rtspPort}/x`);
      c.close();
      assert.equal(r.status, 200, 'the restarted server answers');
    } finally {
      await srv.close();
    }
  });
});
