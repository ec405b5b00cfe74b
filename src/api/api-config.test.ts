import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../../test/support/app.ts';
import { waitFor } from '../../test/support/process.ts';
import { httpGet, httpPost } from '../../test/support/http.ts';
import { rawPublish, rawRead } from '../../test/support/rtsp-raw-client.ts';
import { ConfSchema } from './api-schemas.ts';

describe('configuration changes through the API', () => {
  it('applies config/set as a hot reload: the change is in force when the answer comes, paths in the body are ignored', async () => {
    const srv = await startApp('api: yes\npaths:\n  cam:\n');
    try {
      const rtsp = srv.app.rtsp;
      const a = await httpPost(srv.apiPort, '/v1/config/set', { logLevel: 'debug', readBufferCount: 1024, paths: { other: {} }, runOnConnect: null });
      assert.equal(a.status, 200, a.text);
      assert.equal(a.text, '');
      assert.equal(srv.app.currentConf.logLevel, 'debug');
      assert.equal(srv.app.currentConf.readBufferCount, 1024);
      assert.deepEqual(Object.keys(srv.app.currentConf.paths), ['cam'], 'paths are not changed by config/set (v0.22.2)');
      assert.notEqual(srv.app.rtsp, rtsp, 'readBufferCount restarts the RTSP server, as a reload of the file would');
      const shown = ConfSchema.parse((await httpGet(srv.apiPort, '/v1/config/get')).json);
      assert.equal(shown.logLevel, 'debug');
      assert.ok(srv.lines.some((l) => /configuration reloaded: .*rtspServer restart/.test(l)), 'logged as a reload');
    } finally {
      await srv.close();
    }
  });

  it('adds a path that can then be published, edits a path closing only its clients, removes a path', async () => {
    const srv = await startApp('api: yes\npaths:\n  cam:\n  other:\n');
    try {
      await assert.rejects(rawPublish(srv.rtspPort, 'added'), /ANNOUNCE .*: 404/, 'not configured yet');
      assert.equal((await httpPost(srv.apiPort, '/v1/config/paths/add/added', { disablePublisherOverride: true })).status, 200);
      assert.equal(srv.app.currentConf.paths.added!.disablePublisherOverride, true);
      const pub = await rawPublish(srv.rtspPort, 'added');
      pub.client.close();

      const camPub = await rawPublish(srv.rtspPort, 'cam');
      const camReader = await rawRead(srv.rtspPort, 'cam');
      const otherPub = await rawPublish(srv.rtspPort, 'other');
      const otherReader = await rawRead(srv.rtspPort, 'other');
      const edit = await httpPost(srv.apiPort, '/v1/config/paths/edit/cam', { runOnReady: 'true' });
      assert.equal(edit.status, 200, edit.text);
      await waitFor(() => camReader.closed && camPub.client.closed, { timeoutMs: 3000, what: 'the clients of the edited path to be closed' });
      assert.equal(otherReader.closed || otherPub.client.closed, false, 'clients of the other path stay');
      assert.equal(srv.app.currentConf.paths.cam!.runOnReady, 'true');

      assert.equal((await httpPost(srv.apiPort, '/v1/config/paths/remove/other')).status, 200);
      await waitFor(() => otherReader.closed, { timeoutMs: 3000, what: 'the reader of the removed path to be closed' });
      assert.deepEqual(Object.keys(srv.app.currentConf.paths), ['cam', 'added']);
      otherPub.client.close();
    } finally {
      await srv.close();
    }
  });

  it('keeps stored secrets when a client sends back what config/get showed', async () => {
    const srv = await startApp('api: yes\npaths:\n  cam:\n    source: rtsp://admin:Cam3raPw@127.0.0.1:1/s\n    sourceOnDemand: yes\n    readUser: u\n    readPass: V1ewerPw\n');
    try {
      const shown = ConfSchema.parse((await httpGet(srv.apiPort, '/v1/config/get')).json);
      const a = await httpPost(srv.apiPort, '/v1/config/paths/edit/cam', { ...shown.paths.cam, readUser: 'u2' });
      assert.equal(a.status, 200, a.text);
      const cam = srv.app.currentConf.paths.cam!;
      assert.deepEqual([cam.readUser, cam.readPass, cam.source], ['u2', 'V1ewerPw', 'rtsp://admin:Cam3raPw@127.0.0.1:1/s']);
      const { paths: _p, ...globals } = shown;
      assert.equal((await httpPost(srv.apiPort, '/v1/config/set', globals)).status, 200, 'the whole global section sent back is accepted');
      assert.equal((await httpPost(srv.apiPort, '/v1/config/paths/edit/cam', { readPass: 'N3wPass' })).status, 200);
      assert.equal(srv.app.currentConf.paths.cam!.readPass, 'N3wPass', 'a real new password is taken');
    } finally {
      await srv.close();
    }
  });

  it('applies changes one after the other, each on top of the previous', async () => {
    const srv = await startApp('api: yes\npaths:\n  cam:\n');
    try {
      const names = Array.from({ length: 8 }, (_, i) => `p${i}`);
      const answers = await Promise.all(names.map((n) => httpPost(srv.apiPort, `/v1/config/paths/add/${n}`, {})));
      assert.deepEqual(answers.map((a) => a.status), names.map(() => 200));
      assert.deepEqual(Object.keys(srv.app.currentConf.paths).sort(), ['cam', ...names].sort());
    } finally {
      await srv.close();
    }
  });

  it('answers a change of its own address first, then listens on the new address', async () => {
    const srv = await startApp('api: yes\n');
    try {
      const oldPort = srv.apiPort;
      const a = await httpPost(oldPort, '/v1/config/set', { apiAddress: '127.0.0.1:0', readTimeout: '5s' });
      assert.equal(a.status, 200, a.text);
      await waitFor(() => srv.app.currentConf.readTimeout === 5000 && srv.apiPort !== 0 && srv.apiPort !== oldPort, { timeoutMs: 3000, what: 'the API to restart' });
      assert.equal((await httpGet(srv.apiPort, '/v1/paths/list')).status, 200);
      await assert.rejects(httpGet(oldPort, '/v1/paths/list'), /ECONNREFUSED/);
      assert.equal((await httpPost(srv.apiPort, '/v1/config/set', { api: false })).status, 200);
      await waitFor(() => srv.app.component('api') === undefined, { timeoutMs: 3000, what: 'the API to stop' });
    } finally {
      await srv.close();
    }
  });
});
