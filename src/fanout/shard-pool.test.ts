import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../lib/index.ts';
import type { RemoteSocket } from './remote-socket.ts';
import { ShardPool, type ShardSeat } from './shard-pool.ts';
import type { ShardReaderLimits } from './shard-wire.ts';
import { tcpPair, type TcpPair } from './test-support/tcp-pair.ts';

const LIMITS: ShardReaderLimits = { queueSize: 64, highWaterBytes: 4 * 1024 * 1024, writeTimeoutMs: 5000 };
// A shard starts a Node process with tsx: slow on a loaded machine, but bounded.
const START_MS = 8000;

/** Polls `f` every few ms until it returns something other than undefined/false. */
async function until<T>(f: () => T | undefined | false, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}


/** Waits for the pool's shard to be ready and takes a seat on it for `feed`. */
async function seatOf(pool: ShardPool, feed: ReturnType<ShardPool['feed']>): Promise<ShardSeat> {
  return until(() => pool.seat(feed), START_MS, 'a ready shard');
}

const record = (i: number, size = 20): Buffer => {
  const head = Buffer.from(`<record ${i}:`);
  const b = Buffer.alloc(Math.max(size, head.length + 1), 0x61 + (i % 26));
  head.copy(b);
  b[b.length - 1] = 0x3e; // '>'
  return b;
};

/** The records and own messages in `b`, in order, as short tokens: `r3` (record 3), `[own 1]`, or `?n` for n stray bytes. */
function sketch(b: Buffer): string {
  const text = b.toString('latin1');
  const out: string[] = [];
  const re = /\[own \d+\]|<record (\d+):[a-z]*>/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) out.push(`?${m.index - at}`);
    out.push(m[1] === undefined ? m[0] : `r${m[1]}`);
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(`?${text.length - at}`);
  return out.join(' ');
}

/** Asserts `got` is exactly `want`, with a readable message when it is not. */
function assertSameBytes(got: Buffer, want: Buffer): void {
  assert.equal(sketch(got), sketch(want));
  assert.ok(got.equals(want), 'same records, different bytes');
}

describe('ShardPool on demand (minLoad)', () => {
  it('starts no shard and gives no seat while this process is less busy than minLoad; once one runs, seats whatever the load; stops it when idle', { timeout: 30_000 }, async () => {
    let load = 0.3;
    const pool = new ShardPool({ shards: 1, ringSize: 64, log: Logger.silent(), execArgv: ['--import', 'tsx'], minLoad: 0.5, load: () => load, idleStopMs: 400 });
    try {
      const feed = pool.feed();
      for (let i = 0; i < 20; i++) assert.equal(pool.seat(feed), undefined);
      assert.equal(pool.wantsReaders(), false);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(pool.started, 0, 'no shard process was started');
      load = 0.6;
      assert.equal(pool.wantsReaders(), true);
      const first = await seatOf(pool, feed);
      assert.equal(pool.started, 1);
      load = 0.1;
      const second = await seatOf(pool, feed);
      first.release();
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(pool.started, 1, 'a shard with a reader keeps running');
      second.release();
      // Without readers for idleStopMs it is stopped, and with the load low none starts again.
      await until(() => pool.started === 0, 5000, 'the idle shard to stop');
      assert.equal(pool.wantsReaders(), false);
      assert.equal(pool.seat(feed), undefined);
      // It starts again, at once (no respawn backoff after a stop), when the load asks.
      load = 0.7;
      assert.equal(pool.seat(feed), undefined, 'not ready yet');
      assert.equal(pool.started, 1);
      (await seatOf(pool, feed)).release();
    } finally {
      pool.close();
    }
  });

  it('with two shards, starts both only under load, stops both when idle (the one that never had a reader too), and starts none again while the load is low', { timeout: 30_000 }, async () => {
    let load = 0.9;
    const pool = new ShardPool({ shards: 2, ringSize: 64, log: Logger.silent(), execArgv: ['--import', 'tsx'], minLoad: 0.5, load: () => load, idleStopMs: 400 });
    try {
      const feed = pool.feed();
      const seat = await seatOf(pool, feed);
      assert.equal(pool.started, 2, 'both shards started under load');
      load = 0.1;
      // While one runs, seats are given on it, and no stopped shard is started for them.
      await until(() => pool.started === 1, 5000, 'the shard without readers to stop');
      const again = pool.seat(feed);
      assert.ok(again, 'a seat on the running shard');
      again.release();
      seat.release();
      await until(() => pool.started === 0, 5000, 'the last shard to stop');
      for (let i = 0; i < 10; i++) assert.equal(pool.seat(feed), undefined);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(pool.started, 0, 'none started again at low load');
      // Under load again, both start at once: no respawn backoff after a stop.
      load = 0.9;
      assert.equal(pool.seat(feed), undefined, 'none is ready yet');
      assert.equal(pool.started, 2);
    } finally {
      pool.close();
    }
  });

  it('with minLoad 0 (the default), starts a shard for the first seat asked and keeps it without readers', { timeout: 20_000 }, async () => {
    const pool = new ShardPool({ shards: 1, ringSize: 64, log: Logger.silent(), execArgv: ['--import', 'tsx'], load: () => 0, idleStopMs: 200 });
    try {
      assert.equal(pool.wantsReaders(), true);
      (await seatOf(pool, pool.feed())).release();
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(pool.started, 1);
    } finally {
      pool.close();
    }
  });
});

describe('ShardPool with a forked shard', () => {
  it('moves a socket to the shard and writes the feed from the seat seq on, with the connection\'s own bytes between records', { timeout: 20_000 }, async () => {
    const pool = new ShardPool({ shards: 1, ringSize: 64, log: Logger.silent(), execArgv: ['--import', 'tsx'] });
    let pair: TcpPair | undefined;
    try {
      const feed = pool.feed();
      assert.equal(pool.seat(feed), undefined, 'no shard is ready at first (this call starts it)');
      assert.deepEqual(pool.pids, [], 'a shard that is not ready is not listed');
      const seat = await seatOf(pool, feed);
      assert.equal(pool.pids.length, 1);
      const pid = pool.pids[0]!;
      assert.ok(alive(pid));
      pair = await tcpPair();
      const p = pair;

      // Records before the seat's seq reach the shard but are not this reader's.
      feed.write(record(0));
      feed.write(record(1));
      const start = feed.nextSeq;
      assert.equal(start, 2);
      const remote = seat.adopt(p.server, start, LIMITS);
      assert.ok(remote);
      const errors: Error[] = [];
      remote.on('error', (e: Error) => errors.push(e));
      let closes = 0;
      remote.on('close', () => { closes++; });
      const inbound: Buffer[] = [];
      remote.on('data', (d: Buffer) => inbound.push(d));

      const expected: Buffer[] = [];
      const own = (b: Buffer): void => { remote.write(b); expected.push(b); };
      const media = (i: number, size?: number): void => { const b = record(i, size); feed.write(b); expected.push(b); };
      own(Buffer.from('[own 0]')); // written right after the adopt: before every record from the seq on
      media(2);
      media(3, 300_000); // several pipe reads
      media(4);
      media(5, 70_000);
      await until(() => p.received().length >= Buffer.concat(expected).length, 5000, 'the first records');
      assertSameBytes(p.received(), Buffer.concat(expected));

      // The socket is on the shard now: the connection's own bytes land exactly between the records written around them.
      media(6);
      own(Buffer.from('[own 1]'));
      media(7);
      own(Buffer.from('[own 2]'));
      own(Buffer.from('[own 3]'));
      media(8);
      await new Promise((r) => setTimeout(r, 20));
      media(9);
      own(Buffer.from('[own 4]'));
      const all = Buffer.concat(expected);
      await until(() => p.received().length >= all.length, 5000, 'all records');
      await new Promise((r) => setTimeout(r, 50)); // nothing more arrives
      assertSameBytes(p.received(), all);
      assert.equal(feed.nextSeq, 10);

      // What the client sends comes back as 'data'.
      p.client.write('hello from the player');
      await until(() => Buffer.concat(inbound).length >= 21, 3000, 'the client\'s bytes');
      assert.equal(Buffer.concat(inbound).toString(), 'hello from the player');

      // Once a second the shard reports what it wrote.
      await until(() => remote.bytesWritten === all.length, 2500, `bytesWritten ${all.length} (now ${remote.bytesWritten})`);
      assert.equal(remote.discarded, 0);
      assert.deepEqual(errors, []);

      // Destroying the remote closes the client's connection.
      remote.destroy();
      assert.equal(remote.destroyed, true);
      await until(() => p.ended(), 3000, 'the client to see the end');
      await until(() => closes === 1, 1000, 'the remote\'s close');
      assert.deepEqual(errors, []);
      remote.write(Buffer.from('after close')); // ignored, no throw

      pool.close();
      await until(() => !alive(pid), 3000, `shard ${pid} to exit`);
      assert.deepEqual(pool.pids, []);
      assert.equal(pool.seat(feed), undefined, 'a closed pool seats nobody');
    } finally {
      pool.close();
      pair?.close();
    }
  });

  it('keeps each connection\'s order when several sockets move at once, and closes them all, with an error, when the shard dies', { timeout: 20_000 }, async () => {
    const pool = new ShardPool({ shards: 1, ringSize: 64, log: Logger.silent(), execArgv: ['--import', 'tsx'] });
    const pairs: TcpPair[] = [];
    try {
      const feed = pool.feed();
      pool.seat(feed);
      const seats = [await seatOf(pool, feed), pool.seat(feed)!, pool.seat(feed)!];
      assert.ok(seats.every((s) => s !== undefined));
      const pid = pool.pids[0]!;
      for (let i = 0; i < seats.length; i++) pairs.push(await tcpPair());
      // Handles go one at a time over the IPC channel: the records and bytes of the later ones arrive before them.
      const start = feed.nextSeq;
      const remotes: RemoteSocket[] = seats.map((seat, i) => seat.adopt(pairs[i]!.server, start, LIMITS)!);
      const errors: Error[][] = remotes.map(() => []);
      const closes = remotes.map(() => 0);
      remotes.forEach((r, i) => { r.on('error', (e: Error) => errors[i]!.push(e)); r.on('close', () => { closes[i]!++; }); });
      const a = record(0);
      const b = record(1);
      feed.write(a);
      remotes.forEach((r, i) => r.write(Buffer.from(`[own ${i}]`)));
      feed.write(b);
      for (let i = 0; i < pairs.length; i++) {
        const want = Buffer.concat([a, Buffer.from(`[own ${i}]`), b]);
        await until(() => pairs[i]!.received().length >= want.length, 5000, `the records of connection ${i}`);
        assertSameBytes(pairs[i]!.received(), want);
      }

      process.kill(pid, 'SIGKILL');
      await until(() => closes.every((n) => n === 1), 3000, 'the remotes\' close');
      for (const e of errors) {
        assert.equal(e.length, 1);
        assert.match(e[0]!.message, /exited/);
      }
      assert.ok(remotes.every((r) => r.destroyed));
      await until(() => pairs.every((p) => p.ended()), 3000, 'the clients to see the end');
      assert.deepEqual(pool.pids, []);
      assert.equal(pool.seat(feed), undefined, 'no shard is ready until the respawn');
      feed.write(record(2)); // no shard to send it to: nothing throws
    } finally {
      pool.close();
      for (const p of pairs) p.close();
    }
  });

  it('refuses the adopt of a seat taken on a shard that died meanwhile, even once a new shard runs in its slot', { timeout: 30_000 }, async () => {
    const pool = new ShardPool({ shards: 1, ringSize: 64, log: Logger.silent(), execArgv: ['--import', 'tsx'] });
    let pair: TcpPair | undefined;
    try {
      const feed = pool.feed();
      // Taken while the player's socket drains: the seat's shard dies before the socket goes.
      const stale = await seatOf(pool, feed);
      const seq = feed.nextSeq;
      const pid = pool.pids[0]!;
      process.kill(pid, 'SIGKILL');
      await until(() => pool.started === 0, 5000, 'the shard\'s exit');
      feed.write(record(0)); // written while no shard runs: the new one never gets it
      // The respawn (after its backoff) serves new seats.
      const fresh = await until(() => pool.seat(pool.feed()), 15_000, 'the respawned shard');
      fresh.release();
      assert.notEqual(pool.pids[0], pid);
      pair = await tcpPair();
      // The new process never got the records from `seq` on: adopting there would play a gap as if nothing was lost.
      const remote = stale.adopt(pair.server, seq, LIMITS);
      assert.equal(remote, undefined);
    } finally {
      pool.close();
      pair?.close();
    }
  });

  it('sends a record given in pieces as one record, and end() closes the socket after the bytes written before it', { timeout: 20_000 }, async () => {
    const pool = new ShardPool({ shards: 1, ringSize: 64, log: Logger.silent(), execArgv: ['--import', 'tsx'] });
    let pair: TcpPair | undefined;
    try {
      const feed = pool.feed();
      pool.seat(feed);
      const seat = await seatOf(pool, feed);
      pair = await tcpPair();
      const p = pair;
      const remote = seat.adopt(p.server, feed.nextSeq, LIMITS)!;
      let closes = 0;
      remote.on('close', () => { closes++; });
      const a = record(0, 40);
      const pieces = [Buffer.from('<record 1:'), Buffer.alloc(0), Buffer.from('bbbb'), Buffer.from('bb>')];
      feed.write(a);
      feed.write(pieces);
      assert.equal(feed.nextSeq, 2, 'the pieces are one record');
      remote.write(Buffer.from('[own 0]'));
      remote.end();
      remote.write(Buffer.from('[own 1]')); // after end(): not sent
      feed.write(record(2)); // after the End record on the pipe: not written to this socket
      const want = Buffer.concat([a, ...pieces, Buffer.from('[own 0]')]);
      await until(() => p.ended(), 5000, 'the client to see the end');
      assertSameBytes(p.received(), want);
      await until(() => closes === 1, 3000, 'the remote\'s close once the shard reports it');
      assert.equal(remote.destroyed, true);
    } finally {
      pool.close();
      pair?.close();
    }
  });

  it('drops only media while a stalled shard\'s pipe is over its backlog: a connection\'s own bytes still arrive', { timeout: 30_000 }, async () => {
    const pool = new ShardPool({ shards: 1, ringSize: 64, log: Logger.silent(), execArgv: ['--import', 'tsx'] });
    let pair: TcpPair | undefined;
    let stopped: number | undefined;
    try {
      const feed = pool.feed();
      pool.seat(feed);
      const seat = await seatOf(pool, feed);
      pair = await tcpPair();
      const p = pair;
      const remote = seat.adopt(p.server, feed.nextSeq, LIMITS)!;
      stopped = pool.pids[0]!;
      process.kill(stopped, 'SIGSTOP');
      // 40 MiB of media on a pipe nobody reads: past the 32 MiB backlog the rest is dropped (the process keeps nothing).
      const big = Buffer.alloc(1024 * 1024, 0x61);
      for (let i = 0; i < 40; i++) feed.write(big);
      remote.write(Buffer.from('[own 0]'));
      process.kill(stopped, 'SIGCONT');
      stopped = undefined;
      await until(() => p.received().includes('[own 0]'), 15_000, 'the connection\'s own bytes');
    } finally {
      if (stopped !== undefined) process.kill(stopped, 'SIGCONT');
      pool.close();
      pair?.close();
    }
  });
});
