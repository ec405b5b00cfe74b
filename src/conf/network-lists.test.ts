import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConf } from './parse-conf.ts';
import { GLOBAL_KEYS } from './keys.ts';
import { V1_GLOBAL_KEYS } from './keys-v1.ts';
import { isIpOrCidr, TRUSTED_PROXY_KEYS } from './network-lists.ts';
import { messageOf } from './test-support/conf-error-message.ts';

const SHIPPED = readFileSync(new URL('../../mediamtx.yml', import.meta.url), 'utf8');
const SHIPPED_V1 = readFileSync(new URL('../../mediamtx.v1.yml', import.meta.url), 'utf8');
const SECRET = 'TurnPass9';

/** 1-based line of the first line of `text` that starts with `key:` (after indentation). */
function lineOfKey(text: string, key: string): number {
  const i = text.split('\n').findIndex((l) => new RegExp(`^\\s*${key}:`).test(l));
  assert.ok(i >= 0, `${key} is in the text`);
  return i + 1;
}

/** `text` with the top-level `key:` line replaced by `key: value`. */
function setKey(text: string, key: string, value: string): string {
  const out = text.replace(new RegExp(`^${key}:.*$`, 'm'), `${key}: ${value}`);
  assert.notEqual(out, text, `${key} is set in the text`);
  return out;
}

describe('trusted proxies are checked at load', () => {
  it('covers every *TrustedProxies key of both eras', () => {
    const all = [...Object.keys(GLOBAL_KEYS), ...Object.keys(V1_GLOBAL_KEYS)].filter((k) => k.endsWith('TrustedProxies')).sort();
    assert.deepEqual([...TRUSTED_PROXY_KEYS].sort(), all, 'keys checked vs keys that exist');
  });

  it('refuses an entry that is not an IP or CIDR, naming the key and its line in the shipped files', () => {
    for (const [file, text] of [['mediamtx.yml', SHIPPED], ['mediamtx.v1.yml', SHIPPED_V1]] as const) {
      for (const key of TRUSTED_PROXY_KEYS) {
        if (!new RegExp(`^${key}:`, 'm').test(text)) continue;
        for (const bad of ['bad', '10.0.0.0/33', '::1/129', '1.2.3.4/0008', '1.2.3.4/8/8', '']) {
          const m = messageOf(() => parseConf(setKey(text, key, `["127.0.0.1", ${JSON.stringify(bad)}]`), {}));
          assert.equal(m, `invalid value for '${key}' at line ${lineOfKey(text, key)}: '${bad}' is not an IP address or CIDR`, `${file} ${key}: ${bad}`);
        }
      }
    }
  });

  it('accepts addresses and CIDRs of both families, and names the variable of a bad override', () => {
    const c = parseConf(setKey(SHIPPED, 'hlsTrustedProxies', '[127.0.0.1, 10.0.0.0/8, "::1", "fd00::/8", "::ffff:1.2.3.4"]'), {}).conf;
    assert.deepEqual(c.hlsTrustedProxies, ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', '::ffff:1.2.3.4'], 'parsed list');
    assert.deepEqual(parseConf(SHIPPED, { MTX_WEBRTCTRUSTEDPROXIES: '10.0.0.1,192.168.0.0/16' }).conf.webrtcTrustedProxies, ['10.0.0.1', '192.168.0.0/16'], 'from the environment');
    const m = messageOf(() => parseConf(SHIPPED, { MTX_WEBRTCTRUSTEDPROXIES: '10.0.0.1,proxy.local' }));
    assert.match(m, /^invalid value for 'webrtcTrustedProxies' in environment variable MTX_WEBRTCTRUSTEDPROXIES: 'proxy\.local' is not/, m);
  });

  it('reads prefix lengths as the server\'s IP lists do', () => {
    const seen = ['1.2.3.4', '1.2.3.4/32', '::/0', 'x', '1.2.3.4/', '1.2.3.4/1000', '1.2.3.4/-1', 'fe80::1/64'].map((e) => [e, isIpOrCidr(e)]);
    assert.deepEqual(seen, [['1.2.3.4', true], ['1.2.3.4/32', true], ['::/0', true], ['x', false], ['1.2.3.4/', false],
      ['1.2.3.4/1000', false], ['1.2.3.4/-1', false], ['fe80::1/64', true]], 'entry → accepted');
  });
});

describe('webrtcICEServers is checked at load, without showing TURN passwords', () => {
  const line = lineOfKey(SHIPPED, 'webrtcICEServers');

  it('refuses bad entries in the shipped file, naming the key, its line and the entry', () => {
    const cases: [string, RegExp][] = [
      [`trun:alice:${SECRET}:host:3478`, /entry 2: invalid ICE server 'trun:alice:xxxxx:host:3478': unknown scheme/],
      [`turn:alice:${SECRET}:host`, /entry 2: invalid ICE server 'turn:…': expected turn:host:port or turn:user:pass:host:port/],
      [`turn:alice:${SECRET}:host:99999`, /entry 2: invalid ICE server 'turn:alice:xxxxx:host:99999': invalid port/],
      [`turn:alice:${SECRET}:[::1]:3478`, /entry 2: invalid ICE server 'turn:…': expected/],
      [`turns:alice:${SECRET}::3478`, /entry 2: invalid ICE server 'turns:alice:xxxxx::3478': invalid host/],
      ['http://stun.example.com', /entry 2: invalid ICE server 'http:\/\/stun.example.com': unknown scheme/],
      ['turn:host', /entry 2: invalid ICE server 'turn:host': expected/],
    ];
    for (const [entry, re] of cases) {
      const m = messageOf(() => parseConf(setKey(SHIPPED, 'webrtcICEServers', `[stun:stun.l.google.com:19302, "${entry}"]`), {}));
      assert.match(m, new RegExp(`^invalid value for 'webrtcICEServers' at line ${line}: ${re.source}`), `${entry} → ${m}`);
      assert.ok(!m.includes(SECRET), `the password is not in: ${m}`);
    }
  });

  it('accepts STUN, TURN with credentials or AUTH_SECRET, and a TURN transport', () => {
    const list = ['stun:stun.l.google.com:19302', 'stun:stun.example.com', `turn:alice:${SECRET}:127.0.0.1:3478`,
      'turns:AUTH_SECRET:s3cret:turn.example.com:5349', 'turn:turn.example.com:3478?transport=tcp'];
    const c = parseConf(setKey(SHIPPED, 'webrtcICEServers', JSON.stringify(list)), {}).conf;
    assert.deepEqual(c.webrtcICEServers, list, 'parsed list');
  });

  it('names the environment variable, without the password', () => {
    const m = messageOf(() => parseConf(SHIPPED, { MTX_WEBRTCICESERVERS: `turn:alice:${SECRET}:host` }));
    assert.match(m, /^invalid value for 'webrtcICEServers' in environment variable MTX_WEBRTCICESERVERS: entry 1: /, m);
    assert.ok(!m.includes(SECRET), `the password is not in: ${m}`);
  });

  it('checks v1.x webrtcICEServers2 entries the same way, naming the name written and its line', () => {
    const v1Line = lineOfKey(SHIPPED_V1, 'webrtcICEServers2');
    const v1 = (entry: string): string => SHIPPED_V1.replace('  - url: stun:stun.l.google.com:19302', `  - url: stun:stun.l.google.com:19302\n${entry}`);
    const cases: [string, RegExp][] = [
      [`  - url: trun:host:3478\n    username: alice\n    password: ${SECRET}`,
        new RegExp(`^invalid value for 'webrtcICEServers' at line ${v1Line} \\(written 'webrtcICEServers2'\\): entry 2: invalid ICE server 'trun:alice:xxxxx:host:3478': unknown scheme`)],
      [`  - url: turn:host\n    username: alice\n    password: ${SECRET}`,
        new RegExp(`^invalid value for 'webrtcICEServers2' at line ${v1Line}: expected a url type:host:port .*\\(entry 2, url 'turn:host'\\)`)],
      [`  - url: turn:host:3478\n    username: alice\n    password: ${SECRET}\n    clientOnly: true`,
        new RegExp(`^invalid value for 'webrtcICEServers2' at line ${v1Line}: expected no 'clientOnly'`)],
      [`  - url: turn:host:3478\n    username: alice\n    password: ${SECRET}\n    extra: 1`, new RegExp(`^invalid value for 'webrtcICEServers2' at line ${v1Line}: expected a list of`)],
    ];
    for (const [entry, re] of cases) {
      const m = messageOf(() => parseConf(v1(entry), {}));
      assert.match(m, re, `${entry} → ${m}`);
      assert.ok(!m.includes(SECRET), `the password is not in: ${m}`);
    }
    const ok = parseConf(v1(`  - url: turn:host:3478\n    username: alice\n    password: ${SECRET}`), {}).conf;
    assert.deepEqual(ok.webrtcICEServers, ['stun:stun.l.google.com:19302', `turn:alice:${SECRET}:host:3478`], 'v1.x entries read into the v0.22.2 form');
  });
});
