import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hash } from '@node-rs/argon2';
import type { ConfAuthInternalUser } from '../conf/index.ts';
import type { Credentials } from './access-request.ts';
import { checkCredential, checkInternalUsers, type InternalUserRequest } from './internal-users.ts';
import { IpList } from './ip-list.ts';
import { plain } from './test-support/refusal.ts';

// Vectors of MediaMTX HEAD internal/conf/credential_test.go ("testuser").
const SHA256_TESTUSER = 'sha256:rl3rgi4NcZkpAEcacZnQ2VuOfJ0FxAqCRaKB/SwdZoQ=';
const ARGON2_TESTUSER = 'argon2:$argon2id$v=19$m=4096,t=3,p=1$MTIzNDU2Nzg$Ux/LWeTgJQPyfMMJo1myR64+o8rALHoPmlE1i/TR+58';

const ipAllowed = (ips: readonly string[], ip: string): boolean => new IpList([...ips]).contains(ip);
const user = (over: Partial<ConfAuthInternalUser>): ConfAuthInternalUser => ({ user: 'any', pass: '', ips: [], permissions: [], ...over });
const req = (over: Partial<InternalUserRequest> = {}, credentials?: Credentials): InternalUserRequest =>
  ({ action: 'read', pathName: 'cam', ip: '10.0.0.5', ...over, ...(credentials ? { credentials } : {}) });

describe('checkCredential', () => {
  it('checks plain, sha256 and argon2 stored values; an empty one accepts anything', async () => {
    assert.equal(await checkCredential('password', 'password'), true);
    assert.equal(await checkCredential('password', 'wrongpassword'), false);
    assert.equal(await checkCredential(SHA256_TESTUSER, 'testuser'), true);
    assert.equal(await checkCredential(SHA256_TESTUSER, 'notestuser'), false);
    assert.equal(await checkCredential(ARGON2_TESTUSER, 'testuser'), true);
    assert.equal(await checkCredential(ARGON2_TESTUSER, 'notestuser'), false);
    assert.equal(await checkCredential('argon2:invalid', 'testuser'), false);
    assert.equal(await checkCredential('', 'whatever'), true);
  });

  it('verifies argon2i and argon2d hashes made with other parameters, off the event loop', async () => {
    for (const algorithm of [0, 1, 2] as const) {
      const stored = `argon2:${await hash('s3cret', { algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 })}`;
      let ticks = 0;
      const iv = setInterval(() => { ticks++; }, 1);
      const t0 = performance.now();
      assert.equal(await checkCredential(stored, 's3cret'), true);
      const ms = performance.now() - t0;
      clearInterval(iv);
      assert.equal(await checkCredential(stored, 's3creT'), false);
      // The event loop kept turning while the hash ran (a synchronous wasm hash would leave ticks at 0 or 1).
      if (ms > 10) assert.ok(ticks >= 2, `ticks ${ticks} during ${ms.toFixed(0)} ms`);
    }
  });
});

describe('checkInternalUsers', () => {
  it('lets the anonymous any user in without credentials, as upstream\'s default users', async () => {
    const users = [
      user({ permissions: [{ action: 'publish', path: '' }, { action: 'read', path: '' }, { action: 'playback', path: '' }] }),
      user({ ips: ['127.0.0.1/32', '::1/128'], permissions: [{ action: 'api', path: '' }, { action: 'metrics', path: '' }, { action: 'pprof', path: '' }] }),
    ];
    assert.deepEqual(await checkInternalUsers(users, req(), ipAllowed), { allowed: true });
    assert.deepEqual(await checkInternalUsers(users, req({ action: 'api', pathName: '', ip: '127.0.0.1' }), ipAllowed), { allowed: true });
    assert.deepEqual(await checkInternalUsers(users, req({ action: 'metrics', pathName: '', ip: '::1' }), ipAllowed), { allowed: true });
    assert.equal((await checkInternalUsers(users, req({ action: 'api', pathName: '', ip: '10.0.0.5' }), ipAllowed)).allowed, false);
  });

  it('checks IPs, then the permission, then the credentials, trying users in order', async () => {
    const users = [
      user({ user: 'pub', pass: 'pw', ips: ['10.0.0.0/8'], permissions: [{ action: 'publish', path: '~^cam' }] }),
      user({ user: 'viewer', pass: SHA256_TESTUSER, permissions: [{ action: 'read', path: 'cam' }] }),
      user({ user: 'argon', pass: ARGON2_TESTUSER, permissions: [{ action: 'read', path: '' }] }),
    ];
    const ok = async (r: InternalUserRequest): Promise<boolean> => (await checkInternalUsers(users, r, ipAllowed)).allowed;
    assert.equal(await ok(req({ action: 'publish', pathName: 'cam1' }, plain('pub', 'pw'))), true);
    assert.equal(await ok(req({ action: 'publish', pathName: 'cam1', ip: '192.168.1.1' }, plain('pub', 'pw'))), false, 'IP');
    assert.equal(await ok(req({ action: 'publish', pathName: 'other' }, plain('pub', 'pw'))), false, 'path');
    assert.equal(await ok(req({ action: 'publish', pathName: 'cam1' }, plain('pub', 'nope'))), false, 'password');
    assert.equal(await ok(req({}, plain('viewer', 'testuser'))), true);
    assert.equal(await ok(req({ pathName: 'cam2' }, plain('viewer', 'testuser'))), false);
    assert.equal(await ok(req({ pathName: 'cam2' }, plain('argon', 'testuser'))), true);
    assert.equal(await ok(req({ pathName: 'cam2' })), false, 'no credentials');
  });

  it('checks Digest answers against plain passwords only and says when a plain password is needed', async () => {
    const tried: string[] = [];
    const digest = (u: string, ok: boolean): Credentials => ({ kind: 'digest', user: u, verify: (p) => { tried.push(p); return ok; } });
    const users = [user({ user: 'bob', pass: 'pw', permissions: [{ action: 'read', path: '' }] })];
    assert.deepEqual(await checkInternalUsers(users, req({}, digest('bob', true)), ipAllowed), { allowed: true });
    assert.deepEqual(tried, ['pw']);
    assert.deepEqual(await checkInternalUsers(users, req({}, digest('eve', true)), ipAllowed), { allowed: false, needsPlainPassword: false });
    const hashed = [user({ user: 'bob', pass: SHA256_TESTUSER, permissions: [{ action: 'read', path: '' }] })];
    assert.deepEqual(await checkInternalUsers(hashed, req({}, digest('bob', true)), ipAllowed), { allowed: false, needsPlainPassword: true });
  });
});
