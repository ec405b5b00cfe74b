import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redactUrl, redactSecrets, REDACTED } from './redact-url.ts';

describe('redactUrl', () => {
  it('hides the password of a URL and keeps the user, host and path', () => {
    assert.equal(redactUrl('rtsp://admin:S3cret@192.168.1.10:554/stream1'), `rtsp://admin:${REDACTED}@192.168.1.10:554/stream1`);
    assert.equal(redactUrl('https://auth:pw@example.com/check'), `https://auth:${REDACTED}@example.com/check`);
    assert.equal(redactUrl('rtsp://user:@cam/x'), `rtsp://user:${REDACTED}@cam/x`);
  });

  it('hides a password that contains a raw @, :, # or ?, up to the last @ before the path', () => {
    assert.equal(redactUrl('rtsp://u:p@ss:w@cam:554/x'), `rtsp://u:${REDACTED}@cam:554/x`);
    assert.equal(redactUrl('rtsp://u:p#s?s@cam/x'), `rtsp://u:${REDACTED}@cam/x`);
  });

  it('hides any password MediaMTX accepts in credentials (property)', () => {
    // MediaMTX v0.22.2's credential characters, plus ':' and '?' that URLs allow in a password.
    const pass = fc.stringMatching(/^[a-zA-Z0-9!$()*+.;<=>[\]^_\-{}@#&:?]{1,24}$/);
    const user = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
    fc.assert(fc.property(user, pass, (u, p) => {
      assert.equal(redactSecrets(`source 'rtsp://${u}:${p}@cam.local:554/live' ok`), `source 'rtsp://${u}:${REDACTED}@cam.local:554/live' ok`);
      const b64 = Buffer.from(`${u}:${p}`).toString('base64');
      assert.equal(redactSecrets(`Authorization: Basic ${b64}`), `Authorization: ${REDACTED}`);
      assert.equal(redactSecrets(`sent Basic ${b64} twice`), `sent Basic ${REDACTED} twice`);
    }), { numRuns: 500 });
  });

  it('hides the passphrase and the stream id password of an SRT URL, and keeps the rest', () => {
    assert.equal(redactUrl('srt://h:8890?streamid=read:cam&passphrase=longsecret123'), `srt://h:8890?streamid=read:cam&passphrase=${REDACTED}`);
    assert.equal(redactUrl('srt://h:8890?streamid=publish:cam:bob:hunter2:q=1&latency=200'), `srt://h:8890?streamid=publish:cam:bob:${REDACTED}:q=1&latency=200`);
    assert.equal(redactSecrets("paths.cam: SRT source 'srt://h:8890?streamid=read:cam:bob:hunter2&passphrase=longsecret123'"),
      `paths.cam: SRT source 'srt://h:8890?streamid=read:cam:bob:${REDACTED}&passphrase=${REDACTED}'`);
  });

  it('keeps URLs without a password unchanged', () => {
    for (const u of ['rtsp://cam:554/x', 'rtsp://admin@cam/x', '/otherpath', 'udp://238.0.0.1:1234', 'http://h/p?a=1&b=2', 'publisher', 'srt://h:8890?streamid=read:cam']) {
      assert.equal(redactUrl(u), u, u);
    }
  });

  it('hides credential query values (RTMP ?user=&pass=, tokens) and keeps the others', () => {
    assert.equal(redactUrl('rtmp://h/live/cam?user=bob&pass=hunter2'), `rtmp://h/live/cam?user=bob&pass=${REDACTED}`);
    assert.equal(redactUrl('cam?pass=a&token=b&jwt=c&x=1'), `cam?pass=${REDACTED}&token=${REDACTED}&jwt=${REDACTED}&x=1`);
    assert.equal(redactUrl('rtsp://h/p?PASSWORD=z#frag'), `rtsp://h/p?PASSWORD=${REDACTED}#frag`);
  });
});

describe('redactSecrets', () => {
  it('hides every URL of a line and keeps the rest of the text', () => {
    const line = "paths.cam: source 'rtsp://a:one@h/x', fallback rtsp://b:two@h/y?pass=three";
    const out = redactSecrets(line);
    for (const s of ['one', 'two', 'three']) assert.doesNotMatch(out, new RegExp(`\\b${s}\\b`), out);
    assert.match(out, /^paths\.cam: source 'rtsp:\/\/a:xxxxx@h\/x', fallback rtsp:\/\/b:xxxxx@h\/y\?pass=xxxxx$/);
  });

  it('hides Authorization header values, Basic credentials and Digest responses', () => {
    const basic = Buffer.from('alice:wonder').toString('base64');
    assert.equal(redactSecrets(`Authorization: Basic ${basic}`), `Authorization: ${REDACTED}`);
    assert.equal(redactSecrets(`header was Basic ${basic} (refused)`), `header was Basic ${REDACTED} (refused)`);
    assert.equal(redactSecrets('proxy-authorization:Bearer abc'), `proxy-authorization:${REDACTED}`);
    const digest = 'Digest username="alice", realm="IPCAM", nonce="n", uri="rtsp://h/x", response="0123456789abcdef0123456789abcdef"';
    assert.equal(redactSecrets(`got ${digest}`), `got Digest username="alice", realm="IPCAM", nonce="n", uri="rtsp://h/x", response="${REDACTED}"`);
  });

  it('hides password fields of JSON bodies', () => {
    assert.equal(redactSecrets('body {"user":"u","password":"p\\"q","path":"x"}'), `body {"user":"u","password":"${REDACTED}","path":"x"}`);
  });

  it('hides JWTs wherever they appear: query, RTSP URL password, bare text', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz_-';
    assert.equal(redactSecrets(`[RTMP] [conn 1.2.3.4:5] reading from path 'cam?jwt=${jwt}'`), `[RTMP] [conn 1.2.3.4:5] reading from path 'cam?jwt=${REDACTED}'`);
    assert.equal(redactSecrets(`rtsp://x:${jwt}@host/cam`), `rtsp://x:${REDACTED}@host/cam`);
    assert.equal(redactSecrets(`token ${jwt} refused`), `token ${REDACTED} refused`);
  });

  it('hides TURN passwords and shared secrets of ICE servers, and keeps the user, host and port', () => {
    assert.equal(redactSecrets("invalid ICE server 'turn:alice:TurnPass9:host:3478': x"), `invalid ICE server 'turn:alice:${REDACTED}:host:3478': x`);
    assert.equal(redactSecrets('servers [stun:s.example.com:19302, turns:AUTH_SECRET:Sh4red:t.example.com:5349?transport=tcp]'),
      `servers [stun:s.example.com:19302, turns:AUTH_SECRET:${REDACTED}:t.example.com:5349?transport=tcp]`);
    assert.equal(redactSecrets('webrtcICEServers=turn:u:p#\'w:10.0.0.1:3478'), `webrtcICEServers=turn:u:${REDACTED}:10.0.0.1:3478`);
    assert.equal(redactSecrets('{"urls":"turn:h:1","username":"u","credential":"Cr3d"}'), `{"urls":"turn:h:1","username":"u","credential":"${REDACTED}"}`);
    assert.equal(redactSecrets('Link: <turn:h:1>; rel="ice-server"; username="u"; credential="Cr3d"; credential-type="password"'),
      `Link: <turn:h:1>; rel="ice-server"; username="u"; credential="${REDACTED}"; credential-type="password"`);
  });

  it('hides any TURN password of the v0.22.2 form (property)', () => {
    const pass = fc.stringMatching(/^[A-Za-z0-9!$()*+.;<=>[\]^_\-{}@#&'"?/]{6,24}$/).map((p) => `Pw${p}`);
    const user = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,12}$/);
    fc.assert(fc.property(fc.constantFrom('turn', 'turns', 'stun', 'stuns'), user, pass, (scheme, u, p) => {
      const out = redactSecrets(`ICE server ${scheme}:${u}:${p}:turn.example.com:3478 refused`);
      // A password that looks like a query (`?pass=…`) may be masked by the query rule instead: only its absence matters.
      assert.ok(!out.includes(p) && out.startsWith(`ICE server ${scheme}:${u}:`), out);
    }), { numRuns: 500 });
  });

  it('leaves ordinary log lines untouched', () => {
    for (const l of [
      '[RTSP] [conn 127.0.0.1:5000] opened', 'Basic authentication failed', '[path cam] stream is ready (1 track: H264)',
      '[RTSP] listener opened on :8554 (TCP), :8000 (UDP/RTP), :8001 (UDP/RTCP)', 'readBufferCount=512',
      "[auth] authentication failed for 'reader' from 127.0.0.1: wrong password",
      'ICE servers: stun:stun.l.google.com:19302, turn:turn.example.com:3478', '[WebRTC] turn: relay 10:20:30',
    ]) assert.equal(redactSecrets(l), l);
  });
});
