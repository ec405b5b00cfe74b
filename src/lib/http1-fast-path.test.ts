import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { Http1FastPath, type FastHttpHandler, type FastHttpRequest } from './http1-fast-path.ts';

/** One response as read off the wire. */
interface WireResponse { status: number; headers: Record<string, string>; body: string }

/**
 * Reads the next `n` responses of a raw socket (bodies by Content-Length; `heads` marks answers to HEAD, which have
 * none). The socket stays flowing, so that its end and close are seen.
 */
function responses(s: Socket, n: number, heads: ReadonlySet<number> = new Set()): Promise<WireResponse[]> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const out: WireResponse[] = [];
    const parseOne = (): boolean => {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const lines = buf.toString('latin1', 0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) { const c = l.indexOf(':'); headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim(); }
      const len = heads.has(out.length) ? 0 : Number(headers['content-length'] ?? 0);
      if (buf.length < end + 4 + len) return false;
      out.push({ status: Number(lines[0]!.split(' ')[1]), headers, body: buf.toString('latin1', end + 4, end + 4 + len) });
      buf = buf.subarray(end + 4 + len);
      return true;
    };
    const done = (): void => { s.off('data', onData); s.off('close', onClose); };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      while (out.length < n && parseOne());
      if (out.length >= n) { done(); resolve(out); }
    };
    const onClose = (): void => { done(); reject(new Error(`${out.length} of ${n} responses before the connection closed`)); };
    s.on('data', onData);
    s.on('close', onClose);
  });
}

/** Resolves when the socket has closed, reset or not. */
function closed(s: Socket): Promise<void> {
  s.on('error', () => {});
  return new Promise((resolve) => { if (s.closed) resolve(); else s.once('close', () => resolve()); });
}

/** A raw connection to the server. */
async function open(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  await once(s, 'connect');
  return s;
}

const get = (target: string, extra = ''): string => `GET ${target} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

describe('Http1FastPath in front of a node:http server', () => {
  let server: Server;
  let fast: Http1FastPath;
  let port: number;
  /** Targets node:http's own listener answered. */
  let byNode: string[];

  const start = async (handler: FastHttpHandler, o: { keepAliveTimeoutMs?: number; writeTimeoutMs?: number; firstRequestTimeoutMs?: number } = {}): Promise<void> => {
    byNode = [];
    server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
      byNode.push(`${req.method} ${req.url}`);
      req.resume();
      res.end(`node:${req.method}`);
    });
    fast = new Http1FastPath(server, 'connection', handler, { keepAliveTimeoutMs: o.keepAliveTimeoutMs ?? 30_000, firstRequestTimeoutMs: o.firstRequestTimeoutMs ?? 10_000, writeTimeoutMs: o.writeTimeoutMs ?? 5000, maxHeaderBytes: 16 * 1024 });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  };
  afterEach(async () => {
    fast.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  /** Answers `/fast/…` at once with the target as body; leaves the rest to node:http. */
  const echo: FastHttpHandler = (req) => {
    if (!req.target.startsWith('/fast/')) return false;
    req.respond(200, { 'Content-Type': 'text/plain', 'Content-Length': req.target.length }, Buffer.from(req.target));
    return true;
  };

  it('answers the requests it takes itself, with node:http\'s keep-alive fields, HEAD without body, and node never sees them', async () => {
    await start(echo);
    const s = await open(port);
    s.write(get('/fast/a') + `HEAD /fast/bb HTTP/1.1\r\nHost: t\r\n\r\n` + get('/fast/ccc'));
    const r = await responses(s, 3, new Set([1]));
    assert.deepEqual(r.map((x) => [x.status, x.body]), [[200, '/fast/a'], [200, ''], [200, '/fast/ccc']]);
    assert.equal(r[1]!.headers['content-length'], '8', 'HEAD carries the length of the body a GET gets');
    assert.equal(r[0]!.headers.connection, 'keep-alive');
    assert.equal(r[0]!.headers['keep-alive'], 'timeout=30');
    assert.match(r[0]!.headers.date!, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.deepEqual(byNode, []);
    assert.equal(fast.size, 1);
    s.destroy();
  });

  it('closes the connection after answering a request that asks for it (Connection: close)', async () => {
    await start(echo);
    const s = await open(port);
    const ended = closed(s);
    s.write(get('/fast/last', 'Connection: close\r\n') + get('/fast/never'));
    const [r] = await responses(s, 1);
    assert.deepEqual([r!.body, r!.headers.connection, r!.headers['keep-alive']], ['/fast/last', 'close', undefined]);
    await ended;
    assert.deepEqual(byNode, []);
  });

  it('gives a connection to node:http at the first request it does not take, with that request and the ones after it', async () => {
    await start(echo);
    const s = await open(port);
    s.write(get('/fast/1'));
    assert.equal((await responses(s, 1))[0]!.body, '/fast/1');
    // Pipelined: the refused request and a taken one behind it both reach node:http, in order.
    s.write(`POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc${get('/fast/2')}`);
    const r = await responses(s, 2);
    assert.deepEqual(r.map((x) => x.body), ['node:POST', 'node:GET']);
    assert.deepEqual(byNode, ['POST /other', 'GET /fast/2']);
    assert.equal(fast.size, 0, 'the connection has left the fast path');
    s.write(get('/fast/3'));
    assert.equal((await responses(s, 1))[0]!.body, 'node:GET', 'and stays with node:http');
    s.destroy();
  });

  it('leaves to node:http what it cannot read: a head cut in two, a malformed one (400), one over the limit (431), a handler that throws', async () => {
    await start((req) => { if (req.target === '/throw') throw new Error('boom'); return echo(req); });
    const cut = await open(port);
    cut.write('GET /fast/cut HTTP/1.1\r\nHo');
    await new Promise((r) => setTimeout(r, 50));
    cut.write('st: t\r\n\r\n');
    assert.equal((await responses(cut, 1))[0]!.body, 'node:GET');
    cut.destroy();
    const bad = await open(port);
    bad.write('GET /fast/x HTTP/1.1\r\nHost: t\r\nBad Name: x\r\n\r\n');
    assert.equal((await responses(bad, 1))[0]!.status, 400);
    bad.destroy();
    const big = await open(port);
    big.write(`GET /fast/x HTTP/1.1\r\nHost: t\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.equal((await responses(big, 1))[0]!.status, 431);
    big.destroy();
    const thrower = await open(port);
    thrower.write(get('/throw'));
    assert.equal((await responses(thrower, 1))[0]!.body, 'node:GET');
    thrower.destroy();
    assert.deepEqual(byNode, ['GET /fast/cut', 'GET /throw']);
  });

  it('answers pipelined requests in order when the first is answered later', async () => {
    await start((req) => {
      const wait = req.target === '/fast/slow' ? 80 : 0;
      setTimeout(() => req.respond(200, { 'Content-Length': req.target.length }, Buffer.from(req.target)), wait);
      return true;
    });
    const s = await open(port);
    s.write(get('/fast/slow') + get('/fast/quick'));
    assert.deepEqual((await responses(s, 2)).map((x) => x.body), ['/fast/slow', '/fast/quick']);
    s.destroy();
  });

  it('waits for a handler that cannot tell yet, and hands the request over when it declines', async () => {
    await start((req) => new Promise<boolean>((resolve) => setTimeout(() => resolve(echo(req)), 30)));
    const s = await open(port);
    s.write(get('/fast/later'));
    assert.equal((await responses(s, 1))[0]!.body, '/fast/later');
    s.write(get('/elsewhere'));
    await new Promise((r) => setTimeout(r, 5));
    s.write(get('/fast/behind'));
    assert.deepEqual((await responses(s, 2)).map((x) => x.body), ['node:GET', 'node:GET']);
    assert.deepEqual(byNode, ['GET /elsewhere', 'GET /fast/behind']);
    s.destroy();
  });

  it('tells a waiting request that its client went away', async () => {
    let seen: FastHttpRequest | undefined;
    let gone = 0;
    await start((req) => { seen = req; req.onGone(() => gone++); return true; });
    const s = await open(port);
    s.write(get('/fast/wait'));
    while (seen === undefined) await new Promise((r) => setTimeout(r, 5));
    assert.equal(seen.isGone, false);
    s.destroy();
    while (fast.size > 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal(gone, 1);
    assert.equal(seen.isGone, true);
    seen.respond(200, {}, undefined); // too late: nothing happens
  });

  it('ends a request in flight when the client half-closes, as node:http does, and closes', async () => {
    let gone = 0;
    await start((req) => { req.onGone(() => gone++); setTimeout(() => req.respond(200, { 'Content-Length': 2 }, Buffer.from('ok')), 50); return true; });
    const s = await open(port);
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString(); });
    s.end(get('/fast/x'));
    await closed(s);
    assert.equal(gone, 1);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(got, '', 'no answer after the end');
  });

  it('closes a connection idle past the keep-alive deadline, a silent one past the first-request deadline, and one whose answer is not read past the write deadline', async () => {
    const big = Buffer.alloc(32 << 20, 1);
    await start((req) => { req.respond(200, { 'Content-Length': req.target === '/fast/big' ? big.length : 0 }, req.target === '/fast/big' ? big : undefined); return true; }, { keepAliveTimeoutMs: 300, writeTimeoutMs: 300, firstRequestTimeoutMs: 300 });
    const silent = await open(port);
    const silentClosed = closed(silent);
    const idle = await open(port);
    idle.write(get('/fast/small'));
    await responses(idle, 1);
    const stalled = await open(port);
    stalled.pause(); // never reads: the 32 MiB cannot all leave
    stalled.write(get('/fast/big'));
    const idleClosed = closed(idle);
    const t0 = Date.now();
    while (fast.size > 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    assert.equal(fast.size, 0, 'both closed by the deadlines');
    stalled.resume(); // a paused socket does not see its end
    await Promise.all([idleClosed, silentClosed, closed(stalled)]);
  });

  it('closes a connection that sends more than 64 KiB while its request waits or its answers drain, and one given a header it cannot send', async () => {
    const big = Buffer.alloc(8 << 20);
    await start((req) => {
      if (req.target === '/fast/bad') req.respond(200, { 'X-Evil': 'a\r\nSet-Cookie: x' }, undefined);
      if (req.target === '/fast/big') req.respond(200, { 'Content-Length': big.length }, big);
      return true;
    });
    const flood = await open(port);
    flood.write(get('/fast/wait'));
    flood.write(Buffer.alloc(70 * 1024, 0x41));
    await closed(flood);
    const unread = await open(port);
    unread.pause();
    unread.write(get('/fast/big').repeat(4));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fast.size, 1, 'waiting for its answers to drain');
    unread.write(Buffer.alloc(70 * 1024, 0x41));
    while (fast.size > 0) await new Promise((r) => setTimeout(r, 10));
    unread.destroy();
    const bad = await open(port);
    bad.write(get('/fast/bad'));
    let got = '';
    bad.on('data', (d: Buffer) => { got += d.toString(); });
    await closed(bad);
    assert.equal(got, '', 'nothing of the broken head was sent');
  });

  it('closes its connections on close() and gives new ones to node:http', async () => {
    await start(() => true); // never answers
    const s = await open(port);
    s.write(get('/fast/forever'));
    while (fast.size === 0) await new Promise((r) => setTimeout(r, 5));
    fast.close();
    await closed(s);
    const after = await open(port);
    after.write(get('/fast/after'));
    assert.equal((await responses(after, 1))[0]!.body, 'node:GET');
    after.destroy();
  });
});
