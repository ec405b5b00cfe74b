import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApp } from '../../test/support/app.ts';
import { waitFor } from '../../test/support/process.ts';
import { rawPublish, rawRead } from '../../test/support/rtsp-raw-client.ts';
import { startAuthServer } from '../../test/support/auth-server.ts';

/** A v1.x file: anyone publishes, `readers` may read (each `name` with password `name-pw`). */
function v1Yaml(readers: readonly string[]): string {
  const users = readers.map((u) => `  - user: ${u}\n    pass: ${u}-pw\n    permissions: [{action: read}]\n`).join('');
  return `authMethod: internal\nauthInternalUsers:\n  - user: any\n    permissions: [{action: publish}]\n${users}paths:\n  cam:\n`;
}

const basic = (user: string): string => `Basic ${Buffer.from(`${user}:${user}-pw`).toString('base64')}`;

describe('reloading MediaMTX v1.x authentication', () => {
  it('closes the readers a new authInternalUsers refuses, keeps the others streaming, and keeps the publisher', async () => {
    const srv = await startApp(v1Yaml(['alice', 'bob']));
    try {
      const port = srv.rtspPort;
      const pub = await rawPublish(port, 'cam');
      const alice = await rawRead(port, 'cam', { Authorization: basic('alice') });
      const bob = await rawRead(port, 'cam', { Authorization: basic('bob') });
      const got: number[] = [];
      bob.onFrame = (ch, p) => { if (ch === 0) got.push(p.readUInt16BE(2)); };
      alice.onFrame = () => {};
      const plan = await srv.app.applyConf(srv.conf(v1Yaml(['bob'])));
      assert.equal(plan.get('auth'), 'update');
      assert.equal(plan.get('pathManager'), 'keep', 'the paths did not change: only the authentication rechecks');
      await waitFor(() => alice.closed, { timeoutMs: 5000, what: 'alice\'s reader to be closed' });
      for (let seq = 1; seq <= 10; seq++) pub.send(seq);
      await waitFor(() => got.length === 10, { timeoutMs: 5000, what: 'bob to get 10 packets after the reload' });
      assert.equal(bob.closed, false);
      assert.equal(pub.client.closed, false, 'the publisher is still allowed');
      assert.ok(srv.lines.some((l) => /is not allowed anymore/.test(l)), srv.lines.slice(-5).join('\n'));
      assert.ok(!srv.lines.some((l) => l.includes('alice-pw')), 'no password in the log');
      pub.client.close();
      bob.close();
    } finally {
      await srv.close();
    }
  });

  it('rechecks with the new method when authMethod changes: the HTTP server now decides who stays', async () => {
    // rtspAuthMethods is Basic from the start, so that the switch to HTTP authentication leaves the RTSP server running.
    const srv = await startApp(`rtspAuthMethods: [basic]\n${v1Yaml(['bob'])}`);
    const auth = await startAuthServer((b) => b.action === 'publish');
    try {
      const port = srv.rtspPort;
      const pub = await rawPublish(port, 'cam');
      const bob = await rawRead(port, 'cam', { Authorization: basic('bob') });
      bob.onFrame = () => {};
      const plan = await srv.app.applyConf(srv.conf(`rtspAuthMethods: [basic]\nauthMethod: http\nauthHTTPAddress: ${auth.url}\npaths:\n  cam:\n`));
      assert.equal(plan.get('rtspServer'), 'keep', 'clients were not dropped by a restart');
      await waitFor(() => bob.closed, { timeoutMs: 5000, what: 'bob to be closed' });
      assert.equal(pub.client.closed, false, 'the HTTP server allows the publisher');
      assert.deepEqual(auth.bodies.map((b) => [b.action, b.user]).sort(), [['publish', ''], ['read', 'bob']]);
      pub.client.close();
    } finally {
      await srv.close();
      await auth.close();
    }
  });
});
