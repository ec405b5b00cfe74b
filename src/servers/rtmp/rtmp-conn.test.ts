import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { waitFor } from '../../../test/support/process.ts';
import { FakePathAccess } from '../../../test/support/fake-path-access.ts';
import { openRawRtmp } from '../../../test/support/rtmp-raw-player.ts';
import { x264FixtureAccessUnits } from '../../../test/support/h264-fixture.ts';
import { Logger } from '../../lib/index.ts';
import { h264Format } from '../../formats/index.ts';
import {
  RtmpChunkReader, RtmpMessageType, UserControlEvent, commandMessage, parseCommand, serializeRtmpMessage, userControlMessage, type RtmpMessage,
} from '../../protocols/rtmp/index.ts';
import { Stream } from '../../stream/index.ts';
import { RtmpConn } from './rtmp-conn.ts';
import { RtmpServer } from './rtmp-server.ts';

/** A ready H264 stream (the fixture's parameter sets) for `paths` to hand to players. */
function h264Stream(): Stream {
  const first = x264FixtureAccessUnits()[0]!;
  const nalu = (type: number): Buffer => Buffer.from(first.find((n) => (n[0]! & 0x1f) === type)!);
  return new Stream({ medias: [{ kind: 'video', formats: [h264Format(96, nalu(7), nalu(8))] }] });
}

const bytes = (...ms: RtmpMessage[]): Buffer => Buffer.concat(ms.map((m) => serializeRtmpMessage(m, 128)));
const connect = (app: string): RtmpMessage => commandMessage({ name: 'connect', transactionId: 1, object: { app } });
const createStream = (): RtmpMessage => commandMessage({ name: 'createStream', transactionId: 2, object: null });
const play = (name: string): RtmpMessage => commandMessage({ name: 'play', transactionId: 0, object: null, args: [name], messageStreamId: 1 });
const publish = (name: string): RtmpMessage => commandMessage({ name: 'publish', transactionId: 0, object: null, args: [name, 'live'], messageStreamId: 1 });

describe('RtmpConn: a second publish/play while the first is being set up', () => {
  const paths = new FakePathAccess();
  const lines: string[] = [];
  let server: RtmpServer;
  before(async () => {
    server = await RtmpServer.listen({
      address: '127.0.0.1:0', readTimeoutMs: 5000, writeTimeoutMs: 5000, readBufferCount: 64, runOnConnect: '', runOnConnectRestart: false, runOnDisconnect: '',
      rtspPort: 8554, paths, log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }), fanoutShards: 0,
    });
  });
  after(() => server.close());

  // The second command arrives before the path manager answered the first: it must not take a lease of its own.
  const cases: [string, string, RtmpMessage, RtmpMessage, RegExp][] = [
    ['two plays in one write', 'twice', play('twice'), play('twice'), /closed: play on a busy connection/],
    ['publish after a play that is still being set up', 'mixed', play('mixed'), publish('other'), /closed: publish on a busy connection/],
  ];
  for (const [name, path, first, second, reason] of cases) {
    it(`${name}: the connection is closed and leaves no reader behind on the path or the stream`, async () => {
      const stream = h264Stream();
      paths.streams.set(`live/${path}`, stream);
      const conn = await openRawRtmp(server.port);
      conn.socket.write(bytes(connect('live'), createStream(), first, second));
      await conn.closed;
      await waitFor(() => server.connections().length === 0, { timeoutMs: 5000, what: 'the connection to leave the list' });
      const reads = paths.events.filter((e) => e === `read live/${path}`).length;
      const released = paths.events.filter((e) => e === `release reader live/${path}`).length;
      assert.equal(released, reads, `every reader lease taken is given back: ${paths.events.join(', ')}`);
      assert.equal(stream.readers.size, 0, 'no player is left attached to the stream');
      assert.ok(lines.some((l) => reason.test(l)), lines.slice(-5).join('\n'));
    });
  }

  it('play after publish: the connection is closed (no unhandled rejection)', async () => {
    const rejections: unknown[] = [];
    const onRejection = (r: unknown): void => { rejections.push(r); };
    process.on('unhandledRejection', onRejection);
    try {
      const conn = await openRawRtmp(server.port);
      conn.socket.write(bytes(connect('live'), createStream(), publish('pubplay'), play('pubplay')));
      const closedIn = await Promise.race([conn.closed, new Promise<string>((r) => setTimeout(() => r('open'), 2000))]);
      assert.notEqual(closedIn, 'open', 'the server closes a connection that plays while publishing');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(rejections, [], 'nothing escapes as an unhandled rejection');
      conn.socket.destroy();
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});

/** A socket that takes every write and never flushes one: a client that sends but does not read. */
class UnreadSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 40000;
  readonly bytesRead = 0;
  destroyed = false;
  /** Bytes written and not flushed (never: the peer does not read). */
  writableLength = 0;
  setNoDelay(): this { return this; }
  setTimeout(): this { return this; }
  write(b: Buffer): boolean { this.writableLength += b.length; return false; }
  destroy(): this { if (!this.destroyed) { this.destroyed = true; this.emit('close'); } return this; }
}

describe('RtmpConn: a client that makes the server answer without reading the answers', () => {
  it('is closed once its unread answers pile up, instead of growing the write buffer with every ping', () => {
    const socket = new UnreadSocket();
    let closed = false;
    const host = { paths: new FakePathAccess(), readTimeoutMs: 60_000, writeTimeoutMs: 10_000, readBufferCount: 64, fanout: undefined, muxerFor: () => { throw new Error('no player here'); } };
    const conn = new RtmpConn(socket as unknown as Socket, host, { secure: false, log: Logger.create({ level: 'error', destinations: [], sink: () => {} }), onClose: () => { closed = true; } });
    try {
      socket.emit('data', Buffer.concat([Buffer.from([3]), Buffer.alloc(1536 * 2)])); // C0, C1, C2
      socket.emit('data', bytes(connect('live')));
      const ping = serializeRtmpMessage(userControlMessage(UserControlEvent.PingRequest, 1), 128);
      const batch = Buffer.concat(Array.from({ length: 1000 }, () => ping));
      // 100,000 pings (1.8 MB) would leave 1.8 MB of answers in the write buffer.
      for (let i = 0; i < 100 && !closed; i++) socket.emit('data', batch);
      assert.ok(closed, `the connection is closed (holding ${socket.writableLength} unsent bytes)`);
      assert.ok(socket.writableLength <= 512 * 1024, `at most a bounded amount of answers is held: ${socket.writableLength} bytes`);
    } finally {
      conn.close();
    }
  });
});

/** onStatus codes a raw client receives after its handshake, as they arrive. */
function statusCodes(socket: Socket): string[] {
  const codes: string[] = [];
  const reader = new RtmpChunkReader();
  socket.on('data', (d: Buffer) => {
    for (const m of reader.push(d)) {
      if (m.type !== RtmpMessageType.CommandAmf0) continue;
      const c = parseCommand(m.body);
      const info = c.args[0] as { code?: string; level?: string } | undefined;
      if (c.name === 'onStatus' && info?.code) codes.push(`${info.level} ${info.code}`);
    }
  });
  return codes;
}

describe('RtmpConn: credentials are checked before the publish or play is answered (as MediaMTX)', () => {
  const paths = new FakePathAccess();
  paths.protectedPaths.add('live/locked');
  const lines: string[] = [];
  let server: RtmpServer;
  before(async () => {
    server = await RtmpServer.listen({
      address: '127.0.0.1:0', readTimeoutMs: 5000, writeTimeoutMs: 5000, readBufferCount: 64, runOnConnect: '', runOnConnectRestart: false, runOnDisconnect: '',
      rtspPort: 8554, paths, log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }), fanoutShards: 0,
    });
  });
  after(() => server.close());

  it('a refused publisher hears NetStream.Publish.Unauthorized, never Publish.Start, then the server closes its side', async () => {
    const conn = await openRawRtmp(server.port);
    const codes = statusCodes(conn.socket);
    conn.socket.write(bytes(connect('live'), createStream(), publish('locked')));
    await conn.closed;
    assert.deepEqual(codes, ['error NetStream.Publish.Unauthorized']);
    assert.ok(!paths.events.includes('publish live/locked'), 'no publisher was added');
    await waitFor(() => lines.some((l) => /closed: credentials required/.test(l)), { timeoutMs: 5000, what: 'the close line with its reason' });
  });

  it('a refused player hears NetStream.Play.Failed', async () => {
    paths.streams.set('live/locked', h264Stream());
    const conn = await openRawRtmp(server.port);
    const codes = statusCodes(conn.socket);
    conn.socket.write(bytes(connect('live'), createStream(), play('locked')));
    await conn.closed;
    assert.deepEqual(codes, ['error NetStream.Play.Failed']);
  });

  it('an accepted publisher hears Publish.Start once authorized, and its request is the one that publishes', async () => {
    const conn = await openRawRtmp(server.port);
    const codes = statusCodes(conn.socket);
    conn.socket.write(bytes(connect('live'), createStream(), publish('open')));
    await waitFor(() => codes.length > 0, { timeoutMs: 5000, what: 'an onStatus' });
    assert.deepEqual(codes, ['status NetStream.Publish.Start']);
    conn.socket.destroy();
  });
});
