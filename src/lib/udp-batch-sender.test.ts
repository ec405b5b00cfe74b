import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket, type SocketType } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Logger } from './logger.ts';
import { UDP_SEND_THREADS_ENV, UdpBatchSender, dgramSocketFd, loadUdpBatchAddon, udpSendThreads, type UdpBatchAddon } from './udp-batch-sender.ts';
import { waitFor } from '../../test/support/process.ts';

// The addon is compiled into a temporary folder by the same script npm runs at install, so this test covers the C
// source as it is now, built or not in native/udp-batch/build. `npm test` installs the compiler first
// (scripts/ensure-clients.sh): a missing toolchain or a compiler error fails the native tests, never skips them.
const dir = mkdtempSync(join(tmpdir(), 'mtx-udp-batch-'));
const addonPath = join(dir, 'udp_batch.node');
const buildOutput = execFileSync('bash', [resolve(import.meta.dirname, '../../scripts/build-native.sh'), addonPath], { encoding: 'utf8' }).trim();
const addon = loadUdpBatchAddon(undefined, addonPath);
after(() => rmSync(dir, { recursive: true, force: true }));

async function bound(type: SocketType, host: string): Promise<Socket> {
  const s = createSocket({ type, ipv6Only: false, recvBufferSize: 4 * 1024 * 1024 });
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  return s;
}

/** A loopback receiver that records the datagrams it gets, as strings. */
async function receiver(): Promise<{ socket: Socket; port: number; got: string[] }> {
  const socket = await bound('udp4', '127.0.0.1');
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString()));
  return { socket, port: socket.address().port, got };
}

// sendThreads 0: sendmmsg on the event loop; > 0: on libuv's pool threads, every lot however small (asyncMin 0).
const modes: { name: string; addon: () => UdpBatchAddon | undefined; useGso: boolean; sendThreads: number }[] = [
  { name: 'with the addon (sendmmsg and GSO)', addon: () => addon, useGso: true, sendThreads: 0 },
  { name: 'with the addon (sendmmsg without GSO)', addon: () => addon, useGso: false, sendThreads: 0 },
  { name: 'with the addon on 2 send threads (sendmmsg and GSO)', addon: () => addon, useGso: true, sendThreads: 2 },
  { name: 'with the addon on 1 send thread (sendmmsg without GSO)', addon: () => addon, useGso: false, sendThreads: 1 },
  { name: 'without the addon (dgram fallback)', addon: () => undefined, useGso: true, sendThreads: 0 },
];

for (const mode of modes) {
  describe(`UdpBatchSender ${mode.name}`, () => {
    let a: Awaited<ReturnType<typeof receiver>>;
    let b: Awaited<ReturnType<typeof receiver>>;
    before(async () => {
      if (mode.name.startsWith('with the addon')) assert.ok(addon, `the addon did not build or load: ${buildOutput}`);
      a = await receiver();
      b = await receiver();
    });
    after(() => { a.socket.close(); b.socket.close(); });

    for (const [type, host, dest] of [['udp4', '127.0.0.1', '127.0.0.1'], ['udp6', '::', '::ffff:127.0.0.1']] as const) {
      it(`delivers every datagram in order to the right port from a ${type === 'udp4' ? 'IPv4' : 'dual-stack'} socket`, async () => {
        a.got.length = 0; b.got.length = 0;
        const tx = await bound(type, host);
        const sender = new UdpBatchSender({ socket: tx, addon: mode.addon(), useGso: mode.useGso, sendThreads: mode.sendThreads, asyncMinDatagrams: 0 });
        // More than one sendmmsg chunk (256), interleaved between two readers as a fan-out is.
        for (let i = 0; i < 700; i++) {
          sender.send(Buffer.from(`a${i}`), a.port, dest);
          sender.send(Buffer.from(`b${i}`), b.port, dest);
        }
        await waitFor(() => a.got.length === 700 && b.got.length === 700, { timeoutMs: 5000, what: 'all datagrams' });
        assert.deepEqual(a.got, Array.from({ length: 700 }, (_, i) => `a${i}`));
        assert.deepEqual(b.got, Array.from({ length: 700 }, (_, i) => `b${i}`));
        const native = mode.addon() !== undefined;
        assert.equal(sender.isNative, native);
        assert.equal(sender.sendThreads, mode.sendThreads, 'send threads in use');
        if (mode.sendThreads > 0) {
          // One flush for the whole turn, split over the lanes the two readers fall in: one send per lane.
          const { asyncBatches, ...rest } = sender.stats;
          assert.ok(asyncBatches >= 1 && asyncBatches <= mode.sendThreads, `one pool send per lane used, saw ${asyncBatches}`);
          assert.deepEqual(rest, { sentBatched: 1400, sentDgram: 0, batches: asyncBatches, dropped: 0 });
        } else {
          assert.deepEqual(sender.stats, native
            ? { sentBatched: 1400, sentDgram: 0, batches: 1, dropped: 0, asyncBatches: 0 }   // one flush for the whole turn
            : { sentBatched: 0, sentDgram: 1400, batches: 0, dropped: 0, asyncBatches: 0 });
        }
        sender.close();
        tx.close();
      });
    }

    it('keeps the boundaries of runs of equal-size datagrams to one reader (a frame\'s RTP packets)', async () => {
      a.got.length = 0; b.got.length = 0;
      const tx = await bound('udp6', '::');
      const sender = new UdpBatchSender({ socket: tx, addon: mode.addon(), useGso: mode.useGso, sendThreads: mode.sendThreads, asyncMinDatagrams: 0 });
      // Per reader and frame: 80 full packets (more than one GSO message takes), a shorter last one, an empty one.
      const frame = (tag: string, f: number): string[] => [
        ...Array.from({ length: 80 }, (_, i) => `${tag}${f}.${i}:`.padEnd(1200, '.')), `${tag}${f}.end`, '',
      ];
      const expected = { a: [] as string[], b: [] as string[] };
      for (let f = 0; f < 3; f++) {
        for (const [tag, r] of [['a', a], ['b', b]] as const) {
          for (const d of frame(tag, f)) { sender.send(Buffer.from(d), r.port, '::ffff:127.0.0.1'); expected[tag].push(d); }
        }
      }
      await waitFor(() => a.got.length === expected.a.length && b.got.length === expected.b.length, { timeoutMs: 5000, what: 'all datagrams' });
      assert.deepEqual(a.got, expected.a);
      assert.deepEqual(b.got, expected.b);
      sender.close();
      tx.close();
    });

    it('flushes at once when the queue is full, losing nothing', async () => {
      a.got.length = 0;
      const tx = await bound('udp4', '127.0.0.1');
      const sender = new UdpBatchSender({ socket: tx, addon: mode.addon(), useGso: mode.useGso, sendThreads: mode.sendThreads, asyncMinDatagrams: 0, maxQueued: 10 });
      for (let i = 0; i < 15; i++) sender.send(Buffer.from(`a${i}`), a.port, '127.0.0.1');
      // The 11th send found the queue full and sent the first 10 before this turn ends (on a pool thread: started
      // them); the other 5 wait for the flush.
      if (mode.sendThreads > 0) assert.equal(sender.stats.asyncBatches, 1, 'one pool send started');
      else assert.equal(sender.stats.sentBatched + sender.stats.sentDgram, 10, 'the first 10 sent at once');
      await waitFor(() => a.got.length === 15, { timeoutMs: 5000, what: 'all datagrams' });
      assert.deepEqual(a.got, Array.from({ length: 15 }, (_, i) => `a${i}`));
      assert.equal(sender.stats.dropped, 0);
      sender.close();
      tx.close();
    });
  });
}

describe('UdpBatchSender with the addon, partial sends', () => {
  it('sends what sendmmsg left with dgram, after what it sent, in order', async () => {
    assert.ok(addon, buildOutput);
    const r = await receiver();
    const tx = await bound('udp4', '127.0.0.1');
    // sendmmsg sends a prefix when the socket buffer fills (EAGAIN after some): here 3 of each call.
    const short: UdpBatchAddon = { sendmmsg: (fd, bufs, ports, addrs, count) => addon.sendmmsg(fd, bufs, ports, addrs, Math.min(3, count)) };
    const sender = new UdpBatchSender({ socket: tx, addon: short, sendThreads: 0 });
    for (let i = 0; i < 10; i++) sender.send(Buffer.from(`m${i}`), r.port, '127.0.0.1');
    await waitFor(() => r.got.length === 10, { timeoutMs: 5000, what: 'all datagrams' });
    assert.deepEqual(r.got, Array.from({ length: 10 }, (_, i) => `m${i}`));
    assert.deepEqual(sender.stats, { sentBatched: 3, sentDgram: 7, batches: 1, dropped: 0, asyncBatches: 0 });
    r.socket.close();
    tx.close();
  });

  it('drops and counts what neither sendmmsg nor dgram\'s bounded queue takes', async () => {
    const r = await receiver();
    const tx = await bound('udp4', '127.0.0.1');
    const short: UdpBatchAddon = { sendmmsg: (fd, bufs, ports, addrs, count) => addon!.sendmmsg(fd, bufs, ports, addrs, Math.min(3, count)) };
    const dropped: number[] = [];
    // maxPendingBytes 0: dgram's queue counts as full, as behind a link that returns EAGAIN.
    const sender = new UdpBatchSender({ socket: tx, addon: short, sendThreads: 0, maxPendingBytes: 0, onDropped: (n) => dropped.push(n) });
    for (let i = 0; i < 10; i++) sender.send(Buffer.from(`m${i}`), r.port, '127.0.0.1');
    sender.flush();
    assert.deepEqual(sender.stats, { sentBatched: 3, sentDgram: 0, batches: 1, dropped: 7, asyncBatches: 0 });
    assert.deepEqual(dropped, [7]);
    await waitFor(() => r.got.length === 3, { timeoutMs: 5000, what: 'the datagrams sendmmsg sent' });
    assert.deepEqual(r.got, ['m0', 'm1', 'm2']);
    r.socket.close();
    tx.close();
  });

  it('sends everything with dgram when sendmmsg sent nothing (EAGAIN)', async () => {
    const r = await receiver();
    const tx = await bound('udp4', '127.0.0.1');
    const sender = new UdpBatchSender({ socket: tx, addon: { sendmmsg: () => -11 }, sendThreads: 0 });
    for (let i = 0; i < 5; i++) sender.send(Buffer.from(`m${i}`), r.port, '127.0.0.1');
    await waitFor(() => r.got.length === 5, { timeoutMs: 5000, what: 'all datagrams' });
    assert.deepEqual(r.got, ['m0', 'm1', 'm2', 'm3', 'm4']);
    assert.deepEqual(sender.stats, { sentBatched: 0, sentDgram: 5, batches: 1, dropped: 0, asyncBatches: 0 });
    r.socket.close();
    tx.close();
  });
});

describe('UdpBatchSender on send threads', () => {
  /** The real addon's sends, with the pool's answer held back by `delayMs` and cut to `limit` datagrams. */
  function slowAddon(delayMs: number, limit = Infinity): UdpBatchAddon {
    return {
      sendmmsg: (...a) => addon!.sendmmsg(...a),
      sendmmsgAsync: (fd, bufs, ports, addrs, count, gso, done) => {
        const n = Math.min(count, limit);
        addon!.sendmmsgAsync!(fd, bufs, ports, addrs, n, gso, (r) => { setTimeout(() => done(r), delayMs); });
      },
    };
  }

  /** Runs `body` with a receiver and a sending socket, closing both however it ends (an open socket keeps the run alive). */
  async function withPair(body: (r: Awaited<ReturnType<typeof receiver>>, tx: Socket) => Promise<void>): Promise<void> {
    const r = await receiver();
    const tx = await bound('udp4', '127.0.0.1');
    try {
      await body(r, tx);
    } finally {
      r.socket.close();
      try { tx.close(); } catch { /* closed by the test */ }
    }
  }

  it('keeps each destination in order across flushes while a lane\'s send is in flight', async () => {
    assert.ok(addon?.sendmmsgAsync, buildOutput);
    await withPair(async (r, tx) => {
      const sender = new UdpBatchSender({ socket: tx, addon: slowAddon(30), sendThreads: 1, asyncMinDatagrams: 0 });
      for (let i = 0; i < 5; i++) sender.send(Buffer.from(`m${i}`), r.port, '127.0.0.1');
      sender.flush(); // in flight for 30 ms
      for (let i = 5; i < 10; i++) sender.send(Buffer.from(`m${i}`), r.port, '127.0.0.1');
      sender.flush(); // waits in the lane
      assert.equal(sender.stats.asyncBatches, 1, 'the second lot waits for the first send');
      await waitFor(() => r.got.length === 10 && sender.stats.sentBatched === 10, { timeoutMs: 5000, what: 'all datagrams' });
      assert.deepEqual(r.got, Array.from({ length: 10 }, (_, i) => `m${i}`));
      assert.equal(sender.stats.asyncBatches, 2);
    });
  });

  it('sends what a pool send left with dgram, in order, and drops what a busy lane cannot hold', async () => {
    assert.ok(addon?.sendmmsgAsync, buildOutput);
    await withPair(async (r, tx) => {
      const dropped: number[] = [];
      const sender = new UdpBatchSender({ socket: tx, addon: slowAddon(30, 3), sendThreads: 1, asyncMinDatagrams: 0, maxLaneDatagrams: 4, onDropped: (n) => dropped.push(n) });
      for (let i = 0; i < 4; i++) sender.send(Buffer.from(`m${i}`), r.port, '127.0.0.1'); // 4 datagrams: the lane's limit
      sender.flush();
      for (let i = 4; i < 9; i++) sender.send(Buffer.from(`n${i}`), r.port, '127.0.0.1'); // 4 fit, 1 dropped
      sender.flush();
      await waitFor(() => r.got.length === 8, { timeoutMs: 5000, what: 'the datagrams kept' });
      assert.deepEqual(r.got, ['m0', 'm1', 'm2', 'm3', 'n4', 'n5', 'n6', 'n7']);
      assert.deepEqual(dropped, [1]);
      assert.equal(sender.stats.dropped, 1);
      assert.ok(sender.stats.sentDgram >= 1, `what the pool send left went through dgram, saw ${JSON.stringify(sender.stats)}`);
    });
  });

  it('lets the socket\'s owner close it while a send is in flight (the pool thread sends on its own descriptor)', async () => {
    assert.ok(addon?.sendmmsgAsync, buildOutput);
    await withPair(async (r, tx) => {
      const sender = new UdpBatchSender({ socket: tx, addon, sendThreads: 1, asyncMinDatagrams: 0 });
      for (let i = 0; i < 50; i++) sender.send(Buffer.from(`m${i}`), r.port, '127.0.0.1');
      sender.close();
      tx.close();
      await waitFor(() => r.got.length === 50, { timeoutMs: 5000, what: 'the datagrams of the send in flight' });
      assert.deepEqual(r.got, Array.from({ length: 50 }, (_, i) => `m${i}`));
    });
  });

  it('uses the send threads the environment asks for (at most 3), none by default', () => {
    const CASES: readonly [NodeJS.ProcessEnv, number][] = [
      [{}, 0], [{ [UDP_SEND_THREADS_ENV]: '0' }, 0], [{ [UDP_SEND_THREADS_ENV]: '2' }, 2], [{ [UDP_SEND_THREADS_ENV]: '9' }, 3],
      [{ [UDP_SEND_THREADS_ENV]: 'x' }, 0], [{ [UDP_SEND_THREADS_ENV]: '' }, 0], [{ [UDP_SEND_THREADS_ENV]: '-1' }, 0],
    ];
    for (const [env, want] of CASES) assert.equal(udpSendThreads(env), want, JSON.stringify(env));
  });

  it('sends on the event loop when the addon has no pool send (an older build)', async () => {
    await withPair(async (r, tx) => {
      const sender = new UdpBatchSender({ socket: tx, addon: { sendmmsg: (...a) => addon!.sendmmsg(...a) }, sendThreads: 2 });
      assert.equal(sender.sendThreads, 0);
      for (let i = 0; i < 5; i++) sender.send(Buffer.from(`m${i}`), r.port, '127.0.0.1');
      await waitFor(() => r.got.length === 5, { timeoutMs: 5000, what: 'all datagrams' });
      assert.equal(sender.stats.asyncBatches, 0);
    });
  });
});

describe('udp_batch addon', () => {
  it('is built by scripts/build-native.sh with the toolchain npm test installs', () => {
    // Without it every "with the addon" case below would silently test the dgram fallback.
    assert.ok(addon, `the addon did not build or load: ${buildOutput}`);
  });

  it('takes pre-parsed addresses and returns -EINVAL for an address or port it cannot use', async () => {
    assert.ok(addon, buildOutput);
    const r = await receiver();
    const tx = await bound('udp6', '::');
    const fd = dgramSocketFd(tx)!;
    const mapped = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
    assert.equal(addon.sendmmsg(fd, [Buffer.from('x'), Buffer.from('y')], [r.port, r.port], [mapped, '::ffff:127.0.0.1'], 2), 2);
    assert.equal(addon.sendmmsg(fd, [Buffer.from('z')], [r.port], ['not an address'], 1), -22);
    assert.equal(addon.sendmmsg(fd, [Buffer.from('z')], [0], ['::1'], 1), -22);
    // A bad entry ends the batch: what came before it went.
    assert.equal(addon.sendmmsg(fd, [Buffer.from('p'), Buffer.from('q')], [r.port, r.port], ['::ffff:127.0.0.1', 'bad'], 2), 1);
    assert.throws(() => addon.sendmmsg(fd, [], [], [], 1), /count exceeds/);
    await waitFor(() => r.got.length === 3, { timeoutMs: 5000, what: 'the datagrams' });
    assert.deepEqual(r.got, ['x', 'y', 'p']);
    r.socket.close();
    tx.close();
  });
});

describe('loadUdpBatchAddon', () => {
  it('returns undefined, with one debug line, when the addon is missing or is not one', () => {
    const lines: string[] = [];
    const log = Logger.create({ level: 'debug', destinations: ['stdout'], sink: (l) => lines.push(l.slice(20)) });
    const garbage = join(dir, 'garbage.node');
    writeFileSync(garbage, 'not a shared object');
    assert.equal(loadUdpBatchAddon(log, join(dir, 'missing.node')), undefined);
    assert.equal(loadUdpBatchAddon(log, garbage), undefined);
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.ok(lines.every((l) => l.startsWith('DEB UDP batch addon')), lines.join('\n'));
  });

  it('finds the file descriptor of a bound dgram socket', async () => {
    const tx = await bound('udp4', '127.0.0.1');
    const fd = dgramSocketFd(tx);
    assert.ok(fd !== undefined && fd > 2, `fd ${fd}`);
    tx.close();
  });
});
