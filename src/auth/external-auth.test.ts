import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '../lib/index.ts';
import { defaultPathConf } from '../conf/index.ts';
import type { AccessRequest, Credentials } from './access-request.ts';
import { plain, refusal, TIMER_SLACK_MS } from './test-support/refusal.ts';
import { AuthManager } from './auth-manager.ts';
import { externalAuthBody } from './external-auth.ts';

const PASSWORD = 'Hunter2-secret';
const READ_TIMEOUT = 400;
const pc = defaultPathConf('cam');

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A real HTTP auth server on 127.0.0.1:0 whose behaviour each test sets. */
class AuthServer {
  handler: Handler = (_q, res) => res.writeHead(200).end();
  readonly bodies: string[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        this.bodies.push(body);
        this.handler(req, res, body);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/auth`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }), lines };
}

function request(credentials?: Credentials, over: Partial<AccessRequest> = {}): AccessRequest {
  return {
    pathName: 'cam', query: 'a=1&b=2', protocol: 'rtsp', action: 'publish', ip: '127.0.0.1', connId: 'c0ffee',
    ...over, ...(credentials ? { credentials } : {}),
  };
}



describe('AuthManager (external)', () => {
  const srv = new AuthServer();
  const { log, lines } = capture();
  let m: AuthManager;
  before(async () => {
    await srv.start();
    m = new AuthManager({ externalAuthenticationURL: srv.url, readTimeoutMs: READ_TIMEOUT, log, failDelayMs: { min: 50, max: 60 } });
  });
  after(async () => { m.close(); await srv.stop(); assert.ok(lines.every((l) => !l.includes(PASSWORD)), lines.join('\n')); });

  it('sends exactly MediaMTX v0.22.2 fields, in order', async () => {
    srv.handler = (_q, res) => res.writeHead(200).end();
    await m.authenticate(request(plain('bob', PASSWORD)), pc);
    const body = JSON.parse(srv.bodies.at(-1)!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['ip', 'user', 'password', 'path', 'protocol', 'id', 'action', 'query']);
    assert.deepEqual(body, { ip: '127.0.0.1', user: 'bob', password: PASSWORD, path: 'cam', protocol: 'rtsp', id: 'c0ffee', action: 'publish', query: 'a=1&b=2' });
    await m.authenticate(request(undefined, { connId: undefined, action: 'read', protocol: 'rtsps', query: '' }), pc);
    assert.deepEqual(JSON.parse(srv.bodies.at(-1)!), { ip: '127.0.0.1', user: '', password: '', path: 'cam', protocol: 'rtsp', id: null, action: 'read', query: '' });
  });

  it('sends an empty password for Digest credentials', () => {
    const body = externalAuthBody(request({ kind: 'digest', user: 'bob', verify: () => true }, { protocol: 'rtmps' }));
    assert.equal(body.password, '');
    assert.equal(body.user, 'bob');
    assert.equal(body.protocol, 'rtmp');
  });

  it('allows on any 2xx', async () => {
    for (const code of [200, 201, 204, 299]) {
      srv.handler = (_q, res) => res.writeHead(code).end(code === 204 ? undefined : 'ok');
      assert.deepEqual(await m.authenticate(request(plain('bob', PASSWORD)), pc), { user: 'bob' });
    }
  });

  it('denies on 401 and 500; asks for credentials only when none were sent', async () => {
    for (const code of [401, 403, 500, 302]) {
      srv.handler = (_q, res) => res.writeHead(code).end('no');
      const anon = await refusal(m.authenticate(request(), pc));
      assert.equal(anon.err.askCredentials, true);
      assert.ok(anon.ms < 50 + READ_TIMEOUT);
      const withCreds = await refusal(m.authenticate(request(plain('bob', PASSWORD)), pc));
      assert.equal(withCreds.err.askCredentials, false);
      assert.ok(withCreds.ms >= 50 - TIMER_SLACK_MS, `refused after ${withCreds.ms} ms`);
      assert.match(withCreds.err.message, new RegExp(`code ${code}`));
    }
    assert.match(lines.at(-1)!, /authentication failed for 'bob' from 127\.0\.0\.1: external authentication replied with code 302$/);
  });

  it('denies within readTimeout when the server never answers', async () => {
    srv.handler = () => { /* never answer */ };
    const { err, ms } = await refusal(m.authenticate(request(plain('bob', PASSWORD)), pc));
    assert.match(err.message, /timed out/);
    assert.ok(ms >= READ_TIMEOUT - TIMER_SLACK_MS && ms < READ_TIMEOUT + 60 + 500, `took ${ms} ms`);
  });

  it('denies a 1 MiB answer and stops reading an endless one at 128 KiB', async () => {
    srv.handler = (_q, res) => res.writeHead(200, { 'Content-Length': 1 << 20 }).end(Buffer.alloc(1 << 20, 0x61));
    assert.match((await refusal(m.authenticate(request(plain('bob', PASSWORD)), pc))).err.message, /too large/);
    let stopped!: () => void;
    const serverSawClose = new Promise<void>((r) => { stopped = r; });
    srv.handler = (_q, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 0x61);
      const pump = (): void => { while (!res.destroyed && res.write(chunk)); };
      res.on('drain', pump);
      res.on('close', stopped);
      pump();
    };
    const { err, ms } = await refusal(m.authenticate(request(plain('bob', PASSWORD)), pc));
    assert.match(err.message, /too large/);
    assert.ok(ms < READ_TIMEOUT, `took ${ms} ms: the body was not cut at the cap`);
    await serverSawClose;
  });

  it('denies when the server is unreachable', async () => {
    const probe = new AuthServer();
    await probe.start();
    await probe.stop();
    const gone = new AuthManager({ externalAuthenticationURL: probe.url, readTimeoutMs: READ_TIMEOUT, log, failDelayMs: { min: 50, max: 60 } });
    const { err } = await refusal(gone.authenticate(request(plain('bob', PASSWORD)), pc));
    assert.match(err.message, /ECONNREFUSED/);
    assert.equal((await refusal(gone.authenticate(request(), pc))).err.askCredentials, true);
    const invalid = new AuthManager({ externalAuthenticationURL: 'ftp://x/', readTimeoutMs: READ_TIMEOUT, log, failDelayMs: { min: 1, max: 1 } });
    assert.match((await refusal(invalid.authenticate(request(plain('bob', PASSWORD)), pc))).err.message, /invalid externalAuthenticationURL/);
  });

  it('answers 50 parallel requests concurrently, not one after the other', async (t) => {
    // The server answers only once all 50 are waiting at the same time: serialised requests would never get there.
    const held: { writeHead(code: number): { end(): void } }[] = [];
    srv.handler = (_q, res) => {
      held.push(res);
      if (held.length === 50) for (const r of held) r.writeHead(204).end();
    };
    // Its own manager with a long timeout: 50 connections opened on a loaded CI machine can outlast READ_TIMEOUT.
    const patient = new AuthManager({ externalAuthenticationURL: srv.url, readTimeoutMs: 10_000, log, failDelayMs: { min: 50, max: 60 } });
    t.after(() => patient.close());
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => patient.authenticate(request(plain(`u${i}`, PASSWORD)), pc)));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(refused, [], `requests held at the server at once: ${held.length}`);
  });

  it('aborts in-flight requests on close', async () => {
    const local = new AuthManager({ externalAuthenticationURL: srv.url, readTimeoutMs: 10_000, log, failDelayMs: { min: 5000, max: 5000 } });
    let arrived!: () => void;
    const atServer = new Promise<void>((r) => { arrived = r; });
    srv.handler = () => arrived();
    const pending = refusal(local.authenticate(request(plain('bob', PASSWORD)), pc));
    await atServer;
    local.close();
    const { ms } = await pending;
    assert.ok(ms < 2000, `took ${ms} ms`);
  });
});
