import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { openTcpListener } from './tcp-listener.ts';
import { ConnectionRegistry } from './connection-registry.ts';

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
