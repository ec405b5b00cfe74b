import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { iceServerLinks, parseIceServer } from './ice-servers.ts';
import { parseTrickleFragment, MAX_TRICKLE_CANDIDATES } from './trickle-ice.ts';

describe('parseIceServer', () => {
  it('reads STUN and TURN entries of webrtcICEServers', () => {
    assert.deepEqual(parseIceServer('stun:stun.l.google.com:19302'), { urls: 'stun:stun.l.google.com:19302' });
    assert.deepEqual(parseIceServer('turn:user:pass:127.0.0.1:3478'), { urls: 'turn:127.0.0.1:3478', username: 'user', credential: 'pass' });
    assert.deepEqual(parseIceServer('turns:u:p:turn.example.com:5349'), { urls: 'turns:turn.example.com:5349', username: 'u', credential: 'p' });
  });

  it('makes time-limited TURN credentials from AUTH_SECRET (TURN REST API: HMAC-SHA1 of "expiry:random")', () => {
    const s = parseIceServer('turn:AUTH_SECRET:s3cret:127.0.0.1:3478', 1_000_000_000_000);
    assert.equal(s.urls, 'turn:127.0.0.1:3478');
    assert.match(s.username!, /^1000086400:[0-9a-f]{16}$/);
    assert.equal(s.credential, createHmac('sha1', 's3cret').update(s.username!).digest('base64'));
    assert.notEqual(parseIceServer('turn:AUTH_SECRET:s3cret:127.0.0.1:3478').username, parseIceServer('turn:AUTH_SECRET:s3cret:127.0.0.1:3478').username);
  });

  it('refuses other shapes', () => {
    assert.throws(() => parseIceServer('http://x'), /unknown scheme/);
    assert.throws(() => parseIceServer('turn:a:b:c'), /expected/);
  });

  it('never puts a TURN password in its error', () => {
    for (const entry of ['trun:alice:TurnPass9:host:3478', 'turn:alice:TurnPass9:host', 'turn:alice:TurnPass9:host:0']) {
      let message = '(accepted)';
      try { parseIceServer(entry); } catch (e) { message = (e as Error).message; }
      assert.match(message, /^invalid ICE server '(turn:…|t\w+:alice:xxxxx:host:\d+)'/, `${entry} → ${message}`);
      assert.ok(!message.includes('TurnPass9'), `${entry} → ${message}`);
    }
  });

  it('writes Link headers as draft-ietf-wish-whip §4.4 shows them', () => {
    assert.deepEqual(iceServerLinks([{ urls: 'stun:a:1' }, { urls: 'turn:b:2', username: 'u"x', credential: 'p' }]), [
      '<stun:a:1>; rel="ice-server"',
      '<turn:b:2>; rel="ice-server"; username="u\\"x"; credential="p"; credential-type="password"',
    ]);
  });
});

describe('parseTrickleFragment', () => {
  it('reads ufrag, pwd, candidates with their mid and end-of-candidates (RFC 8840 §4.4)', () => {
    const f = parseTrickleFragment('a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n'
      + 'a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0\r\nm=video 9 RTP/AVP 0\r\na=mid:1\r\n'
      + 'a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 typ host\r\na=end-of-candidates\r\n');
    assert.equal(f.ufrag, 'EsAw');
    assert.equal(f.pwd, 'P2uYro0UCOQ4zxjKXaWCBui1');
    assert.deepEqual(f.candidates.map((c) => [c.sdpMid, c.sdpMLineIndex, c.candidate.split(' ')[4]]), [['0', 0, '192.0.2.1'], ['1', 1, '198.51.100.2']]);
    assert.equal(f.isEnd, true);
  });

  it('refuses lines that are not SDP and too many candidates', () => {
    assert.throws(() => parseTrickleFragment('hello'), /invalid SDP fragment line/);
    assert.throws(() => parseTrickleFragment('a=candidate:1 1 udp 1 1.1.1.1 1 typ host\r\n'.repeat(MAX_TRICKLE_CANDIDATES + 1)), /too many/);
  });
});
