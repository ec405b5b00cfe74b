import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAuthorization, computeDigestResponse, digestVerifier } from './auth-header.ts';
import { RtspParseError } from './rtsp-parse-error.ts';

describe('Authorization header', () => {
  it('parses Basic', () => {
    assert.deepEqual(parseAuthorization(`Basic ${Buffer.from('user:pa:ss').toString('base64')}`), { scheme: 'basic', user: 'user', pass: 'pa:ss' });
  });

  it('verifies a Digest answer computed like RFC 2617 §3.5', () => {
    // The RFC 2617 example without qop: user Mufasa, realm testrealm@host.com.
    const response = computeDigestResponse({ user: 'Mufasa', pass: 'Circle Of Life', realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', method: 'GET', uri: '/dir/index.html' });
    const header = `Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", response="${response}"`;
    const auth = parseAuthorization(header);
    assert.ok(auth.scheme === 'digest');
    assert.equal(digestVerifier(auth, 'GET')('Circle Of Life'), true);
    assert.equal(digestVerifier(auth, 'GET')('wrong'), false);
    assert.equal(digestVerifier(auth, 'POST')('Circle Of Life'), false);
  });

  it('refuses malformed headers with RtspParseError only (property)', () => {
    for (const bad of ['Bearer x', 'Basic bm9jb2xvbg==', 'Digest username="a"']) assert.throws(() => parseAuthorization(bad), RtspParseError, bad);
    fc.assert(fc.property(fc.string({ maxLength: 100 }), (s) => {
      for (const v of [s, `Digest ${s}`, `Basic ${s}`]) {
        try { parseAuthorization(v); } catch (e) { if (!(e instanceof RtspParseError)) throw e; }
      }
    }), { numRuns: 2000 });
  });
});
