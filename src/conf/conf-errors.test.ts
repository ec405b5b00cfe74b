import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConf } from './parse-conf.ts';
import { GLOBAL_KEYS, type KeySpec } from './keys.ts';
import { encryptConf } from './decrypt.ts';
import { messageOf } from './test-support/conf-error-message.ts';

const SHIPPED = readFileSync(new URL('../../mediamtx.yml', import.meta.url), 'utf8');


/** 1-based line of the first line of `text` that starts with `key:` (after indentation). */
function lineOfKey(text: string, key: string): number {
  const i = text.split('\n').findIndex((l) => new RegExp(`^\\s*${key}:`).test(l));
  assert.ok(i >= 0, `${key} is in the text`);
  return i + 1;
}

const ADDRESS_KEYS = Object.entries(GLOBAL_KEYS as Record<string, KeySpec>).filter(([, s]) => s.kind.kind === 'address').map(([k]) => k);

describe('configuration errors name their key and line', () => {
  it('gives the line (and the enclosing key) of YAML syntax errors', () => {
    for (const [text, re] of [
      ['logLevel: info\npaths:\n  cam:\n    source: [\n', /^invalid YAML at line \d+ \(in 'paths\.cam\.source'\): /],
      ['logLevel: info\nrtspAddress: "x\n', /^invalid YAML at line \d+ \(in 'rtspAddress'\): .*quote/],
      ['logLevel: info\n\tfoo: 1\n', /^invalid YAML at line 2 \(in 'logLevel'\): Tabs/],
      ['logLevel: info\nlogLevel: debug\n', /^invalid YAML at line 2: duplicate key 'logLevel'/],
      ['paths:\n  cam:\n  cam:\n', /^invalid YAML at line 3: duplicate key 'paths\.cam'/],
      ['x: &a 1\ny: *b\n', /^invalid YAML at line 2: .*alias/],
      ['- a\n', /^invalid configuration at line 1: expected a map/],
    ] as const) {
      assert.match(messageOf(() => parseConf(text, {})), re, JSON.stringify(text));
    }
  });

  it('never names a secret in the place of a YAML error, where a broken document makes a value look like a key', () => {
    for (const [text, place] of [
      ['paths:\n  cam:\n    readPass: s3cr3t readUser: x\n', 'paths.cam.readPass'],
      ['authInternalUsers:\n- user: a\n  pass: s3cr3t x: 1\n', 'authInternalUsers'],
      ['paths:\n  cam:\n    source: rtsp://admin:s3cr3t@cam/x y: 1\n', 'paths.cam.source.rtsp://admin:xxxxx@cam/x y'],
    ] as const) {
      const m = messageOf(() => parseConf(text, {}));
      assert.ok(!m.includes('s3cr3t'), m);
      assert.ok(m.includes(`(in '${place}')`), m);
    }
  });

  it('gives the line of a syntax error in the shipped mediamtx.yml', () => {
    const broken = SHIPPED.replace('readBufferCount: 512', 'readBufferCount: [512');
    const line = lineOfKey(SHIPPED, 'readBufferCount');
    assert.match(messageOf(() => parseConf(broken, {})), new RegExp(`^invalid YAML at line ${line} \\(in 'readBufferCount'\\)`));
  });

  it('checks every listen address at load: `rtspAddress: 8554` in the shipped file names the key and its line', () => {
    assert.deepEqual(ADDRESS_KEYS.sort(), [
      'apiAddress', 'hlsAddress', 'metricsAddress', 'pprofAddress', 'rtcpAddress', 'rtmpAddress', 'rtmpsAddress', 'rtpAddress',
      'rtspAddress', 'rtspsAddress', 'webrtcAddress', 'webrtcICETCPMuxAddress', 'webrtcICEUDPMuxAddress',
    ]);
    for (const k of ADDRESS_KEYS) {
      const line = lineOfKey(SHIPPED, k);
      for (const bad of ['8554', '"8554"', '"localhost"', '":99999"', '"1.2.3.4:"', '[":1"]']) {
        const text = SHIPPED.replace(new RegExp(`^${k}:.*$`, 'm'), `${k}: ${bad}`);
        assert.match(messageOf(() => parseConf(text, {})), new RegExp(`^invalid value for '${k}' at line ${line}: .*(expected|invalid address)`), `${k}: ${bad}`);
      }
    }
  });

  it('accepts the address forms MediaMTX accepts, and an empty ICE mux address (off)', () => {
    const c = parseConf('rtspAddress: 127.0.0.1:1\nrtmpAddress: "[::1]:2"\nhlsAddress: localhost:3\nwebrtcICEUDPMuxAddress: ""\nwebrtcICETCPMuxAddress: :4\n', {}).conf;
    assert.deepEqual([c.rtspAddress, c.rtmpAddress, c.hlsAddress, c.webrtcICEUDPMuxAddress, c.webrtcICETCPMuxAddress], ['127.0.0.1:1', '[::1]:2', 'localhost:3', '', ':4']);
    assert.equal(parseConf(SHIPPED, { MTX_WEBRTCICEUDPMUXADDRESS: '' }).conf.webrtcICEUDPMuxAddress, '');
  });

  it('names the environment variable of a refused override, an empty MTX_RTSPADDRESS= included', () => {
    for (const k of ADDRESS_KEYS.filter((a) => !a.startsWith('webrtcICE'))) {
      const name = `MTX_${k.toUpperCase()}`;
      for (const v of ['', '8554', 'host']) {
        assert.match(messageOf(() => parseConf(SHIPPED, { [name]: v })), new RegExp(`^invalid value for '${k}' in environment variable ${name}: `), `${name}=${v}`);
      }
    }
    assert.match(messageOf(() => parseConf(SHIPPED, { RTSP_RTMPADDRESS: 'x' })), /in environment variable RTSP_RTMPADDRESS/);
    assert.match(messageOf(() => parseConf(SHIPPED, { MTX_READBUFFERCOUNT: '3' })), /^invalid value for 'readBufferCount' in environment variable MTX_READBUFFERCOUNT: must be a power of two/);
    assert.match(messageOf(() => parseConf('', { MTX_PATHS_CAM_SOURCE: 'ftp://x' })), /^invalid value for 'paths\.cam\.source' in environment variable MTX_PATHS_CAM_SOURCE: /);
    assert.match(messageOf(() => parseConf('', { 'MTX_PATHS_C$M_SOURCE': 'publisher' })), /^invalid path name 'c\$m' in environment variable MTX_PATHS_C\$M_SOURCE/);
  });

  it('gives the line of rules that involve several keys', () => {
    const cases: [string, RegExp][] = [
      ['logLevel: info\nreadBufferCount: 500\n', /^invalid value for 'readBufferCount' at line 2: must be a power of two/],
      ['logDestinations: [file]\nlogFile: ""\n', /^invalid value for 'logFile' at line 2: /],
      ['protocols: [udp]\nencryption: strict\n', /^invalid value for 'encryption' at line 2: /],
      ['protocols: []\n', /^invalid value for 'protocols' at line 1: /],
      ['authMethods: []\n', /^invalid value for 'authMethods' at line 1: /],
      ['externalAuthenticationURL: ftp://x\n', /^invalid value for 'externalAuthenticationURL' at line 1: /],
      ['multicastIPRange: 224.1.0.0\n', /^invalid value for 'multicastIPRange' at line 1: /],
      ['paths:\n  cam:\n    publishUser: a\n', /^invalid value for 'paths\.cam\.publishUser' at line 3: 'paths\.cam\.publishPass' must be set too/],
      ['paths:\n  cam:\n    readPass: a\n', /^invalid value for 'paths\.cam\.readPass' at line 3: 'paths\.cam\.readUser' must be set too/],
      ['paths:\n  cam:\n    readUser: "a b"\n    readPass: x\n', /^invalid value for 'paths\.cam\.readUser' at line 3: /],
      ['paths:\n  cam:\n    readIPs: [1.2.3.4/40]\n', /^invalid value for 'paths\.cam\.readIPs' at line 3: /],
      ['paths:\n  cam:\n    source: redirect\n', /^invalid value for 'paths\.cam\.sourceRedirect': it is required/],
      ['paths:\n  cam:\n    source: ftp://x\n', /^invalid value for 'paths\.cam\.source' at line 3: /],
      ['paths:\n  all:\n    runOnInit: ls\n', /^invalid value for 'paths\.all\.runOnInit' at line 3: /],
      ['paths:\n  cam:\n    sourceOnDemand: yes\n', /^invalid value for 'paths\.cam\.sourceOnDemand' at line 3: /],
      ['paths:\n  cam:\n    fallback: nope\n', /^invalid value for 'paths\.cam\.fallback' at line 3: /],
      ['paths:\n  cam:\n    source: rtsp://x/y\n    publishIPs: [1.2.3.4]\n', /^invalid value for 'paths\.cam\.publishIPs' at line 4: /],
      ['paths:\n  "~(":\n', /^invalid regular expression in path name '~\(' at line 2: /],
      ['paths:\n  /cam:\n', /^invalid path name '\/cam' at line 2: /],
      ['externalAuthenticationURL: http://x\npaths:\n  cam:\n    readIPs: [127.0.0.1]\n',
        /^invalid value for 'paths\.cam\.readIPs' at line 4: it can't be used together with 'externalAuthenticationURL' at line 1/],
      ['paths:\n  a:\n    source: rpiCamera\n  b:\n    source: rpiCamera\n', /^invalid value for 'paths\.b\.rpiCameraCamID': camera 0 is already used by path 'a'/],
    ];
    for (const [text, re] of cases) assert.match(messageOf(() => parseConf(text, {})), re, JSON.stringify(text));
  });

  it('never repeats a password or a URL password in an error', () => {
    for (const text of [
      'paths:\n  cam:\n    readUser: u\n    readPass: [Xy7Secret]\n',
      'paths:\n  cam:\n    publishUser: u\n    publishPass: {a: Xy7Secret}\n',
      'paths:\n  cam:\n    source: ftp://u:Xy7Secret@cam/x\n',
    ]) {
      const m = messageOf(() => parseConf(text, {}));
      assert.doesNotMatch(m, /Xy7Secret/, m);
      assert.match(m, /'paths\.cam\.(readPass|publishPass|source)' at line [34]/, m);
    }
    assert.doesNotMatch(messageOf(() => parseConf('', { MTX_PATHS_CAM_READPASS: 'Xy7Secret' })), /Xy7Secret/);
  });

  it('names the variable holding the key of an encrypted configuration', () => {
    const enc = encryptConf(SHIPPED, 'right key');
    assert.match(messageOf(() => parseConf(enc, { MTX_CONFKEY: 'wrong key' })), /could not be decrypted with MTX_CONFKEY: wrong key/);
    assert.match(messageOf(() => parseConf(enc, { RTSP_CONFKEY: 'wrong key' })), /could not be decrypted with RTSP_CONFKEY: wrong key/);
    assert.equal(parseConf(enc, { MTX_CONFKEY: 'right key' }).conf.rtspAddress, ':8554');
  });
});
