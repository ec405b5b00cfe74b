import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RtspCredentialsSender, digestResponse, parseAuthChallenge } from './client-auth.ts';
import { digestVerifier, parseAuthorization } from './auth-header.ts';
import { RtspParseError } from './rtsp-parse-error.ts';

describe('client credentials sender', () => {
  it('computes the RFC 2617 §3.5 example (MD5, qop=auth)', () => {
    const r = digestResponse({
      algorithm: 'MD5', user: 'Mufasa', pass: 'Circle Of Life', realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', method: 'GET', uri: '/dir/index.html', qop: { nc: '00000001', cnonce: '0a4f113b' },
    });
    assert.equal(r, '6629fae49393a05397450978507c4ef1');
  });

  it('computes the RFC 7616 §3.9.1 examples (SHA-256 and MD5, qop=auth)', () => {
    const base = {
      user: 'Mufasa', pass: 'Circle of Life', realm: 'http-auth@example.org', nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      method: 'GET', uri: '/dir/index.html', qop: { nc: '00000001', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' },
    };
    assert.equal(digestResponse({ ...base, algorithm: 'SHA-256' }), '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    assert.equal(digestResponse({ ...base, algorithm: 'MD5' }), '8ca523f5e9506fed4657c9700eebdbec');
  });

  it('sends Basic as RFC 7617 §2 encodes it', () => {
    const s = RtspCredentialsSender.fromChallenges(['Basic realm="WallyWorld"'], 'Aladdin', 'open sesame');
    assert.equal(s?.authorization('DESCRIBE', 'rtsp://h/x'), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });

  it('prefers Digest to Basic and SHA-256 to MD5, whatever the header order', () => {
    const pick = (vals: string[]): string | undefined => RtspCredentialsSender.fromChallenges(vals, 'u', 'p')?.scheme;
    assert.equal(pick(['Basic realm="r"', 'Digest realm="r", nonce="n"']), 'Digest MD5');
    assert.equal(pick(['Digest realm="r", nonce="n", algorithm=SHA-256', 'Digest realm="r", nonce="n"', 'Basic realm="r"']), 'Digest SHA-256');
    assert.equal(pick(['Negotiate abc', 'Basic realm="r"']), 'Basic');
    assert.equal(pick(['Negotiate abc', 'Digest realm="r", nonce="n", algorithm=MD5-sess']), undefined);
  });

  it('answers a Digest challenge without qop in the form this server verifies', () => {
    const s = RtspCredentialsSender.fromChallenges(['Digest realm="IPCAM", nonce="abc123"'], 'admin', 'se cret:x');
    const value = s!.authorization('DESCRIBE', 'rtsp://127.0.0.1:8554/cam');
    const parsed = parseAuthorization(value);
    assert.ok(parsed.scheme === 'digest');
    assert.equal(parsed.uri, 'rtsp://127.0.0.1:8554/cam');
    assert.equal(digestVerifier(parsed, 'DESCRIBE')('se cret:x'), true);
    assert.equal(digestVerifier(parsed, 'DESCRIBE')('other'), false);
    assert.doesNotMatch(value, /algorithm|qop|se cret/);
  });

  it('counts nonces with qop=auth and echoes opaque', () => {
    const s = RtspCredentialsSender.fromChallenges(['Digest realm="r", nonce="n", qop="auth,auth-int", opaque="op"'], 'u', 'p')!;
    const a = s.authorization('SETUP', 'rtsp://h/x/trackID=0', 'c1');
    const b = s.authorization('PLAY', 'rtsp://h/x', 'c2');
    assert.match(a, /qop=auth, nc=00000001, cnonce="c1"/);
    assert.match(b, /nc=00000002/);
    assert.match(a, /opaque="op"/);
    const expected = digestResponse({ algorithm: 'MD5', user: 'u', pass: 'p', realm: 'r', nonce: 'n', method: 'SETUP', uri: 'rtsp://h/x/trackID=0', qop: { nc: '00000001', cnonce: 'c1' } });
    assert.match(a, new RegExp(`response="${expected}"`));
  });

  it('refuses malformed challenges with RtspParseError only (property)', () => {
    assert.throws(() => parseAuthChallenge('Digest realm="r"'), RtspParseError);
    assert.throws(() => RtspCredentialsSender.fromChallenges(['Digest nonce="n"'], 'u', 'p'), RtspParseError);
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (s) => {
      for (const v of [s, `Digest ${s}`, `Basic ${s}`]) {
        try { RtspCredentialsSender.fromChallenges([v], 'u', 'p')?.authorization('OPTIONS', '*'); } catch (e) { if (!(e instanceof RtspParseError)) throw e; }
      }
    }), { numRuns: 2000 });
  });
});
