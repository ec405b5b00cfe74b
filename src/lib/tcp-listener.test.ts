import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { makeSelfSignedCert } from '../../test/support/tls.ts';
import { openTcpListener } from './tcp-listener.ts';
import { ConnectionRegistry } from './connection-registry.ts';

/** Resolves once `cond` holds (checked every 5 ms). */
function until(cond: () => boolean): Promise<void> {
  return new Promise((r) => { const t = setInterval(() => { if (cond()) { clearInterval(t); r(); } }, 5); });
}

describe('openTcpListener', () => {
  it('accepts connections on the bound port and refuses new ones after close', async () => {
    const accepted: Socket[] = [];
    const l = await openTcpListener({ address: '127.0.0.1:0', onSocket: (s) => accepted.push(s) });
    assert.ok(l.port > 0, `port ${l.port}`);
    const c = connect(l.port, '127.0.0.1');
    await new Promise<void>((r) => c.once('connect', () => r()));
    await new Promise<void>((r) => { const t = setInterval(() => { if (accepted.length === 1) { clearInterval(t); r(); } }, 5); });
    accepted[0]!.destroy();
    c.destroy();
    await l.close();
    const refused = await new Promise<string>((r) => { const d = connect(l.port, '127.0.0.1'); d.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? '')); d.once('connect', () => { d.destroy(); r('connected'); }); });
    assert.equal(refused, 'ECONNREFUSED');
  });

  it('names the configuration key of a TLS file it cannot read', async () => {
    await assert.rejects(openTcpListener({ address: '127.0.0.1:0', tls: { keyFile: '/nonexistent.key', certFile: '/x.crt', keyName: 'serverKey', certName: 'serverCert' }, onSocket: () => {} }),
      /unable to read serverKey '\/nonexistent\.key': ENOENT/);
  });

  it('closes at once while a client sits in its TLS handshake, and leaves established connections to their owner', { timeout: 20_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-tcp-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const { key, cert } = makeSelfSignedCert(dir);
    const accepted: Socket[] = [];
    const l = await openTcpListener({ address: '127.0.0.1:0', tls: { keyFile: key, certFile: cert, keyName: 'serverKey', certName: 'serverCert' }, onSocket: (s) => accepted.push(s) });
    // One client completes its handshake; another opens TCP and never sends a ClientHello.
    const good = tlsConnect({ port: l.port, host: '127.0.0.1', rejectUnauthorized: false });
    good.on('error', () => {});
    await until(() => accepted.length === 1);
    const stalled = connect(l.port, '127.0.0.1');
    stalled.on('error', () => {});
    let stalledClosed = false;
    stalled.once('close', () => { stalledClosed = true; });
    await new Promise<void>((r) => stalled.once('connect', () => r()));
    let closed = false;
    const closing = l.close().then(() => { closed = true; });
    // The stalled client is cut by the listener; the established one is not (its owner closes it).
    await until(() => stalledClosed);
    assert.equal(accepted[0]!.destroyed, false, 'an established connection is the server\'s to close');
    assert.equal(closed, false, 'close() waits for the established connection');
    accepted[0]!.destroy();
    await closing;
    assert.equal(closed, true);
    good.destroy();
  });

  it('refuses an address that is not [host]:port', async () => {
    await assert.rejects(openTcpListener({ address: '8554', onSocket: () => {} }), /invalid address '8554'/);
  });
});

describe('ConnectionRegistry', () => {
  it('lists, kicks and closes connections', () => {
    const closed: string[] = [];
    const conn = (id: string) => ({ id, close: (e?: Error) => closed.push(`${id}:${e?.message}`) });
    const r = new ConnectionRegistry<ReturnType<typeof conn>>();
    const a = conn('a');
    r.add(a);
    r.add(conn('b'));
    assert.deepEqual(r.list().map((c) => c.id), ['a', 'b']);
    assert.equal(r.kick('a'), true);
    assert.equal(r.kick('zz'), false);
    r.remove(a);
    r.closeAll(new Error('shutting down'));
    assert.deepEqual(closed, ['a:kicked', 'b:shutting down']);
    assert.equal(r.size, 1, 'b removes itself when its close callback does; the registry does not');
  });
});
