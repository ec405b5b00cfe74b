import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import { hlsFetch, type HlsFetchOptions } from './hls-fetch.ts';

describe('HLS HTTP fetch', () => {
  let server: Server;
  let base: string;
  const seen: { url: string; authorization?: string; range?: string }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(req.headers.range ? { range: req.headers.range } : {}) });
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/big') { res.setHeader('content-length', '1000'); res.end(Buffer.alloc(1000)); return; }
      if (url.pathname === '/chunked') { for (let i = 0; i < 10; i++) res.write(Buffer.alloc(100)); res.end(); return; }
      if (url.pathname === '/moved') { res.statusCode = 302; res.setHeader('location', '/here?x=1'); res.end(); return; }
      if (url.pathname === '/away') { res.statusCode = 301; res.setHeader('location', `http://localhost:${(server.address() as { port: number }).port}/here`); res.end(); return; }
      if (url.pathname === '/loop') { res.statusCode = 302; res.setHeader('location', '/loop'); res.end(); return; }
      if (url.pathname === '/here') { res.end('ok'); return; }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  const opts = (o: Partial<HlsFetchOptions> = {}): HlsFetchOptions => ({ fingerprint: '', timeoutMs: 2000, maxBytes: 500, signal: new AbortController().signal, ...o });

  it('refuses answers larger than maxBytes, by Content-Length or as they arrive', async () => {
    await assert.rejects(hlsFetch(new URL(`${base}/big`), opts()), /answer of 1000 bytes, more than the 500 allowed/);
    await assert.rejects(hlsFetch(new URL(`${base}/chunked`), opts()), /answer larger than the 500 bytes allowed/);
  });

  it('follows redirections with the credentials to the same origin only, and at most 5', async () => {
    seen.length = 0;
    const r = await hlsFetch(new URL(`http://user:p%40ss@${base.slice(7)}/moved`), opts());
    assert.equal(r.body.toString(), 'ok');
    assert.equal(r.url.pathname, '/here');
    const basic = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;
    assert.deepEqual(seen.map((s) => [s.url, s.authorization]), [['/moved', basic], ['/here?x=1', basic]]);
    seen.length = 0;
    await hlsFetch(new URL(`http://user:pass@${base.slice(7)}/away`), opts());
    assert.deepEqual(seen.map((s) => s.authorization), [`Basic ${Buffer.from('user:pass').toString('base64')}`, undefined]);
    await assert.rejects(hlsFetch(new URL(`${base}/loop`), opts()), /more than 5 redirections/);
  });

  it('asks byte ranges with Range, and fails on error statuses', async () => {
    seen.length = 0;
    await hlsFetch(new URL(`${base}/here`), opts({ byteRange: { length: 100, offset: 20 } }));
    assert.equal(seen[0]!.range, 'bytes=20-119');
    await assert.rejects(hlsFetch(new URL(`${base}/nothing`), opts()), /bad status code: 404/);
  });

  it('leaves nothing attached to the long-lived source signal, however many requests were made', async () => {
    // The source's signal lives as long as the path; each playlist, segment or part is one hlsFetch.
    const signal = new AbortController().signal;
    for (let i = 0; i < 50; i++) await hlsFetch(new URL(`${base}/here`), opts({ signal }));
    await assert.rejects(hlsFetch(new URL(`${base}/nothing`), opts({ signal })), /404/);
    assert.equal(getEventListeners(signal, 'abort').length, 0);
    // Node 20 keeps what AbortSignal.any() made dependent on a signal in an internal set that never shrinks.
    const dependants = Object.getOwnPropertySymbols(signal).find((k) => k.description === 'kDependantSignals');
    const set = dependants ? (signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants] : undefined;
    assert.equal(set?.size ?? 0, 0, 'dependant signals left on the source signal');
  });

  it('still stops a request when the source signal aborts, and times out a silent server', async () => {
    const ac = new AbortController();
    const hang = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const url = new URL(`http://127.0.0.1:${(hang.address() as { port: number }).port}/x`);
    try {
      const p = hlsFetch(url, opts({ signal: ac.signal }));
      setTimeout(() => ac.abort(new Error('source stopped')), 50);
      await assert.rejects(p, /source stopped/);
      await assert.rejects(hlsFetch(url, opts({ timeoutMs: 200 })), /no answer from http:\/\/127\.0\.0\.1:\d+\/x within 0\.2s/);
    } finally {
      hang.closeAllConnections();
      hang.close();
    }
  });
});
