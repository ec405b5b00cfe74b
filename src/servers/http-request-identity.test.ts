import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { httpClientIp, httpRequestIdentity } from './http-request-identity.ts';

const trusted = (ips: string[]) => (ip: string): boolean => ips.includes(ip);

describe('httpClientIp', () => {
  it('ignores forwarding headers from an address that is not a trusted proxy', () => {
    assert.equal(httpClientIp('10.0.0.9', { 'x-forwarded-for': '127.0.0.1' }, trusted([])), '10.0.0.9');
    assert.equal(httpClientIp('::ffff:10.0.0.9', { 'x-real-ip': '127.0.0.1' }, trusted(['10.0.0.1'])), '10.0.0.9');
  });

  it('takes the first untrusted hop from the right when the peer is a trusted proxy', () => {
    const t = trusted(['10.0.0.1', '10.0.0.2']);
    assert.equal(httpClientIp('10.0.0.1', { 'x-forwarded-for': '1.1.1.1, 2.2.2.2, 10.0.0.2' }, t), '2.2.2.2');
    assert.equal(httpClientIp('10.0.0.1', { 'x-forwarded-for': '10.0.0.2' }, t), '10.0.0.2', 'all hops trusted: the leftmost');
    assert.equal(httpClientIp('10.0.0.1', { 'x-real-ip': '3.3.3.3' }, t), '3.3.3.3');
  });

  it('falls back to the peer when a hop is not an address', () => {
    const t = trusted(['10.0.0.1']);
    assert.equal(httpClientIp('10.0.0.1', { 'x-forwarded-for': 'evil, 10.0.0.1' }, t), '10.0.0.1');
    assert.equal(httpClientIp('10.0.0.1', { 'x-forwarded-for': 'unknown' }, t), '10.0.0.1');
  });
});

describe('httpRequestIdentity', () => {
  const req = (headers: Record<string, string>): IncomingMessage => ({ headers, socket: { remoteAddress: '::ffff:10.0.0.9' } }) as unknown as IncomingMessage;
  const b = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

  it('reads Basic credentials (a password may hold colons), a Bearer token and the User-Agent, with the client IP', () => {
    assert.deepEqual(httpRequestIdentity(req({ authorization: b('user:pa:ss'), 'user-agent': 'VLC/3' }), trusted([])),
      { ip: '10.0.0.9', credentials: { kind: 'plain', user: 'user', pass: 'pa:ss' }, userAgent: 'VLC/3' });
    assert.deepEqual(httpRequestIdentity(req({ authorization: 'Bearer eyJhbGciOi.x.y' }), trusted([])), { ip: '10.0.0.9', token: 'eyJhbGciOi.x.y' });
  });

  it('reads the same from a request of the fast path (fields and the socket\'s address, no IncomingMessage)', () => {
    const fast = { headers: { authorization: b('u:p'), 'x-forwarded-for': '1.2.3.4' }, remoteAddress: '::ffff:10.0.0.9' };
    assert.deepEqual(httpRequestIdentity(fast, trusted([])), { ip: '10.0.0.9', credentials: { kind: 'plain', user: 'u', pass: 'p' } });
    assert.equal(httpRequestIdentity(fast, trusted(['10.0.0.9'])).ip, '1.2.3.4', 'a trusted proxy\'s X-Forwarded-For');
  });

  it('gives no credentials for a missing or malformed header', () => {
    for (const authorization of [undefined, b('nocolon'), 'Basic !!!', 'Digest x']) {
      const r = httpRequestIdentity(req(authorization === undefined ? {} : { authorization }), trusted([]));
      assert.deepEqual(r, { ip: '10.0.0.9' }, String(authorization));
    }
  });
});
