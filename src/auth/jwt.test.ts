import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { makeJwtKey, signJwt, startJwksServer, type JwksServer, type TestJwtKey } from '../../test/support/jwt-issuer.ts';
import { checkRegisteredClaims, permissionsClaim } from './jwt-claims.ts';
import { jwkToEntry, JwtError, verifyJwtSignature, type JwkEntry } from './jwt-verify.ts';
import { JwksCache, parseJwks } from './jwks-cache.ts';
import { TIMER_SLACK_MS } from './test-support/refusal.ts';

const NOW = 1_800_000_000;
const keyEntries = (keys: TestJwtKey[]): JwkEntry[] => keys.map((k) => jwkToEntry(k.jwk)!);
const jwtError = (fn: () => unknown, re: RegExp): void => { assert.throws(fn, (e: unknown) => e instanceof JwtError && re.test(e.message)); };

describe('verifyJwtSignature (RFC 7515, RFC 7518, RFC 8037)', () => {
  const keys = [makeJwtKey('RS256'), makeJwtKey('ES256'), makeJwtKey('EdDSA')];
  const entries = keyEntries(keys);

  it('verifies RS256, ES256 and EdDSA tokens with the key named by kid', () => {
    for (const k of keys) {
      const { claims, header } = verifyJwtSignature(signJwt(k, { sub: 'alice', n: 1 }), entries);
      assert.equal(claims.sub, 'alice');
      assert.equal(header.alg, k.alg);
    }
  });

  it('refuses a bad signature, another key\'s signature, an unknown kid, none and HMAC', () => {
    const [rs, es] = keys as [TestJwtKey, TestJwtKey];
    const token = signJwt(rs, { sub: 'alice' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = Buffer.from(s, 'base64url');
    flipped[0]! ^= 1;
    jwtError(() => verifyJwtSignature(`${h}.${p}.${flipped.toString('base64url')}`, entries), /signature is invalid/);
    const forged = Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url');
    jwtError(() => verifyJwtSignature(`${h}.${forged}.${s}`, entries), /signature is invalid/);
    // Signed by the ES256 key but naming the RS256 kid.
    jwtError(() => verifyJwtSignature(signJwt(es, { sub: 'x' }, { kid: rs.kid }), entries), /signature is invalid/);
    // RS256 signature presented as ES256 with the RS256 key: the key type does not fit the algorithm.
    jwtError(() => verifyJwtSignature(signJwt(rs, { sub: 'x' }, { alg: 'ES256' }), entries), /signature is invalid/);
    jwtError(() => verifyJwtSignature(signJwt(rs, { sub: 'x' }, { kid: 'nope' }), entries), /key ID was not found/);
    jwtError(() => verifyJwtSignature(signJwt(rs, { sub: 'x' }, { kid: undefined }), entries), /could not find kid/);
    jwtError(() => verifyJwtSignature(`${Buffer.from('{"alg":"none","kid":"rs256-key"}').toString('base64url')}.${p}.`, entries), /signing method none is invalid/);
    jwtError(() => verifyJwtSignature(signJwt(rs, {}, { alg: 'HS256' }), entries), /signing method HS256 is invalid/);
    jwtError(() => verifyJwtSignature('a.b', entries), /malformed/);
    jwtError(() => verifyJwtSignature('e30.e30.a+b', entries), /malformed/);
  });

  it('skips JWKs that are symmetric or for encryption; keeps only the public half of a private one', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.equal(jwkToEntry({ ...privateKey.export({ format: 'jwk' }), kid: 'p' })?.key.type, 'public');
    assert.equal(jwkToEntry({ kty: 'oct', k: 'c2VjcmV0', kid: 'h' }), undefined);
    assert.equal(jwkToEntry({ ...keys[0]!.jwk, use: 'enc' }), undefined);
    assert.throws(() => parseJwks('{"keys":[{"kty":"oct","k":"eA"}]}'), /no usable signing key/);
    assert.throws(() => parseJwks('[]'), /no "keys" list/);
  });
});

describe('JWT claims', () => {
  const rules = { issuer: '', audience: '' };
  it('checks exp and nbf without leeway, as golang-jwt v5', () => {
    checkRegisteredClaims({ exp: NOW + 1, nbf: NOW }, rules, NOW);
    checkRegisteredClaims({ exp: NOW }, rules, NOW);
    jwtError(() => checkRegisteredClaims({ exp: NOW - 1 }, rules, NOW), /token is expired/);
    jwtError(() => checkRegisteredClaims({ nbf: NOW + 1 }, rules, NOW), /not valid yet/);
    jwtError(() => checkRegisteredClaims({ exp: 'tomorrow' }, rules, NOW), /NumericDate/);
  });

  it('checks iss and aud when configured', () => {
    const r = { issuer: 'https://idp', audience: 'mediamtx' };
    checkRegisteredClaims({ iss: 'https://idp', aud: 'mediamtx' }, r, NOW);
    checkRegisteredClaims({ iss: 'https://idp', aud: ['other', 'mediamtx'] }, r, NOW);
    jwtError(() => checkRegisteredClaims({ iss: 'https://evil', aud: 'mediamtx' }, r, NOW), /invalid issuer/);
    jwtError(() => checkRegisteredClaims({ aud: 'mediamtx' }, r, NOW), /invalid issuer/);
    jwtError(() => checkRegisteredClaims({ iss: 'https://idp', aud: ['other'] }, r, NOW), /invalid audience/);
    jwtError(() => checkRegisteredClaims({ iss: 'https://idp' }, r, NOW), /invalid audience/);
  });

  it('reads the permissions claim as a list or as a JSON string of one', () => {
    const perms = [{ action: 'read', path: 'cam' }, { action: 'api' }];
    const want = [{ action: 'read', path: 'cam' }, { action: 'api', path: '' }];
    assert.deepEqual(permissionsClaim({ mediamtx_permissions: perms }, 'mediamtx_permissions'), want);
    assert.deepEqual(permissionsClaim({ custom: JSON.stringify(perms) }, 'custom'), want);
    jwtError(() => permissionsClaim({}, 'mediamtx_permissions'), /claim 'mediamtx_permissions' not found/);
    jwtError(() => permissionsClaim({ k: [{ action: 'fly' }] }, 'k'), /invalid auth action/);
    jwtError(() => permissionsClaim({ k: [{ action: 'read', extra: 1 }] }, 'k'), /unknown field 'extra'/);
    jwtError(() => permissionsClaim({ k: 'not json' }, 'k'), /not a list/);
  });
});

describe('JwksCache', () => {
  const key = makeJwtKey('ES256');
  let srv: JwksServer;
  before(async () => { srv = await startJwksServer([key]); });
  after(() => srv.close());

  it('fetches once, shares concurrent fetches, keeps the set an hour and fetches again after refresh()', async () => {
    let now = 0;
    const cache = new JwksCache({ url: srv.url, timeoutMs: 2000, now: () => now });
    const before = srv.fetches;
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    assert.equal(a, b);
    assert.equal(a[0]!.kid, key.kid);
    await cache.get();
    assert.equal(srv.fetches - before, 1);
    now += 3_599_000;
    await cache.get();
    assert.equal(srv.fetches - before, 1);
    now += 1000;
    await cache.get();
    assert.equal(srv.fetches - before, 2, 'an hour later');
    cache.refresh();
    await cache.get();
    assert.equal(srv.fetches - before, 3, 'after refresh()');
  });

  it('gives up within its timeout when the server never answers, and tries again next time', async () => {
    const cache = new JwksCache({ url: srv.url, timeoutMs: 200 });
    srv.hang = true;
    const t0 = performance.now();
    await assert.rejects(cache.get(), /JWKS fetch timed out/);
    const ms = performance.now() - t0;
    assert.ok(ms >= 190 - TIMER_SLACK_MS && ms < 1500, `took ${ms} ms`);
    srv.hang = false;
    assert.equal((await cache.get())[0]!.kid, key.kid);
  });

  it('refuses a set larger than 128 KiB and a URL that is not http(s)', async () => {
    srv.keys = [...srv.keys, { kty: 'oct', k: 'a'.repeat(200 * 1024) }];
    await assert.rejects(new JwksCache({ url: srv.url, timeoutMs: 2000 }).get(), /JWKS too large/);
    srv.keys = [key.jwk];
    await assert.rejects(new JwksCache({ url: 'ftp://x/', timeoutMs: 2000 }).get(), /invalid authJWTJWKS/);
  });
});
