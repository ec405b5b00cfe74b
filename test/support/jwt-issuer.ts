import { createServer, type Server, type ServerResponse } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** JWS algorithms the test issuer can sign with (RFC 7518 §3.3, §3.4; RFC 8037 §3.1). */
export type TestJwtAlg = 'RS256' | 'ES256' | 'EdDSA';

/** One signing key of the test issuer, with its public JWK (RFC 7517). */
export interface TestJwtKey { readonly alg: TestJwtAlg; readonly kid: string; readonly privateKey: KeyObject; readonly jwk: Record<string, unknown> }

/** Makes a fresh key pair for `alg` with node:crypto. */
export function makeJwtKey(alg: TestJwtAlg, kid = `${alg.toLowerCase()}-key`): TestJwtKey {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { alg, kid, privateKey: pair.privateKey, jwk };
}

/** Signs `claims` as a JWS compact serialization (RFC 7515 §7.1); `header` overrides header fields. */
export function signJwt(key: TestJwtKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const h = Buffer.from(JSON.stringify({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = Buffer.from(`${h}.${p}`);
  const sig = key.alg === 'RS256' ? sign('sha256', input, key.privateKey)
    : key.alg === 'ES256' ? sign('sha256', input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(null, input, key.privateKey);
  return `${h}.${p}.${sig.toString('base64url')}`;
}

/** A JWKS endpoint on 127.0.0.1 that counts its fetches; `hang` makes it never answer. */
export interface JwksServer { readonly url: string; fetches: number; hang: boolean; keys: Record<string, unknown>[]; close(): Promise<void> }

/** Serves `{"keys": [...]}` of the given keys at /jwks. */
export async function startJwksServer(keys: readonly TestJwtKey[]): Promise<JwksServer> {
  const held: ServerResponse[] = [];
  const state = { fetches: 0, hang: false, keys: keys.map((k) => k.jwk) };
  const server: Server = createServer((_req, res) => {
    state.fetches++;
    if (state.hang) { held.push(res); return; }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  return Object.assign(state, {
    url,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  });
}
