import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Logger } from '../lib/index.ts';
import { parseConf } from '../conf/index.ts';
import { PathManager } from '../core/index.ts';
import { staticSourceFactories } from '../sources/index.ts';
import { cameraBehaviour, startFakeRtspServer, type FakeRtspServer } from '../../test/support/fake-rtsp-server.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Open handles by kind (TCPWRAP, UDPWRAP, Timeout…) and open file descriptors. */
function resources(): { handles: Record<string, number>; fds: number } {
  const handles: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) handles[r] = (handles[r] ?? 0) + 1;
  return { handles, fds: readdirSync('/proc/self/fd').length };
}

async function settle(): Promise<{ handles: Record<string, number>; fds: number; heapMiB: number }> {
  await new Promise((r) => setTimeout(r, 300));
  gc();
  gc();
  return { ...resources(), heapMiB: process.memoryUsage().heapUsed / 2 ** 20 };
}

/** A TCP server that runs `onConn` for each connection; counts them. */
async function rawServer(onConn: (s: import('node:net').Socket) => void): Promise<{ port: number; count: () => number; server: Server }> {
  let count = 0;
  // resume(): a socket nobody reads never sees the peer's FIN, so it would stay open after the client left.
  const server = createServer((s) => { count++; s.on('error', () => {}); s.resume(); onConn(s); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, count: () => count, server };
}

describe('static sources against hostile upstreams, 1,000 reconnects (fast retry)', () => {
  const closers: (() => unknown)[] = [];
  after(async () => { for (const c of closers) await c(); });

  it('costs no sockets, timers or memory that grow', { timeout: 180_000 }, async () => {
    const closedPort = await rawServer(() => {}).then(({ port, server }) => new Promise<number>((r) => server.close(() => r(port))));
    const hang = await rawServer(() => {});
    const garbage = await rawServer((s) => s.end(Buffer.alloc(3000, 0x41)));
    const hugeSdp = await rawServer((s) => s.once('data', () => s.end('RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 104857600\r\n\r\nv=0\r\n')));
    const rtmpJunk = await rawServer((s) => s.end(Buffer.alloc(2000, 0x09)));
    let dropped = 0;
    const flapping: FakeRtspServer = await startFakeRtspServer({
      behaviour: (req, conn) => {
        if (req.method === 'PLAY') setTimeout(() => { dropped++; conn.socket.destroy(); }, 30);
        return cameraBehaviour()(req, conn);
      },
    });
    closers.push(() => hang.server.close(), () => garbage.server.close(), () => hugeSdp.server.close(), () => rtmpJunk.server.close(), () => flapping.close());
    const yaml = `paths:
  refused:
    source: rtsp://127.0.0.1:${closedPort}/x
  hang:
    source: rtsp://127.0.0.1:${hang.port}/x
  garbage:
    source: rtsp://127.0.0.1:${garbage.port}/x
    sourceProtocol: tcp
  hugesdp:
    source: rtsp://user:pw@127.0.0.1:${hugeSdp.port}/x
  flapping:
    source: rtsp://127.0.0.1:${flapping.port}/x
    sourceProtocol: tcp
  rtmpjunk:
    source: rtmp://127.0.0.1:${rtmpJunk.port}/live/x
`;
    const lines: string[] = [];
    const log = Logger.create({ level: 'info', destinations: [], sink: (l) => lines.push(l) });
    const pm = new PathManager({
      paths: parseConf(yaml, {}).conf.paths, auth: { authenticate: async () => ({ user: '' }) }, log, rtspPort: 8554,
      sourceFactories: staticSourceFactories({ readTimeoutMs: 100, writeTimeoutMs: 100 }), sourceRetryPauseMs: 1,
    });
    closers.push(() => pm.close());
    const ready: string[] = [];
    pm.events.on('pathReady', (name) => ready.push(name));
    const total = (): number => hang.count() + garbage.count() + hugeSdp.count() + rtmpJunk.count() + flapping.accepted();
    const waitTotal = async (n: number): Promise<void> => {
      const end = Date.now() + 150_000;
      while (total() < n || hang.count() < n / 40) {
        if (Date.now() > end) throw new Error(`only ${total()} reconnects`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    pm.start();
    await waitTotal(200); // warm-up: code paths compiled, pools at their size
    const before = await settle();
    const t0 = total();
    await waitTotal(t0 + 1000);
    const afterRun = await settle();
    const n = total() - t0;
    const detail = `${n} reconnects (hang ${hang.count()}, garbage ${garbage.count()}, huge SDP ${hugeSdp.count()}, RTMP junk ${rtmpJunk.count()}, `
      + `flapping ${flapping.accepted()} with ${dropped} drops after PLAY)\nbefore: ${JSON.stringify(before)}\nafter:  ${JSON.stringify(afterRun)}`;
    console.log(detail);
    assert.ok(n >= 1000, detail);
    assert.ok(ready.filter((p) => p === 'flapping').length > 10, `the flapping upstream became ready again and again: ${detail}`);
    // Each path holds at most one connection attempt and one timer at any time: the counts may differ by those.
    for (const kind of ['TCPSocketWrap', 'TCPServerWrap', 'UDPWrap', 'Timeout']) {
      const grew = (afterRun.handles[kind] ?? 0) - (before.handles[kind] ?? 0);
      assert.ok(grew <= 8, `${kind}: ${before.handles[kind] ?? 0} → ${afterRun.handles[kind] ?? 0}\n${detail}`);
    }
    assert.ok(afterRun.fds - before.fds <= 8, `fds: ${before.fds} → ${afterRun.fds}\n${detail}`);
    assert.ok(afterRun.heapMiB - before.heapMiB < 8, `heap: ${before.heapMiB.toFixed(1)} → ${afterRun.heapMiB.toFixed(1)} MiB\n${detail}`);
    // Logged once per change of state, not per attempt: each loss of the flapping upstream (it was up) is one; the
    // upstreams that never work write one line per distinct reason (at most 4). No password in any line.
    const errors = lines.filter((l) => / ERR /.test(l));
    const changes = ready.filter((p) => p === 'flapping').length + 6 * 4;
    assert.ok(errors.length <= changes, `${errors.length} error lines for ${n} reconnects and ${changes} changes:\n${errors.slice(0, 20).join('\n')}`);
    assert.ok(errors.length < n / 10, `${errors.length} error lines for ${n} reconnects`);
    assert.ok(!lines.some((l) => l.includes('user:pw')), 'no source password in the log');
  });
});
