import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hookEnv, queryEscape } from './hook-env.ts';

describe('hookEnv', () => {
  it('exports MTX_PATH, RTSP_PATH, RTSP_PORT and G1..Gn', () => {
    assert.deepEqual(hookEnv({ pathName: 'cams/front', rtspPort: 8554, matches: ['cams', 'front'] }), {
      MTX_PATH: 'cams/front', RTSP_PATH: 'cams/front', RTSP_PORT: '8554', G1: 'cams', G2: 'front',
    });
  });

  it('sets RTSP_PATH to empty for connection hooks, as v0.22.2 runOnConnect', () => {
    assert.deepEqual(hookEnv({ rtspPort: 554 }), { MTX_PATH: '', RTSP_PATH: '', RTSP_PORT: '554' });
  });

  it('exports the query URL-encoded as MTX_QUERY, and extra variables last', () => {
    const env = hookEnv({ pathName: 'p', rtspPort: 8554, query: 'query=value', extra: { MTX_CONN_TYPE: 'rtspConn', MTX_PATH: 'override' } });
    assert.equal(env.MTX_QUERY, 'query%3Dvalue');
    assert.equal(env.MTX_CONN_TYPE, 'rtspConn');
    assert.equal(env.MTX_PATH, 'override');
    assert.equal('MTX_QUERY' in hookEnv({ rtspPort: 1 }), false);
  });
});

describe('queryEscape', () => {
  it('encodes like Go url.QueryEscape', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['a=1&b=2', 'a%3D1%26b%3D2'],
      ['hello world', 'hello+world'],
      ["$(touch${IFS}/tmp/x)'!*~-_.", '%24%28touch%24%7BIFS%7D%2Ftmp%2Fx%29%27%21%2A~-_.'],
      ['>f &g;h|i`j"k\n', '%3Ef+%26g%3Bh%7Ci%60j%22k%0A'],
      ['ä€😀', '%C3%A4%E2%82%AC%F0%9F%98%80'],
      ['\uD800', '%EF%BF%BD'],
    ];
    for (const [raw, want] of cases) assert.equal(queryEscape(raw), want, JSON.stringify(raw));
  });

  it('leaves only shell-inert characters and decodes back (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (raw) => {
      const enc = queryEscape(raw);
      assert.match(enc, /^[A-Za-z0-9%+._~-]*$/);
      assert.equal(decodeURIComponent(enc.replace(/\+/g, ' ')), raw);
    }), { numRuns: 1000 });
  });
});

describe('hookEnv MTX_QUERY', () => {
  it('masks credential values of the query and keeps the rest', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    const env = hookEnv({ pathName: 'p', rtspPort: 8554, query: `pass=hunter2&user=bob&x=1&jwt=${jwt}&keep=${jwt}` });
    assert.equal(decodeURIComponent(env.MTX_QUERY!), 'pass=xxxxx&user=bob&x=1&jwt=xxxxx&keep=xxxxx');
    assert.equal(hookEnv({ pathName: 'p', rtspPort: 8554, query: 'a=1&token=t0ken' }).MTX_QUERY, 'a%3D1%26token%3Dxxxxx');
    assert.equal(hookEnv({ pathName: 'p', rtspPort: 8554, query: '' }).MTX_QUERY, '');
  });
});
