import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Logger } from '../../lib/index.ts';
import { RtspHeaders, buildInterleavedFrame, type RtspRequest } from '../../protocols/rtsp/index.ts';
import { RemoteSocket } from '../../fanout/index.ts';
import { RtspConn } from './rtsp-conn.ts';
import type { RtspShardSeat } from './rtsp-fanout.ts';
import { RtspSession, type RtspSessionHost } from './rtsp-session.ts';
import { RtspSessionRegistry } from './rtsp-session-registry.ts';
import type { RtspConnContext, RtspHandled, RtspRequestHandler } from './rtsp-conn-context.ts';

const READ_TIMEOUT_MS = 10_000;

/** The part of a net.Socket RtspConn uses, recording what is written. */
class FakeSocket extends EventEmitter {
  readonly remoteAddress = '10.0.0.5';
  readonly remotePort = 5000;
  readonly writableLength = 0;
  readonly written: Buffer[] = [];
  isDestroyed = false;
  setNoDelay(): void {}
  cork(): void {}
  uncork(): void {}
  write(b: Buffer): boolean { this.written.push(b); return true; }
  end(): void {}
  pause(): void {}
  read(): Buffer | null { return null; }
  destroy(): void { this.isDestroyed = true; }
  /** Bytes from the client. */
  receive(data: string | Buffer): void { this.emit('data', typeof data === 'string' ? Buffer.from(data) : data); }
}

const host: RtspSessionHost = {
  udpRtp: undefined, udpRtcp: undefined, readBufferCount: 16, udpMaxPayloadSize: 1452, readTimeoutMs: READ_TIMEOUT_MS, writeTimeoutMs: 10_000,
  acquireMulticast: () => { throw new Error('no multicast here'); },
};

/** Answers 200 after `delays[method]` ms of simulated work, and notes when each afterSend ran. */
class FakeHandler implements RtspRequestHandler {
  readonly afterSends: string[] = [];
  constructor(private readonly delays: Record<string, number> = {}) {}
  async handle(_ctx: RtspConnContext, req: RtspRequest): Promise<RtspHandled> {
    await new Promise((r) => setImmediate(r, undefined));
    for (let i = 0; i < (this.delays[req.method] ?? 0); i++) await new Promise((r) => setImmediate(r, undefined));
    return {
      response: { statusCode: 200, statusMessage: 'OK', headers: new RtspHeaders(), body: Buffer.alloc(0) },
      afterSend: () => { this.afterSends.push(req.method); },
    };
  }
}

function open(t: TestContext, handler: RtspRequestHandler = new FakeHandler()) {
  t.mock.timers.enable({ apis: ['Date', 'setTimeout'] });
  const socket = new FakeSocket();
  const sessions = new RtspSessionRegistry((seed) => new RtspSession({ ...seed, secure: false, host }));
  const conn = new RtspConn({
    socket: socket as unknown as Socket, secure: false, log: Logger.silent(), readTimeoutMs: READ_TIMEOUT_MS, handler, sessions, onClose: () => {},
  });
  const after = (ms: number): void => { t.mock.timers.tick(ms); conn.checkDeadlines(Date.now()); };
  t.after(() => conn.close());
  return { socket, conn, sessions, after };
}

const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r, undefined)); };

describe('RtspConn', () => {
  it('closes a connection whose request stays incomplete for readTimeout, however steadily bytes trickle (slowloris)', (t) => {
    const { socket, after } = open(t);
    for (const c of 'OPTIONS rtsp://h/ RTSP') { socket.receive(c); after(1000); if (socket.isDestroyed) break; }
    assert.equal(socket.isDestroyed, true);
    assert.ok(Date.now() >= READ_TIMEOUT_MS && Date.now() < READ_TIMEOUT_MS + 1000);
  });

  it('closes an idle connection after 60 s without a whole request', async (t) => {
    const { socket, after } = open(t);
    after(59_000);
    socket.receive('OPTIONS rtsp://h/ RTSP/1.0\r\nCSeq: 1\r\n\r\n');
    await settle();
    after(59_000);
    assert.equal(socket.isDestroyed, false, 'a whole request restarts the 60 s');
    after(1000);
    assert.equal(socket.isDestroyed, true);
  });

  it('allows readTimeout between interleaved frames while a TCP session records', (t) => {
    const { socket, conn, after } = open(t);
    const rec = conn.createSession();
    rec.state = 'record';
    rec.transportKind = 'tcp';
    conn.updateTimeout();
    after(READ_TIMEOUT_MS - 1000);
    socket.receive(buildInterleavedFrame(9, Buffer.from([1])));
    after(READ_TIMEOUT_MS - 1000);
    assert.equal(socket.isDestroyed, false);
    after(1000);
    assert.equal(socket.isDestroyed, true, 'no frame for readTimeout');
    assert.equal(rec.isClosed, true, 'sessions close with their connection');
  });

  it('sets no idle limit while a session plays or records over UDP', (t) => {
    const { socket, conn, after } = open(t);
    const s = conn.createSession();
    for (const state of ['play', 'record'] as const) {
      s.state = state;
      s.transportKind = 'udp';
      conn.updateTimeout();
      after(10 * 60_000);
      assert.equal(socket.isDestroyed, false, state);
    }
    s.state = 'prePlay';
    conn.updateTimeout();
    after(0);
    assert.equal(socket.isDestroyed, true, 'back to the idle limit after PAUSE');
  });

  it('closes the connection on an interleaved frame before PLAY or RECORD', (t) => {
    const { socket, conn } = open(t);
    conn.createSession();
    socket.receive(buildInterleavedFrame(0, Buffer.from([0x80, 0x60])));
    assert.equal(socket.isDestroyed, true);
  });

  it('ignores what the client sends while it flushes before closing (a session the path ended)', (t) => {
    const { socket, conn } = open(t);
    const session = conn.createSession();
    session.close(new Error('the stream is not available anymore'));
    assert.equal(socket.isDestroyed, false, 'flushing first');
    socket.receive(buildInterleavedFrame(1, Buffer.from([0x80, 0xc9, 0, 1, 0, 0, 0, 1])));
    assert.equal(socket.isDestroyed, false, 'late RTCP does not close it as a protocol violation');
    socket.emit('close');
    assert.equal(socket.isDestroyed, true);
  });

  it('answers requests in arrival order with their CSeq, and runs afterSend once the response is written', async (t) => {
    const handler = new FakeHandler({ DESCRIBE: 5 });
    const { socket } = open(t, handler);
    socket.receive('DESCRIBE rtsp://h/cam RTSP/1.0\r\nCSeq: 1\r\n\r\nOPTIONS rtsp://h/cam RTSP/1.0\r\nCSeq: 2\r\n\r\n');
    await settle();
    const heads = socket.written.map((b) => b.toString());
    assert.equal(heads.length, 2);
    assert.match(heads[0]!, /^RTSP\/1\.0 200 OK\r\nCSeq: 1\r\nServer: mediamtx-ts\r\n/);
    assert.match(heads[1]!, /CSeq: 2\r\n/);
    assert.deepEqual(handler.afterSends, ['DESCRIBE', 'OPTIONS']);
  });

  describe('on a fan-out shard', () => {
    /** A seat whose RemoteSocket records what the connection sends the shard, in order. */
    function seat(): { seat: RtspShardSeat; link: string[]; remote: () => RemoteSocket; adopted: () => unknown } {
      const link: string[] = [];
      let remote: RemoteSocket | undefined;
      let adopted: unknown;
      return {
        link, remote: () => remote!, adopted: () => adopted,
        seat: {
          seq: 7, release: () => link.push('release'), byes: () => [], nextSeq: () => 9,
          adopt: (socket) => {
            adopted = socket;
            remote = new RemoteSocket({ write: (b) => link.push(`write ${b.toString().split('\r\n')[0]}`), end: () => link.push('end'), close: () => link.push('close'),
              hold: () => link.push('hold'), resume: (seq) => link.push(`resume ${seq}`) });
            return remote;
          },
        },
      };
    }

    /** Closes the session on TEARDOWN, as the real handler does, and answers 200. */
    class TeardownHandler extends FakeHandler {
      override async handle(ctx: RtspConnContext, req: RtspRequest): Promise<RtspHandled> {
        if (req.method === 'TEARDOWN') ctx.latestSession()?.close();
        return super.handle(ctx, req);
      }
    }

    it('moves only a plain connection carrying one session and answering no request', async (t) => {
      const { conn, sessions, socket } = open(t, new FakeHandler({ OPTIONS: 5 }));
      assert.equal(conn.canMoveToShard(), false, 'no session');
      sessions.open(conn);
      assert.equal(conn.canMoveToShard(), true);
      socket.receive('OPTIONS rtsp://h/ RTSP/1.0\r\nCSeq: 1\r\n\r\n');
      assert.equal(conn.canMoveToShard(), false, 'a request in progress');
      await settle();
      assert.equal(conn.canMoveToShard(), true);
      sessions.open(conn);
      assert.equal(conn.canMoveToShard(), false, 'two sessions');
      const tls = new RtspConn({
        socket: new FakeSocket() as unknown as Socket, secure: true, log: Logger.silent(), readTimeoutMs: READ_TIMEOUT_MS, handler: new FakeHandler(), sessions, onClose: () => {},
      });
      t.after(() => tls.close());
      sessions.open(tls);
      assert.equal(tls.canMoveToShard(), false, 'RTSPS: the TLS state stays here');
    });

    it('parses what the shard forwards, answers through it, counts its reports, and ends the socket after a TEARDOWN\'s response', async (t) => {
      const { conn, sessions, socket } = open(t, new TeardownHandler());
      const session = sessions.open(conn);
      const s = seat();
      const counted: number[] = [];
      const remote = conn.moveToShard(s.seat, (n) => counted.push(n));
      assert.equal(remote, s.remote());
      assert.equal(s.adopted(), socket, 'the socket itself goes to the shard');
      assert.equal(socket.listenerCount('data'), 0, 'the connection no longer reads the socket');
      const sentBefore = conn.bytesSent;
      s.remote().received(Buffer.from('GET_PARAMETER rtsp://h/ RTSP/1.0\r\nCSeq: 2\r\n\r\n'));
      await settle();
      assert.deepEqual(s.link, ['write RTSP/1.0 200 OK']);
      assert.equal(socket.written.length, 0, 'nothing written to the socket here any more');
      assert.equal(conn.bytesSent, sentBefore, 'the shard counts the bytes it writes');
      s.remote().reported(1234, 0, 0);
      assert.equal(conn.bytesSent, sentBefore + 1234);
      assert.deepEqual(counted, [1234]);
      s.remote().received(Buffer.from('TEARDOWN rtsp://h/ RTSP/1.0\r\nCSeq: 3\r\n\r\n'));
      await settle();
      assert.equal(session.isClosed, true);
      assert.deepEqual(s.link, ['write RTSP/1.0 200 OK', 'write RTSP/1.0 200 OK', 'end'], 'the response, then the end');
      s.remote().ended();
      await settle();
      assert.equal(conn.canMoveToShard(), false);
      assert.equal(socket.isDestroyed, false, 'the socket is the shard\'s: closing goes through the RemoteSocket');
    });

    it('closes with the shard\'s error (write timeout, a dead shard)', async (t) => {
      const { conn, sessions } = open(t);
      const session = sessions.open(conn);
      const s = seat();
      conn.moveToShard(s.seat, () => undefined);
      s.remote().ended('write timeout');
      await settle();
      assert.equal(session.isClosed, true);
      assert.deepEqual(s.link, [], 'nothing more is sent to a socket the shard closed');
    });
  });
});
