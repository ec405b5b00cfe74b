import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { ConfError } from './conf-error.ts';
import { namesOfKey, renamePairs, type KeyScope } from './renames.ts';

/**
 * One vector per rename of MEDIAMTX-COMPAT.md §2.3: the value written under the old name, the same value written under
 * the new name (in its own form: negated, a list, objects), and the configuration key and value both must give.
 */
const VECTORS: readonly { scope: KeyScope; old: string; oldValue: string; new: string; newValue: string; key: string; value: unknown }[] = [
  { scope: 'global', old: 'readBufferCount', oldValue: '256', new: 'writeQueueSize', newValue: '256', key: 'readBufferCount', value: 256 },
  { scope: 'global', old: 'rtspDisable', oldValue: 'yes', new: 'rtsp', newValue: 'no', key: 'rtspDisable', value: true },
  { scope: 'global', old: 'protocols', oldValue: '[tcp]', new: 'rtspTransports', newValue: '[tcp]', key: 'protocols', value: ['tcp'] },
  { scope: 'global', old: 'encryption', oldValue: 'optional', new: 'rtspEncryption', newValue: 'optional', key: 'encryption', value: 'optional' },
  { scope: 'global', old: 'serverKey', oldValue: 'k.pem', new: 'rtspServerKey', newValue: 'k.pem', key: 'serverKey', value: 'k.pem' },
  { scope: 'global', old: 'serverCert', oldValue: 'c.pem', new: 'rtspServerCert', newValue: 'c.pem', key: 'serverCert', value: 'c.pem' },
  { scope: 'global', old: 'authMethods', oldValue: '[digest]', new: 'rtspAuthMethods', newValue: '[digest]', key: 'authMethods', value: ['digest'] },
  { scope: 'global', old: 'rtmpDisable', oldValue: 'yes', new: 'rtmp', newValue: 'no', key: 'rtmpDisable', value: true },
  { scope: 'global', old: 'hlsDisable', oldValue: 'yes', new: 'hls', newValue: 'no', key: 'hlsDisable', value: true },
  { scope: 'global', old: 'hlsAllowOrigin', oldValue: 'https://a.example', new: 'hlsAllowOrigins', newValue: '[https://a.example]', key: 'hlsAllowOrigin', value: 'https://a.example' },
  { scope: 'global', old: 'webrtcDisable', oldValue: 'yes', new: 'webrtc', newValue: 'no', key: 'webrtcDisable', value: true },
  { scope: 'global', old: 'webrtcAllowOrigin', oldValue: 'https://a.example', new: 'webrtcAllowOrigins', newValue: '[https://a.example]', key: 'webrtcAllowOrigin', value: 'https://a.example' },
  {
    scope: 'global', old: 'webrtcICEServers', oldValue: '[turn:u:p:h.example:3478, stun:s.example:19302]', new: 'webrtcICEServers2',
    newValue: '[{url: "turn:h.example:3478", username: u, password: p}, {url: "stun:s.example:19302"}]',
    key: 'webrtcICEServers', value: ['turn:u:p:h.example:3478', 'stun:s.example:19302'],
  },
  { scope: 'global', old: 'webrtcICEUDPMuxAddress', oldValue: ':8189', new: 'webrtcLocalUDPAddress', newValue: ':8189', key: 'webrtcICEUDPMuxAddress', value: ':8189' },
  { scope: 'global', old: 'webrtcICETCPMuxAddress', oldValue: ':8190', new: 'webrtcLocalTCPAddress', newValue: ':8190', key: 'webrtcICETCPMuxAddress', value: ':8190' },
  { scope: 'global', old: 'webrtcICEHostNAT1To1IPs', oldValue: '[192.0.2.1]', new: 'webrtcAdditionalHosts', newValue: '[192.0.2.1]', key: 'webrtcICEHostNAT1To1IPs', value: ['192.0.2.1'] },
  { scope: 'global', old: 'apiAllowOrigin', oldValue: 'https://a.example', new: 'apiAllowOrigins', newValue: '[https://a.example]', key: 'apiAllowOrigins', value: ['https://a.example'] },
  { scope: 'global', old: 'metricsAllowOrigin', oldValue: 'https://a.example', new: 'metricsAllowOrigins', newValue: '[https://a.example]', key: 'metricsAllowOrigins', value: ['https://a.example'] },
  { scope: 'global', old: 'pprofAllowOrigin', oldValue: 'https://a.example', new: 'pprofAllowOrigins', newValue: '[https://a.example]', key: 'pprofAllowOrigins', value: ['https://a.example'] },
  { scope: 'global', old: 'playbackAllowOrigin', oldValue: 'https://a.example', new: 'playbackAllowOrigins', newValue: '[https://a.example]', key: 'playbackAllowOrigins', value: ['https://a.example'] },
  { scope: 'global', old: 'rtspUDPReadBufferSize', oldValue: '1000000', new: 'udpReadBufferSize', newValue: '1000000', key: 'udpReadBufferSize', value: 1_000_000 },
  { scope: 'global', old: 'moqHTTPS2Address', oldValue: ':9002', new: 'moqHTTP2Address', newValue: ':9002', key: 'moqHTTP2Address', value: ':9002' },
  { scope: 'global', old: 'moqHTTPS3Address', oldValue: ':9003', new: 'moqHTTP3Address', newValue: ':9003', key: 'moqHTTP3Address', value: ':9003' },
  { scope: 'path', old: 'disablePublisherOverride', oldValue: 'yes', new: 'overridePublisher', newValue: 'no', key: 'disablePublisherOverride', value: true },
  { scope: 'path', old: 'sourceProtocol', oldValue: 'tcp', new: 'rtspTransport', newValue: 'tcp', key: 'sourceProtocol', value: 'tcp' },
  { scope: 'path', old: 'sourceAnyPortEnable', oldValue: 'yes', new: 'rtspAnyPort', newValue: 'yes', key: 'sourceAnyPortEnable', value: true },
  { scope: 'path', old: 'runOnReady', oldValue: 'echo up', new: 'runOnAvailable', newValue: 'echo up', key: 'runOnReady', value: 'echo up' },
  { scope: 'path', old: 'runOnReadyRestart', oldValue: 'yes', new: 'runOnAvailableRestart', newValue: 'yes', key: 'runOnReadyRestart', value: true },
  { scope: 'path', old: 'runOnNotReady', oldValue: 'echo down', new: 'runOnUnavailable', newValue: 'echo down', key: 'runOnUnavailable', value: 'echo down' },
  { scope: 'path', old: 'rpiCameraProfile', oldValue: 'high', new: 'rpiCameraH264Profile', newValue: 'high', key: 'rpiCameraProfile', value: 'high' },
  { scope: 'path', old: 'rpiCameraLevel', oldValue: '"4.2"', new: 'rpiCameraH264Level', newValue: '"4.2"', key: 'rpiCameraLevel', value: '4.2' },
  { scope: 'path', old: 'rpiCameraHardwareH264Profile', oldValue: 'baseline', new: 'rpiCameraH264Profile', newValue: 'baseline', key: 'rpiCameraProfile', value: 'baseline' },
  { scope: 'path', old: 'rpiCameraSoftwareH264Profile', oldValue: 'baseline', new: 'rpiCameraH264Profile', newValue: 'baseline', key: 'rpiCameraProfile', value: 'baseline' },
  { scope: 'path', old: 'rpiCameraHardwareH264Level', oldValue: '"4.0"', new: 'rpiCameraH264Level', newValue: '"4.0"', key: 'rpiCameraLevel', value: '4.0' },
  { scope: 'path', old: 'rpiCameraSoftwareH264Level', oldValue: '"4.0"', new: 'rpiCameraH264Level', newValue: '"4.0"', key: 'rpiCameraLevel', value: '4.0' },
  { scope: 'path', old: 'rpiCameraJPEGQuality', oldValue: '80', new: 'rpiCameraMJPEGQuality', newValue: '80', key: 'rpiCameraMJPEGQuality', value: 80 },
];

/** A file setting `lines` at the top level or in path `cam`; `isV1` adds a v1.x-only line, so old names are deprecated. */
function file(scope: KeyScope, lines: string[], isV1: boolean): string {
  const marker = isV1 ? 'logStructured: no\n' : '';
  return scope === 'global' ? `${marker}${lines.join('\n')}\n` : `${marker}paths:\n  cam:\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
}

function valueOf(text: string, v: { scope: KeyScope; key: string }): unknown {
  const { conf } = parseConf(text, {});
  return v.scope === 'global' ? (conf as unknown as Record<string, unknown>)[v.key] : (conf.paths.cam as unknown as Record<string, unknown>)[v.key];
}

describe('renamed keys of MediaMTX v1.x', () => {
  it('has one vector for every rename of the table', () => {
    const table = [...renamePairs('global'), ...renamePairs('path')].map(([o, n]) => `${o}→${n}`).sort();
    assert.deepEqual(VECTORS.map((v) => `${v.old}→${v.new}`).sort(), table);
  });

  for (const v of VECTORS) {
    it(`${v.old} ↔ ${v.new}`, () => {
      const viaOld = file(v.scope, [`${v.old}: ${v.oldValue}`], true);
      const viaNew = file(v.scope, [`${v.new}: ${v.newValue}`], false);
      assert.deepEqual(valueOf(viaOld, v), v.value, 'old name in a v1.x file');
      assert.deepEqual(valueOf(viaNew, v), v.value, 'new name in a v0.22 file');
      // Upstream's warning for the old name in a v1.x file; none for the new name.
      const warning = `parameter '${v.old}' is deprecated and has been replaced with '${v.new}'`;
      assert.ok(parseConf(viaOld, {}).warnings.includes(warning), `warns: ${warning}`);
      assert.ok(!parseConf(viaNew, {}).warnings.some((w) => w.includes('deprecated')));
    });
  }

  it('refuses a section that uses both names of one setting, naming both keys and their lines', () => {
    for (const v of VECTORS) {
      const text = file(v.scope, [`${v.old}: ${v.oldValue}`, `${v.new}: ${v.newValue}`], false);
      const prefix = v.scope === 'global' ? '' : 'paths\\.cam\\.';
      const line = v.scope === 'global' ? 1 : 3;
      assert.throws(() => parseConf(text, {}), (e: unknown) => e instanceof ConfError
        && new RegExp(`'${prefix}${v.old}' at line ${line} and '${prefix}${v.new}' at line ${line + 1} are two names`).test(e.message), `${v.old} + ${v.new}`);
    }
  });

  it('lists every name of a key, for writers that must find the one a file uses', () => {
    assert.deepEqual(namesOfKey('global', 'protocols'), ['protocols', 'rtspTransports']);
    assert.deepEqual(namesOfKey('path', 'rpiCameraLevel'), ['rpiCameraLevel', 'rpiCameraH264Level', 'rpiCameraHardwareH264Level', 'rpiCameraSoftwareH264Level']);
    assert.deepEqual(namesOfKey('global', 'logLevel'), ['logLevel']);
  });

  it('refuses both names of one setting in the environment, and lets MTX_ override either in the file', () => {
    assert.throws(() => parseConf('', { MTX_PROTOCOLS: 'tcp', MTX_RTSPTRANSPORTS: 'udp' }), (e: unknown) => e instanceof ConfError && /MTX_PROTOCOLS and MTX_RTSPTRANSPORTS/.test(e.message));
    assert.deepEqual(parseConf('protocols: [udp]\n', { MTX_RTSPTRANSPORTS: 'tcp' }).conf.protocols, ['tcp']);
    assert.equal(parseConf('rtsp: yes\n', { MTX_RTSPDISABLE: 'yes' }).conf.rtspDisable, true);
    assert.equal(parseConf('paths:\n  cam:\n', { MTX_PATHS_CAM_OVERRIDEPUBLISHER: 'no' }).conf.paths.cam!.disablePublisherOverride, true);
  });

  it('warns once per deprecated name, in a v1.x file only', () => {
    const text = 'pathDefaults:\n  record: no\npaths:\n  a:\n    sourceProtocol: tcp\n  b:\n    sourceProtocol: udp\n';
    const { warnings } = parseConf(text, {});
    assert.equal(warnings.filter((w) => w.includes('sourceProtocol')).length, 1);
    assert.deepEqual(parseConf('paths:\n  a:\n    sourceProtocol: tcp\n    publishUser: u\n    publishPass: p\n', {}).warnings, []);
    const creds = parseConf('logStructured: no\npaths:\n  a:\n    publishUser: u\n    publishPass: p\n    readIPs: [127.0.0.1]\n', {}).warnings;
    assert.deepEqual(creds, ['you are using one or more authentication-related deprecated parameters (publishUser, publishPass, publishIPs, readUser, readPass, readIPs). These have been replaced by \'authInternalUsers\'']);
  });

  it('reads upstream\'s other deprecated keys with upstream\'s words', () => {
    const text = 'authJWTInHTTPQuery: yes\nrecord: yes\nexternalAuthenticationURL: http://auth.example/x\npaths:\n  cam:\n    playback: yes\n    fallback: /other\n    rtspUDPReadBufferSize: 0\n';
    const { conf, warnings } = parseConf(text, {});
    assert.equal(conf.pathDefaults.record, true);
    assert.equal(conf.paths.cam!.record, true);
    assert.equal(conf.authMethod, 'http');
    assert.equal(conf.authHTTPAddress, 'http://auth.example/x');
    for (const w of [
      'parameter \'authJWTInHTTPQuery\' is deprecated and will be removed in a future release',
      'parameter \'record\' is deprecated and has been replaced with \'pathDefaults.record\'',
      'parameter \'externalAuthenticationURL\' is deprecated and has been replaced with \'authMethod\' and \'authHTTPAddress\'',
      'parameter \'playback\' is deprecated and has no effect',
      'the \'fallback\' feature is deprecated, use \'alwaysAvailable\' instead',
      'parameter \'rtspUDPReadBufferSize\' is deprecated and has been replaced with \'udpReadBufferSize\'',
    ]) assert.ok(warnings.includes(w), w);
  });

  it('refuses the old and new forms of HTTP authentication together, and a global recording key beside pathDefaults\'', () => {
    assert.throws(() => parseConf('externalAuthenticationURL: http://a/x\nauthHTTPAddress: http://a/y\n', {}),
      (e: unknown) => e instanceof ConfError && /'externalAuthenticationURL' at line 1 and 'authHTTPAddress' at line 2/.test(e.message));
    assert.throws(() => parseConf('record: yes\npathDefaults:\n  record: no\n', {}),
      (e: unknown) => e instanceof ConfError && /'record' at line 1 and 'pathDefaults\.record' at line 3/.test(e.message));
  });

  it('refuses what a v0.22.2 key can\'t hold: several origins, an ICE server for clients only', () => {
    assert.throws(() => parseConf('hlsAllowOrigins: [https://a, https://b]\n', {}), (e: unknown) => e instanceof ConfError && /'hlsAllowOrigins' at line 1: .*more than one origin/.test(e.message));
    assert.throws(() => parseConf('webrtcICEServers2: [{url: "stun:s:1", clientOnly: true}]\n', {}), (e: unknown) => e instanceof ConfError && /'webrtcICEServers2' at line 1/.test(e.message));
    assert.equal(parseConf('hlsAllowOrigins: []\n', {}).conf.hlsAllowOrigin, '');
  });
});
