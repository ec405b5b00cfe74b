import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HlsRouteCache, parseHlsRoute, type HlsRoute } from './hls-route.ts';

// Request target → what the server does with it.
const CASES: readonly [string, HlsRoute | string][] = [
  ['/', { kind: 'notFound' }],
  ['/favicon.ico', { kind: 'notFound' }],
  ['/index.m3u8', { kind: 'notFound' }],
  ['/cam', { kind: 'redirect', location: '/cam/' }],
  ['/cam?token=abc', { kind: 'redirect', location: '/cam/?token=abc' }],
  ['/live/cam', { kind: 'redirect', location: '/live/cam/' }],
  // Open-redirect attempts stay on this host (MediaMTX #2772, #5708).
  ['//evil.com', { kind: 'redirect', location: '/evil.com/' }],
  ['///evil.com/x', { kind: 'redirect', location: '/evil.com/x/' }],
  ['/%5Cevil.com', 'bad 400'],
  ['/\\evil.com', 'bad 400'],
  ['/%2F%2Fevil.com', 'bad 400'],
  ['/cam/', { kind: 'page', pathName: 'cam', query: '' }],
  ['/live/cam/?a=b', { kind: 'page', pathName: 'live/cam', query: 'a=b' }],
  ['/cam/index.m3u8', { kind: 'file', pathName: 'cam', file: 'index.m3u8', query: '' }],
  ['/cam/stream.m3u8?_HLS_msn=3&_HLS_part=1', { kind: 'file', pathName: 'cam', file: 'stream.m3u8', query: '_HLS_msn=3&_HLS_part=1' }],
  ['/cam/seg7.mp', { kind: 'file', pathName: 'cam', file: 'seg7.mp4', query: '' }],
  ['/cam/seg7.ts', { kind: 'file', pathName: 'cam', file: 'seg7.ts', query: '' }],
  ['/cam/hls.min.js', { kind: 'asset' }],
  ['/hls.min.js', { kind: 'asset' }],
  // Traversal, plain and encoded, and names outside MediaMTX's character set.
  ['/../etc/passwd', 'bad 400'],
  ['/cam/../../x/index.m3u8', 'bad 400'],
  ['/cam/%2e%2e/index.m3u8', 'bad 400'],
  ['/cam%2Fx/index.m3u8', 'bad 400'],
  ['/cam%00/index.m3u8', 'bad 400'],
  ['/cam/.index.m3u8', 'bad 400'],
  ['/ca m/', 'bad 400'],
  ['/cam//', 'bad 400'],
  ['/%E0%A4%A', 'bad 400'],
  ['/~cam/', 'bad 400'],
  ['http://evil.com/cam/', 'bad 400'],
  [`/${'a'.repeat(3000)}/`, 'bad 414'],
  [`/cam/index.m3u8?${'a'.repeat(3000)}`, 'bad 414'],
];

describe('parseHlsRoute', () => {
  for (const [target, want] of CASES) {
    it(`${target.length > 60 ? `${target.slice(0, 40)}…(${target.length} chars)` : target} → ${typeof want === 'string' ? want : want.kind}`, () => {
      const got = parseHlsRoute(target);
      if (typeof want === 'string') {
        assert.equal(got.kind === 'bad' ? `bad ${got.status}` : got.kind, want, JSON.stringify(got));
      } else {
        assert.deepEqual(got, want);
      }
    });
  }

  it('never redirects anywhere but a path of this host, whatever the input', () => {
    const hostile = ['//', '/./', '/%2e/', '/@evil.com', '//@evil', '/\t/evil', '/%09/evil.com', '/.evil.com', '/x/..', '/x/./y'];
    for (const t of hostile) {
      const r = parseHlsRoute(t);
      if (r.kind === 'redirect') assert.match(r.location, /^\/[^/\\]/, `${t} → ${r.location}`);
    }
  });
});

describe('HlsRouteCache', () => {
  it('gives the route parseHlsRoute gives, asked once or again', () => {
    const cache = new HlsRouteCache();
    for (let round = 0; round < 2; round++) {
      for (const [target] of CASES) assert.deepEqual(cache.route(target), parseHlsRoute(target), `${target} (round ${round})`);
    }
  });

  it('keeps at most its capacity, and never a long target', () => {
    const cache = new HlsRouteCache(4);
    for (let i = 0; i < 10; i++) {
      assert.deepEqual(cache.route(`/cam/stream.m3u8?_HLS_msn=${i}`), { kind: 'file', pathName: 'cam', file: 'stream.m3u8', query: `_HLS_msn=${i}` });
      assert.ok(cache.size <= 4, `size ${cache.size}`);
    }
    const before = cache.size;
    const long = `/cam/stream.m3u8?token=${'a'.repeat(300)}`;
    assert.equal(cache.route(long).kind, 'file');
    assert.equal(cache.size, before);
  });
});
