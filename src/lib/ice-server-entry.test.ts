import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { maskIceServerEntry, splitIceServerEntry } from './ice-server-entry.ts';

/** The message `fn` throws. */
function messageOf(fn: () => unknown): string {
  try { fn(); } catch (e) { return (e as Error).message; }
  return assert.fail('expected an error, but the entry was accepted');
}

describe('splitIceServerEntry', () => {
  it('splits the forms MediaMTX v0.22.2 reads', () => {
    const seen = ['stun:stun.l.google.com:19302', 'stun:stun.example.com', 'turn:u:p:127.0.0.1:3478', 'turns:AUTH_SECRET:s:turn.example.com:5349',
      'turn:turn.example.com:3478?transport=tcp'].map(splitIceServerEntry);
    assert.deepEqual(seen, [
      { scheme: 'stun', url: 'stun:stun.l.google.com:19302' },
      { scheme: 'stun', url: 'stun:stun.example.com' },
      { scheme: 'turn', url: 'turn:127.0.0.1:3478', username: 'u', password: 'p' },
      { scheme: 'turns', url: 'turns:turn.example.com:5349', username: 'AUTH_SECRET', password: 's' },
      { scheme: 'turn', url: 'turn:turn.example.com:3478?transport=tcp' },
    ], 'split entries');
  });

  it('refuses other shapes, saying why', () => {
    const seen = ['trun:a:Pw1:h:1', 'turn:host', 'turn:a:Pw1:h', 'turn:a:Pw1:h:0', 'turn:a:Pw1:h:65536', 'turn:a:Pw1:h:x', 'turn::Pw1:h:1', 'stun:', 'stun:[::1]:3478', 'x']
      .map((e) => [e, messageOf(() => splitIceServerEntry(e))]);
    assert.deepEqual(seen, [
      ['trun:a:Pw1:h:1', "invalid ICE server 'trun:a:xxxxx:h:1': unknown scheme (expected stun:, stuns:, turn: or turns:)"],
      ['turn:host', "invalid ICE server 'turn:host': expected turn:host:port or turn:user:pass:host:port"],
      ['turn:a:Pw1:h', "invalid ICE server 'turn:…': expected turn:host:port or turn:user:pass:host:port"],
      ['turn:a:Pw1:h:0', "invalid ICE server 'turn:a:xxxxx:h:0': invalid port (expected turn:host:port or turn:user:pass:host:port)"],
      ['turn:a:Pw1:h:65536', "invalid ICE server 'turn:a:xxxxx:h:65536': invalid port (expected turn:host:port or turn:user:pass:host:port)"],
      ['turn:a:Pw1:h:x', "invalid ICE server 'turn:a:xxxxx:h:x': invalid port (expected turn:host:port or turn:user:pass:host:port)"],
      ['turn::Pw1:h:1', "invalid ICE server 'turn::xxxxx:h:1': empty user name (expected turn:host:port or turn:user:pass:host:port)"],
      ['stun:', "invalid ICE server 'stun:': invalid host (expected stun:host:port or stun:user:pass:host:port)"],
      ['stun:[::1]:3478', "invalid ICE server 'stun:[:xxxxx:1]:3478': invalid host (expected stun:host:port or stun:user:pass:host:port)"],
      ['x', "invalid ICE server 'x': unknown scheme (expected stun:, stuns:, turn: or turns:)"],
    ], 'entry → message');
  });

  // Three parts are scheme:host:port, with no password; four or more may hold one.
  it('never puts the password of a refused entry in its message (property)', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9!$()*+.;<=>[\]^_\-{}@#&?/ ]{0,12}$/);
    const pass = fc.stringMatching(/^[A-Za-z0-9!$()*+.;<=>[\]^_\-{}@#&]{6,16}$/).map((p) => `Pw${p}`);
    fc.assert(fc.property(fc.constantFrom('turn', 'turns', 'stun', 'trun', ''), part, pass, fc.array(part, { minLength: 1, maxLength: 4 }), (scheme, user, pw, rest) => {
      const entry = [scheme, user, pw, ...rest].join(':');
      let m = '';
      try { splitIceServerEntry(entry); } catch (e) { m = (e as Error).message; }
      assert.ok(!m.includes(pw), `${entry} → ${m}`);
    }), { numRuns: 1000 });
  });
});

describe('maskIceServerEntry', () => {
  it('masks the password of the credentials form and hides entries of unknown shape', () => {
    const seen = ['turn:u:p:h:1', 'stun:h:1', 'turn:a:b:c', 'turn:a:b:c:d:e'].map(maskIceServerEntry);
    assert.deepEqual(seen, ['turn:u:xxxxx:h:1', 'stun:h:1', 'turn:…', 'turn:…'], 'masked entries');
  });
});
