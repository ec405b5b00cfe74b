import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Logger, deferred, type Deferred } from '../lib/index.ts';
import { waitFor } from '../../test/support/process.ts';
import { ConnectionHost } from './connection-host.ts';

/** The least a server's connection does: an id, and closing its socket once, telling the host. */
class FakeConn {
  static next = 0;
  readonly id = `c${FakeConn.next++}`;
  /** Why it closed: the host's reason, or 'socket closed' when the client went away. */
  reason: string | undefined;
  constructor(private readonly socket: Socket, private readonly onClose: (c: FakeConn) => void) {
    socket.on('close', () => this.close());
    // As the servers' connections do: a reset by the client is this connection's error, not the process's.
    socket.on('error', (err) => this.close(err));
  }
  close(reason?: Error): void {
    if (this.reason !== undefined) return;
    this.reason = reason?.message ?? 'socket closed';
    this.socket.destroy();
    this.onClose(this);
  }
}

/** A client socket to the host's port and a promise of its close. */
function client(port: number): { socket: Socket; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => { /* resets are expected when the host closes */ });
  return { socket, closed: new Promise((r) => socket.on('close', () => r())) };
}

const NO_HOOKS = { runOnConnect: '', runOnConnectRestart: false, runOnDisconnect: '', rtspPort: 8554 };

/**
 * A host whose prepare() resolves or rejects when the test says, logging to `lines`; `held()` counts the sockets
 * accepted while it was pending (each one called prepare() and got the pending promise).
 */
function preparingHost(lines: string[]): { host: ConnectionHost<FakeConn>; ready: Deferred<void>; received: Buffer[]; held: () => number } {
  const ready = deferred<void>();
  const received: Buffer[] = [];
  let isReady = false;
  let held = 0;
  void ready.promise.then(() => { isReady = true; }, () => undefined);
  const host = new ConnectionHost<FakeConn>({
    connType: 'testConn', hooks: NO_HOOKS, log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }),
    prepare: () => {
      if (isReady) return undefined;
      held++;
      return ready.promise;
    },
    create: (socket, onClose) => {
      socket.on('data', (b: Buffer) => received.push(b));
      return new FakeConn(socket, onClose);
    },
    hookLog: () => Logger.create({ level: 'debug', destinations: [], sink: () => undefined }),
  });
  return { host, ready, received, held: () => held };
}

describe('ConnectionHost', () => {
  it('holds sockets accepted while prepare() runs, and hands them over with the bytes they sent', async () => {
    const { host, ready, received, held } = preparingHost([]);
    await host.listen('127.0.0.1:0', undefined);
    const a = client(host.port);
    a.socket.write('OPTIONS * RTSP/1.0\r\n\r\n');
    await waitFor(() => held() === 1, { timeoutMs: 5000, what: 'the first socket accepted and held' });
    const gone = client(host.port);
    await new Promise((r) => gone.socket.once('connect', r));
    gone.socket.resetAndDestroy();
    await waitFor(() => held() === 2, { timeoutMs: 5000, what: 'the second socket accepted and held' });
    assert.equal(host.list().length, 0, 'nothing made before prepare() resolved');
    ready.resolve();
    await waitFor(() => received.length > 0, { timeoutMs: 5000, what: 'the bytes sent while the host prepared' });
    assert.equal(Buffer.concat(received).toString(), 'OPTIONS * RTSP/1.0\r\n\r\n');
    // The reset socket is dropped while held, or made a connection that closes at its first read: either way it goes.
    await waitFor(() => host.list().length === 1, { timeoutMs: 5000, what: 'only the live socket left as a connection', detail: () => String(host.list().length) });
    await host.close();
    await a.closed;
  });

  it('closes a socket and logs the error when prepare() fails', async () => {
    const lines: string[] = [];
    const { host, ready, held } = preparingHost(lines);
    await host.listen('127.0.0.1:0', undefined);
    const a = client(host.port);
    await waitFor(() => held() === 1, { timeoutMs: 5000, what: 'the socket accepted and held' });
    ready.reject(new Error('cannot load the test code: ENOENT'));
    await a.closed;
    assert.equal(host.list().length, 0);
    assert.ok(lines.some((l) => /ERR .*refused: cannot load the test code: ENOENT/.test(l)), lines.join('\n'));
    await host.close();
  });

  it('registers accepted connections, kicks one by id, forgets closed ones and closes the rest when it closes', async () => {
    const hookLines: string[] = [];
    const host = new ConnectionHost<FakeConn>({
      connType: 'testConn', hooks: NO_HOOKS, log: Logger.create({ level: 'debug', destinations: [], sink: () => undefined }),
      create: (socket, onClose) => new FakeConn(socket, onClose),
      hookLog: () => Logger.create({ level: 'debug', destinations: [], sink: (l) => hookLines.push(l) }),
    });
    await host.listen('127.0.0.1:0', undefined);
    assert.ok(host.port > 0, `bound port: ${host.port}`);
    const ids = (): string => host.list().map((c) => c.id).join(', ');
    const [a, b, c] = [client(host.port), client(host.port), client(host.port)];
    await waitFor(() => host.list().length === 3, { timeoutMs: 5000, what: 'three accepted connections', detail: ids });
    const [ca, cb, cc] = host.list();

    assert.equal(host.kick(cb!.id), true, `kick ${cb!.id} of ${ids()}`);
    assert.equal(cb!.reason, 'kicked', `the kicked connection's close reason: ${cb!.reason}`);
    assert.equal(host.kick(cb!.id), false, `already gone: ${ids()}`);
    await b.closed;

    a.socket.destroy();
    await waitFor(() => !host.list().includes(ca!), { timeoutMs: 5000, what: 'the client-closed connection to leave the list', detail: ids });
    assert.equal(ca!.reason, 'socket closed', `closed by its client: ${ca!.reason}`);

    const closing = host.close();
    assert.equal(host.isClosed, true, 'closed at once');
    assert.equal(cc!.reason, 'server is shutting down', `closed before the first await: ${cc!.reason}`);
    assert.deepEqual(host.list(), [], `nothing left: ${ids()}`);
    await closing;
    await c.closed;
    await host.close();
    assert.deepEqual(hookLines, [], `no hook commands configured, nothing logged: ${hookLines.join('\n')}`);
  });
});
