import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Credentials } from './access-request.ts';
import { credentialsMatch, matchesStored } from './credential.ts';

/** MediaMTX's stored form: `sha256:` + base64(sha256(value)). */
function hashed(v: string): string { return `sha256:${createHash('sha256').update(v).digest('base64')}`; }

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** A Digest answer as an RTSP client computes it (RFC 2617 §3.2.2.1, no qop), and its server-side check. */
function digestCredentials(user: string, pass: string, realm = 'IPCAM', nonce = 'abc', method = 'DESCRIBE', uri = 'rtsp://h/p'): Credentials {
  const response = md5(`${md5(`${user}:${realm}:${pass}`)}:${nonce}:${md5(`${method}:${uri}`)}`);
  return {
    kind: 'digest',
    user,
    verify: (candidate: string) => md5(`${md5(`${user}:${realm}:${candidate}`)}:${nonce}:${md5(`${method}:${uri}`)}`) === response,
  };
}

const plain = (user: string, pass: string): Credentials => ({ kind: 'plain', user, pass });

describe('matchesStored', () => {
  it('compares plain stored values exactly', () => {
    assert.equal(matchesStored('secret', 'secret'), true);
    assert.equal(matchesStored('secret', 'Secret'), false);
    assert.equal(matchesStored('secret', 'secret '), false);
    assert.equal(matchesStored('secret', ''), false);
  });

  it('compares sha256 stored values with the hash of what was received', () => {
    assert.equal(matchesStored(hashed('secret'), 'secret'), true);
    assert.equal(matchesStored(hashed('secret'), 'other'), false);
    // The stored string itself is not a valid answer.
    assert.equal(matchesStored(hashed('secret'), hashed('secret')), false);
  });

  it('refuses everything against a malformed sha256 stored value instead of throwing', () => {
    for (const bad of ['sha256:', 'sha256:AAAA', 'sha256:!!!!', `${hashed('x')}AAAA`]) {
      assert.equal(matchesStored(bad, 'x'), false, bad);
    }
  });

  it('matches exactly the equal strings for arbitrary values, plain and hashed (property)', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      assert.equal(matchesStored(a.startsWith('sha256:') ? `_${a}` : a, b), (a.startsWith('sha256:') ? `_${a}` : a) === b);
      assert.equal(matchesStored(hashed(a), b), a === b);
    }), { numRuns: 500 });
  });
});

describe('credentialsMatch', () => {
  it('accepts plain credentials against plain and sha256 stored users and passwords', () => {
    for (const [u, p] of [['bob', 'pw'], [hashed('bob'), 'pw'], ['bob', hashed('pw')], [hashed('bob'), hashed('pw')]] as const) {
      assert.equal(credentialsMatch(plain('bob', 'pw'), u, p), true, `${u} ${p}`);
      assert.equal(credentialsMatch(plain('bob', 'nope'), u, p), false, `${u} ${p} wrong pass`);
      assert.equal(credentialsMatch(plain('eve', 'pw'), u, p), false, `${u} ${p} wrong user`);
    }
  });

  it('checks Digest answers against a plain stored password', () => {
    assert.equal(credentialsMatch(digestCredentials('bob', 'pw'), 'bob', 'pw'), true);
    assert.equal(credentialsMatch(digestCredentials('bob', 'pw'), hashed('bob'), 'pw'), true);
    assert.equal(credentialsMatch(digestCredentials('bob', 'wrong'), 'bob', 'pw'), false);
    assert.equal(credentialsMatch(digestCredentials('eve', 'pw'), 'bob', 'pw'), false);
  });

  it('refuses Digest answers when the stored password is hashed, without passing the hash to verify', () => {
    const seen: string[] = [];
    const cred: Credentials = { kind: 'digest', user: 'bob', verify: (p) => { seen.push(p); return true; } };
    assert.equal(credentialsMatch(cred, 'bob', hashed('pw')), false);
    assert.deepEqual(seen, []);
  });
});
