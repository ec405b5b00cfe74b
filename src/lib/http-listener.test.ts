import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSelfSignedCert } from '../../test/support/tls.ts';
import { isLoopbackAddress, openHttpListener } from './http-listener.ts';

/** GET / on 127.0.0.1:port: the status and body, or the error that ended it. */
function get(port: number): Promise<{ status: number; body: string } | Error> {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (e) => resolve(e));
    }).on('error', (e) => resolve(e)).end();
  });
}

describe('openHttpListener', () => {
  it('lets an answer in flight finish at close, and cuts one that outlasts the grace period', async () => {
    let slowMs = 200;
    const l = await openHttpListener({
      address: '127.0.0.1:0', readTimeoutMs: 5000,
      handler: async (_req, res) => { await new Promise((r) => setTimeout(r, slowMs)); res.end('done'); },
    });
    const answer = get(l.port);
    await new Promise((r) => setTimeout(r, 50));
    await l.close(1000);
    assert.deepEqual(await answer, { status: 200, body: 'done' });

    slowMs = 10_000;
    const l2 = await openHttpListener({ address: '127.0.0.1:0', readTimeoutMs: 5000, handler: async (_req, res) => { await new Promise((r) => setTimeout(r, slowMs).unref()); res.end(); } });
    const cut = get(l2.port);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await l2.close(300);
    assert.ok(Date.now() - t0 < 2000);
    assert.ok((await cut) instanceof Error, 'the hanging answer was cut');
  });

  it('answers 500 when a handler fails, and goes on', async () => {
    const errors: string[] = [];
    let n = 0;
    const l = await openHttpListener({
      address: '127.0.0.1:0', readTimeoutMs: 5000, onError: (e) => errors.push(e.message),
      handler: (_req, res) => { if (n++ === 0) throw new Error('boom'); res.end('ok'); },
    });
    try {
      assert.equal(((await get(l.port)) as { status: number }).status, 500);
      assert.deepEqual(await get(l.port), { status: 200, body: 'ok' });
      assert.deepEqual(errors, ['boom']);
    } finally {
      await l.close();
    }
  });
});

describe('openHttpListener over TLS', () => {
  it('closes while a client sits in its TLS handshake, which node:http would not cut', { timeout: 20_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-https-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const { key, cert } = makeSelfSignedCert(dir);
    const l = await openHttpListener({ address: '127.0.0.1:0', readTimeoutMs: 5000, handler: (_req, res) => { res.end(); }, tls: { key: readFileSync(key), cert: readFileSync(cert) } });
    const stalled = connect(l.port, '127.0.0.1');
    stalled.on('error', () => {});
    const stalledClosed = new Promise<boolean>((r) => stalled.once('close', () => r(true)));
    await new Promise<void>((r) => stalled.once('connect', () => r()));
    // A grace period longer than the test: only the listener's own cut of the handshake can end the wait.
    await l.close(60_000);
    assert.equal(await stalledClosed, true);
  });
});

describe('isLoopbackAddress', () => {
  it('tells local-only listen addresses', () => {
    for (const a of ['127.0.0.1:9997', '127.5.0.1:1', '[::1]:9997', 'localhost:9997']) assert.equal(isLoopbackAddress(a), true, a);
    for (const a of [':9997', '0.0.0.0:9997', '[::]:9997', '192.168.1.2:9997', 'example.com:1']) assert.equal(isLoopbackAddress(a), false, a);
  });
});
