import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '../lib/index.ts';
import { defaultPathConf } from '../conf/index.ts';
import { makeJwtKey, signJwt, startJwksServer, type JwksServer } from '../../test/support/jwt-issuer.ts';
import type { AccessRequest, Credentials } from './access-request.ts';
import type { AuthV1Settings } from './auth-v1.ts';
import { AuthManager } from './auth-manager.ts';
import { plain, refusal, TIMER_SLACK_MS } from './test-support/refusal.ts';

const FAST_FAIL = { min: 20, max: 30 };
const pc = defaultPathConf('cam');
const BASE: AuthV1Settings = {
  method: 'internal', internalUsers: [], httpAddress: '', httpExclude: [], jwtJWKS: '', jwtClaimKey: 'mediamtx_permissions',
  jwtExclude: [], jwtIssuer: '', jwtAudience: '',
};

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }), lines };
}
function manager(v1: Partial<AuthV1Settings>, log = Logger.silent()): AuthManager {
  return new AuthManager({ externalAuthenticationURL: '', readTimeoutMs: 1000, log, failDelayMs: FAST_FAIL, v1: { ...BASE, ...v1 } });
}
function request(over: Partial<AccessRequest> = {}, credentials?: Credentials): AccessRequest {
  return { pathName: 'cam', query: '', protocol: 'rtsp', action: 'read', ip: '10.0.0.5', connId: 'c0ffee', ...over, ...(credentials ? { credentials } : {}) };
}

describe('AuthManager (v1.x internal users)', () => {
  const users = [
    { user: 'any', pass: '', ips: [], permissions: [{ action: 'read' as const, path: 'public' }] },
    { user: 'pub', pass: 'pw', ips: [], permissions: [{ action: 'publish' as const, path: '~^cam' }, { action: 'api' as const, path: '' }] },
    { user: 'any', pass: '', ips: ['127.0.0.1/32'], permissions: [{ action: 'metrics' as const, path: '' }] },
  ];

  it('decides by users and permissions, ignoring the path configuration', async () => {
    const m = manager({ internalUsers: users });
    assert.deepEqual(await m.authenticate(request({ pathName: 'public' }), pc), { user: '' });
    assert.deepEqual(await m.authenticate(request({ action: 'publish', pathName: 'cam1' }, plain('pub', 'pw')), pc), { user: 'pub' });
    const anon = await refusal(m.authenticate(request({ pathName: 'cam1' }), pc));
    assert.equal(anon.err.askCredentials, true);
    const forbidden = await refusal(m.authenticate(request({ pathName: 'other', action: 'publish' }, plain('pub', 'pw')), pc));
    assert.equal(forbidden.err.askCredentials, false);
    assert.ok(forbidden.ms >= 20 - TIMER_SLACK_MS);
  });

  it('authenticates api and metrics requests, logging and delaying refusals', async () => {
    const { log, lines } = capture();
    const m = manager({ internalUsers: users }, log);
    assert.deepEqual(await m.authenticateRequest({ action: 'api', pathName: '', query: '', ip: '10.9.9.9', credentials: plain('pub', 'pw') }), { user: 'pub' });
    assert.deepEqual(await m.authenticateRequest({ action: 'metrics', pathName: '', query: '', ip: '127.0.0.1' }), { user: '' });
    assert.equal((await refusal(m.authenticateRequest({ action: 'metrics', pathName: '', query: '', ip: '10.0.0.1' }))).err.askCredentials, true);
    const wrong = await refusal(m.authenticateRequest({ action: 'api', pathName: '', query: '', ip: '10.0.0.1', credentials: plain('pub', 'Secret-guess') }));
    assert.ok(wrong.ms >= 20 - TIMER_SLACK_MS);
    assert.match(lines.at(-1)!, /authentication failed for 'pub' from 10\.0\.0\.1/);
    assert.ok(lines.every((l) => !l.includes('Secret-guess')));
  });

  it('lets api/metrics/pprof through without v1.x authentication (v0.22.2 had no check)', async () => {
    const m = new AuthManager({ externalAuthenticationURL: '', readTimeoutMs: 1000, log: Logger.silent() });
    assert.equal(m.isV1, false);
    assert.deepEqual(await m.authenticateRequest({ action: 'pprof', pathName: '', query: '', ip: '192.0.2.1' }), { user: '' });
  });
});

describe('AuthManager (v1.x HTTP)', () => {
  const bodies: Record<string, unknown>[] = [];
  let allow = true;
  let server: Server;
  let url = '';
  before(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => { text += d.toString(); });
      req.on('end', () => { bodies.push(JSON.parse(text) as Record<string, unknown>); res.writeHead(allow ? 200 : 401).end(); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth`;
  });
  after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

  it('POSTs the v1.x body, field by field and in order', async () => {
    const m = manager({ method: 'http', httpAddress: url });
    await m.authenticate(request({ protocol: 'rtsps', query: 'a=1', action: 'publish' }, plain('bob', 'pw')), pc);
    const body = bodies.at(-1)!;
    assert.deepEqual(Object.keys(body), ['ip', 'user', 'password', 'token', 'action', 'path', 'protocol', 'id', 'query', 'userAgent']);
    assert.deepEqual(body, { ip: '10.0.0.5', user: 'bob', password: 'pw', token: 'pw', action: 'publish', path: 'cam', protocol: 'rtsp', id: 'c0ffee', query: 'a=1', userAgent: '' });
    await m.authenticate(request({ protocol: 'rtmp', query: 'token=abc', connId: undefined }), pc);
    assert.deepEqual(bodies.at(-1), { ip: '10.0.0.5', user: '', password: '', token: 'abc', action: 'read', path: 'cam', protocol: 'rtmp', id: null, query: 'token=abc', userAgent: '' });
    await m.authenticateRequest({ action: 'api', pathName: '', query: '', ip: '127.0.0.1', token: 'bearer-token', userAgent: 'curl/8' });
    assert.deepEqual(bodies.at(-1), { ip: '127.0.0.1', user: '', password: '', token: 'bearer-token', action: 'api', path: '', protocol: '', id: null, query: '', userAgent: 'curl/8' });
  });

  it('skips the server for excluded actions and paths, and refuses on a non-2xx answer', async () => {
    const m = manager({ method: 'http', httpAddress: url, httpExclude: [{ action: 'read', path: '~^public/' }, { action: 'metrics', path: '' }] });
    const n = bodies.length;
    allow = false;
    await m.authenticate(request({ pathName: 'public/a' }), pc);
    await m.authenticateRequest({ action: 'metrics', pathName: '', query: '', ip: '10.0.0.1' });
    assert.equal(bodies.length, n);
    const { err } = await refusal(m.authenticate(request({}, plain('bob', 'pw')), pc));
    assert.match(err.message, /code 401/);
    assert.equal(err.needsPlainPassword, true);
    allow = true;
  });
});

describe('AuthManager (v1.x JWT)', () => {
  const rs = makeJwtKey('RS256');
  const es = makeJwtKey('ES256');
  let jwks: JwksServer;
  const now = (): number => Math.floor(Date.now() / 1000);
  const token = (perms: unknown, extra: Record<string, unknown> = {}, key = rs): string =>
    signJwt(key, { sub: 'alice', iss: 'https://idp', aud: 'mediamtx', exp: now() + 60, mediamtx_permissions: perms, ...extra });
  let m: AuthManager;
  const { log, lines } = capture();
  before(async () => {
    jwks = await startJwksServer([rs, es]);
    m = manager({ method: 'jwt', jwtJWKS: jwks.url, jwtIssuer: 'https://idp', jwtAudience: 'mediamtx', jwtExclude: [{ action: 'read', path: 'open' }] }, log);
  });
  after(async () => { m.close(); await jwks.close(); });

  it('takes the token from the password, the RTSP/RTMP query and a bearer token, and returns its sub', async () => {
    const t = token([{ action: 'read', path: 'cam' }, { action: 'publish' }]);
    assert.deepEqual(await m.authenticate(request({}, plain('ignored', t)), pc), { user: 'alice' });
    assert.deepEqual(await m.authenticate(request({ protocol: 'rtmp', query: `jwt=${t}` }), pc), { user: 'alice' });
    assert.deepEqual(await m.authenticate(request({ protocol: 'rtsp', query: `token=${t}`, action: 'publish', pathName: 'x' }), pc), { user: 'alice' });
    assert.deepEqual(await m.authenticateRequest({ action: 'read', pathName: 'cam', query: '', ip: '1.2.3.4', protocol: 'hls', token: token([{ action: 'read' }], {}, es) }), { user: 'alice' });
    // HLS/WebRTC never read the query.
    await refusal(m.authenticate(request({ protocol: 'hls', query: `jwt=${t}` }), pc));
  });

  it('refuses expired, not yet valid, wrong issuer, wrong audience, forged and under-privileged tokens', async () => {
    const perms = [{ action: 'read', path: 'cam' }];
    const cases: [string, RegExp][] = [
      [token(perms, { exp: now() - 10 }), /expired/],
      [token(perms, { nbf: now() + 60 }), /not valid yet/],
      [token(perms, { iss: 'https://evil' }), /invalid issuer/],
      [token(perms, { aud: 'other' }), /invalid audience/],
      [token(perms, {}, makeJwtKey('RS256')), /signature is invalid/],
      [token([{ action: 'read', path: 'other' }]), /doesn't have permission/],
      [signJwt(rs, { sub: 'alice', iss: 'https://idp', aud: 'mediamtx' }), /claim 'mediamtx_permissions' not found/],
    ];
    for (const [t, re] of cases) {
      const { err } = await refusal(m.authenticate(request({}, plain('', t)), pc));
      assert.match(err.message, re);
      assert.equal(err.askCredentials, false);
    }
    const anon = await refusal(m.authenticate(request(), pc));
    assert.equal(anon.err.askCredentials, true);
    assert.match(anon.err.message, /JWT not provided/);
    assert.ok(lines.every((l) => !l.includes('eyJ')), 'a token was logged');
  });

  it('lets excluded requests in without a token and fetches the JWK Set again after refreshJwks()', async () => {
    assert.deepEqual(await m.authenticate(request({ pathName: 'open' }), pc), { user: '' });
    const before = jwks.fetches;
    await m.authenticate(request({}, plain('', token([{ action: 'read' }]))), pc);
    assert.equal(jwks.fetches, before);
    m.refreshJwks();
    await m.authenticate(request({}, plain('', token([{ action: 'read' }]))), pc);
    assert.equal(jwks.fetches, before + 1);
  });
});
