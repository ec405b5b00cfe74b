import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { httpRequestCredentials } from './http-credentials.ts';

describe('httpRequestCredentials', () => {
  it('reads Basic, Bearer user:pass and Bearer tokens as MediaMTX HEAD httpp.Credentials', () => {
    assert.deepEqual(httpRequestCredentials(undefined), {});
    assert.deepEqual(httpRequestCredentials(`Basic ${Buffer.from('bob:pw:x').toString('base64')}`), { credentials: { kind: 'plain', user: 'bob', pass: 'pw:x' } });
    assert.deepEqual(httpRequestCredentials('Bearer bob:pw'), { credentials: { kind: 'plain', user: 'bob', pass: 'pw' } });
    assert.deepEqual(httpRequestCredentials('Bearer eyJ.a.b'), { token: 'eyJ.a.b' });
    assert.deepEqual(httpRequestCredentials('Bearer a:b:c'), { token: 'a:b:c' });
    assert.deepEqual(httpRequestCredentials('Digest username="x"'), {});
    assert.deepEqual(httpRequestCredentials('Basic !!!'), {});
  });
});
