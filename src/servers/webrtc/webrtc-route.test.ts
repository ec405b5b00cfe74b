import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebRtcRoute } from './webrtc-route.ts';
import { addNat1To1Candidates } from './webrtc-peer.ts';

describe('parseWebRtcRoute', () => {
  const ID = '0f0e5c2a-9b1d-4c3e-8f7a-6b5c4d3e2f1a';
  const CASES: readonly [string, unknown][] = [
    ['/cam', { kind: 'redirect', location: '/cam/' }],
    ['/cam?token=a', { kind: 'redirect', location: '/cam/?token=a' }],
    ['//evil.com', { kind: 'redirect', location: '/evil.com/' }],
    ['/cam/', { kind: 'readerPage', pathName: 'cam', query: '' }],
    ['/a/b/publish?x=1', { kind: 'publishPage', pathName: 'a/b', query: 'x=1' }],
    ['/a/b/whep', { kind: 'endpoint', role: 'whep', pathName: 'a/b', query: '' }],
    ['/cam/whip?user=u', { kind: 'endpoint', role: 'whip', pathName: 'cam', query: 'user=u' }],
    [`/cam/whep/${ID}`, { kind: 'session', role: 'whep', pathName: 'cam', sessionId: ID, query: '' }],
    ['/', { kind: 'notFound' }],
    ['/favicon.ico', { kind: 'notFound' }],
  ];
  for (const [target, want] of CASES) it(`routes ${target}`, () => assert.deepEqual(parseWebRtcRoute(target), want));

  it('refuses encoded separators, bad names and long targets', () => {
    assert.deepEqual(parseWebRtcRoute('/a%2fb/whep'), { kind: 'bad', status: 400, reason: 'encoded separators are not allowed' });
    assert.equal((parseWebRtcRoute('/a/../b/') as { status?: number }).status, 400);
    assert.equal((parseWebRtcRoute('/%zz/') as { status?: number }).status, 400);
    assert.equal((parseWebRtcRoute(`/${'a'.repeat(3000)}/`) as { status?: number }).status, 414);
  });
});

describe('addNat1To1Candidates', () => {
  it('copies each IPv4 host candidate with every public address, same port', () => {
    const sdp = 'a=candidate:1 1 udp 2130706431 10.0.0.5 50000 typ host\r\na=candidate:2 1 udp 2130706431 ::1 50001 typ host\r\na=end-of-candidates';
    assert.equal(addNat1To1Candidates(sdp, ['203.0.113.7']),
      'a=candidate:1 1 udp 2130706431 10.0.0.5 50000 typ host\r\na=candidate:1n0 1 udp 2130706430 203.0.113.7 50000 typ host\r\na=candidate:2 1 udp 2130706431 ::1 50001 typ host\r\na=end-of-candidates');
    assert.equal(addNat1To1Candidates(sdp, []), sdp);
  });
});
