import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSelfSignedCert } from '../../test/support/tls.ts';
import { makeJwtKey } from '../../test/support/jwt-issuer.ts';
import { Logger } from '../lib/index.ts';
import { ExternalAuthClient } from './external-auth.ts';
import { JwksCache } from './jwks-cache.ts';
import { AuthManager } from './auth-manager.ts';
import type { AuthV1Settings } from './auth-v1.ts';

const jwtKey = makeJwtKey('ES256');

/** An HTTPS server with a self-signed certificate: POST records the body (auth), GET serves a JWK Set. */
interface TlsServer { readonly base: string; readonly bodies: string[]; readonly fingerprint: string; close(): Promise<void> }

async function startTlsServer(dir: string): Promise<TlsServer> {
  const files = makeSelfSignedCert(dir);
  const cert = readFileSync(files.cert);
  const bodies: string[] = [];
  const server: Server = createServer({ key: readFileSync(files.key), cert }, (req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => { text += d.toString(); });
    req.on('end', () => {
      if (req.method === 'POST') { bodies.push(text); res.writeHead(200).end(); return; }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwtKey.jwk] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    base: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    // OpenSSL's form (upper case, colons), as users copy it: it must be accepted as written.
    fingerprint: new X509Certificate(cert).fingerprint256,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const WRONG = 'ab'.repeat(32);

describe('certificate pinning of the authentication servers (authHTTPFingerprint, authJWTJWKSFingerprint)', () => {
  let dir: string;
  let srv: TlsServer;
  before(async () => { dir = mkdtempSync(join(tmpdir(), 'auth-tls-')); srv = await startTlsServer(dir); });
  after(async () => { await srv.close(); rmSync(dir, { recursive: true, force: true }); });

  it('posts to an HTTPS auth server whose self-signed certificate matches the pin', async () => {
    const before = srv.bodies.length;
    assert.equal(await new ExternalAuthClient(`${srv.base}/auth`, 3000, srv.fingerprint).check({ password: 'pw1' }), undefined);
    assert.equal(srv.bodies.length, before + 1);
  });

  it('refuses an auth server whose certificate does not match the pin, before sending the password', async () => {
    const before = srv.bodies.length;
    const reason = await new ExternalAuthClient(`${srv.base}/auth`, 3000, WRONG).check({ password: 'pw2' });
    assert.match(reason ?? '', /does not match authHTTPFingerprint: expected abab/);
    assert.equal(srv.bodies.length, before, 'nothing was posted');
  });

  it('refuses an unpinned self-signed certificate, naming the setting that would accept it', async () => {
    const before = srv.bodies.length;
    const reason = await new ExternalAuthClient(`${srv.base}/auth`, 3000).check({ password: 'pw3' });
    assert.match(reason ?? '', /not trusted; to accept it, set authHTTPFingerprint/);
    assert.equal(srv.bodies.length, before);
  });

  it('fetches a JWK Set from an HTTPS server with a pinned certificate, and refuses a wrong pin or none', async () => {
    const keys = await new JwksCache({ url: `${srv.base}/jwks`, timeoutMs: 3000, fingerprint: srv.fingerprint }).get();
    assert.equal(keys.length, 1);
    await assert.rejects(new JwksCache({ url: `${srv.base}/jwks`, timeoutMs: 3000, fingerprint: WRONG }).get(), /does not match authJWTJWKSFingerprint/);
    await assert.rejects(new JwksCache({ url: `${srv.base}/jwks`, timeoutMs: 3000 }).get(), /set authJWTJWKSFingerprint/);
  });

  it('uses authHTTPFingerprint from the v1.x settings', async () => {
    const log = Logger.create({ level: 'error', destinations: [], sink: () => undefined });
    const v1 = (httpFingerprint: string): AuthV1Settings => ({
      method: 'http', internalUsers: [], httpAddress: `${srv.base}/auth`, httpFingerprint, httpExclude: [], jwtJWKS: '', jwtClaimKey: 'mediamtx_permissions',
      jwtExclude: [], jwtIssuer: '', jwtAudience: '',
    });
    const req = { action: 'read' as const, pathName: 'cam', query: '', protocol: 'rtsp' as const, ip: '127.0.0.1', credentials: { kind: 'plain' as const, user: 'u', pass: 'p' } };
    const ok = new AuthManager({ externalAuthenticationURL: '', readTimeoutMs: 3000, log, v1: v1(srv.fingerprint), failDelayMs: { min: 0, max: 0 } });
    assert.deepEqual(await ok.authenticateRequest(req), { user: 'u' });
    const bad = new AuthManager({ externalAuthenticationURL: '', readTimeoutMs: 3000, log, v1: v1(WRONG), failDelayMs: { min: 0, max: 0 } });
    await assert.rejects(bad.authenticateRequest(req), /does not match authHTTPFingerprint/);
    ok.close();
    bad.close();
  });
});
