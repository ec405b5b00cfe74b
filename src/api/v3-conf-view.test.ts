import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { namesOfKey, parseConf, usesV1Auth, type KeyScope } from '../conf/index.ts';
import { confKeys } from './api-conf-object.ts';
import { planConfChange } from './api-conf-change.ts';
import { PASSWORD_MASK } from './api-conf-view.ts';
import { v3GlobalView, v3PathView } from './v3-conf-view.ts';
import { V3GlobalConfSchema, V3PathConfSchema } from './v3-schemas.ts';

const conf = (text: string) => parseConf(text, {}).conf;

describe('v3 configuration views', () => {
  it('show the defaults under v1.x names only, fitting upstream\'s GlobalConf and PathConf', () => {
    const c = conf('');
    const g = V3GlobalConfSchema.parse(v3GlobalView(c));
    assert.equal(g.rtsp, true);
    assert.equal(g.writeQueueSize, 512);
    assert.deepEqual(g.rtspTransports, ['udp', 'multicast', 'tcp']);
    assert.equal(g.readTimeout, '10s');
    for (const old of ['rtspDisable', 'readBufferCount', 'protocols', 'externalAuthenticationURL', 'hlsAllowOrigin']) assert.ok(!(old in g), old);
    const d = V3PathConfSchema.parse(v3PathView('', c.pathDefaults));
    assert.equal(d.name, '');
    assert.equal(d.overridePublisher, true);
    assert.equal(d.rtspTransport, 'automatic');
    for (const old of ['disablePublisherOverride', 'sourceProtocol', 'runOnReady', 'publishUser', 'fallback']) assert.ok(!(old in d), old);
  });

  it('convert each renamed v0.22 setting into its v1.x name and form', () => {
    const c = conf([
      'rtspDisable: yes', 'readBufferCount: 1024', 'protocols: [tcp]', 'encryption: optional', 'serverKey: k.key',
      'hlsAllowOrigin: "https://a.example"', 'webrtcICEServers: [stun:stun.l.google.com:19302, turn:u:Secr3t:host:3478]',
      'paths:', '  cam:', '    disablePublisherOverride: yes', '    sourceProtocol: tcp', '    runOnReady: echo', '    readUser: viewer', '    readPass: V1ewerPw',
    ].join('\n'));
    const g = V3GlobalConfSchema.parse(v3GlobalView(c));
    assert.deepEqual([g.rtsp, g.writeQueueSize, g.rtspTransports, g.rtspEncryption, g.rtspServerKey], [false, 1024, ['tcp'], 'optional', 'k.key']);
    assert.deepEqual(g.hlsAllowOrigins, ['https://a.example']);
    assert.deepEqual(g.webrtcICEServers2, [
      { url: 'stun:stun.l.google.com:19302', username: '', password: '', clientOnly: false },
      { url: 'turn:host:3478', username: 'u', password: PASSWORD_MASK, clientOnly: false },
    ]);
    const p = V3PathConfSchema.parse(v3PathView('cam', c.paths.cam!));
    assert.deepEqual([p.name, p.overridePublisher, p.rtspTransport, p.runOnAvailable], ['cam', false, 'tcp', 'echo']);
    // Deprecated credentials are shown because they are set, the password masked.
    assert.deepEqual([p.readUser, p.readPass], ['viewer', PASSWORD_MASK]);
  });

  it('never shows a password, token or passphrase in clear', () => {
    const c = conf([
      'authInternalUsers:', '  - user: admin', '    pass: Adm1nPw', '    permissions: [{action: api}]',
      'hlsCDNSecret: cdnS3cret',
      'paths:', '  cam:', '    source: rtsp://admin:Cam3raPw@10.0.0.1/s', '    srtReadPassphrase: passphrase1234',
      '    forward: [{dest: "whip://h/x", whipBearerToken: T0ken}]',
    ].join('\n'));
    const text = JSON.stringify([v3GlobalView(c), v3PathView('cam', c.paths.cam!)]);
    for (const secret of ['Adm1nPw', 'cdnS3cret', 'Cam3raPw', 'passphrase1234', 'T0ken']) assert.ok(!text.includes(secret), secret);
    assert.ok(text.includes(PASSWORD_MASK));
  });
});

/** A valid value of `name` different from `v` (its default). */
function otherValue(name: string, v: unknown): unknown {
  const table: Record<string, unknown> = {
    writeQueueSize: 1024, udpReadBufferSize: 65536, rtspTransports: ['tcp'], rtspEncryption: 'optional', rtspServerKey: 'other.key', rtspServerCert: 'other.crt', rtspAuthMethods: ['digest'],
    hlsAllowOrigins: ['https://a.example'], webrtcAllowOrigins: ['https://a.example'], apiAllowOrigins: ['https://a.example'],
    metricsAllowOrigins: ['https://a.example'], pprofAllowOrigins: ['https://a.example'], playbackAllowOrigins: ['https://a.example'],
    webrtcICEServers2: [{ url: 'stun:stun.example:3478', username: '', password: '', clientOnly: false }],
    webrtcLocalUDPAddress: ':8189', webrtcLocalTCPAddress: ':8190', webrtcAdditionalHosts: ['192.0.2.1'],
    moqHTTP2Address: ':8899', moqHTTP3Address: ':8898', rtspTransport: 'tcp', runOnAvailable: 'echo available', runOnUnavailable: 'echo gone',
    rpiCameraH264Profile: 'high', rpiCameraH264Level: '4.2',
  };
  if (Object.hasOwn(table, name)) return table[name];
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v + 1;
  assert.fail(`no other value for '${name}' (${JSON.stringify(v)})`);
}

describe('v3 configuration changes (v1.x names in, configuration keys out)', () => {
  it('reads each v1.x name of a renamed setting into the v0.22 key, converted', () => {
    const base = conf('paths:\n  cam:\n');
    const { next } = planConfChange(base, { kind: 'set', patch: { rtsp: false, writeQueueSize: 2048, rtspTransports: ['tcp'], hlsAllowOrigins: ['https://b.example'] } });
    assert.deepEqual([next.rtspDisable, next.readBufferCount, next.protocols, next.hlsAllowOrigin], [true, 2048, ['tcp'], 'https://b.example']);
    const p = planConfChange(next, { kind: 'editPath', name: 'cam', patch: { overridePublisher: false, rtspTransport: 'udp', maxReaders: 3 } }).next.paths.cam!;
    assert.deepEqual([p.disablePublisherOverride, p.sourceProtocol, p.maxReaders], [true, 'udp', 3]);
  });

  it('maps every rename both ways: a v1.x name sent changes what the view shows under that name', () => {
    const renamed = (['global', 'path'] as KeyScope[]).flatMap((scope) => confKeys(scope).map((k) => [scope, ...namesOfKey(scope, k)] as const))
      .filter((names) => names.length > 2);
    let checked = 0;
    const base = conf('paths:\n  cam:\n');
    for (const [scope, oldName, ...aliases] of renamed) {
      const view = scope === 'global' ? v3GlobalView(base, false) : v3PathView('cam', base.paths.cam!, false);
      const newName = aliases.find((n) => n in view) ?? oldName;
      if (!(newName in view)) continue; // no v3 name: a deprecated setting (publishUser…), shown only when set
      checked++;
      const value = otherValue(newName, view[newName]);
      const change = scope === 'global' ? { kind: 'set' as const, patch: { [newName]: value } } : { kind: 'editPath' as const, name: 'cam', patch: { [newName]: value } };
      const { next } = planConfChange(base, change);
      const after = scope === 'global' ? v3GlobalView(next, false) : v3PathView('cam', next.paths.cam!, false);
      assert.deepEqual(after[newName], value, `${oldName} → ${newName}`);
      // And the other way: the view turns the configuration key back into the same v1.x value.
      assert.ok(!(oldName in after) || oldName === newName, `${oldName} is not shown beside ${newName}`);
    }
    assert.ok(checked >= 25, `${checked} renames checked`);
  });

  it('keeps v1.x settings and pathDefaults through a v1 change (they are not v0.22 keys)', () => {
    const base = conf('authMethod: internal\nauthInternalUsers:\n  - {user: admin, pass: Adm1nPw, permissions: [{action: api}]}\npathDefaults:\n  maxReaders: 4\npaths:\n  cam:\n');
    const { next } = planConfChange(base, { kind: 'set', patch: { logLevel: 'debug' } });
    assert.equal(next.authInternalUsers[0]!.pass, 'Adm1nPw');
    assert.equal(next.pathDefaults.maxReaders, 4);
    assert.equal(next.paths.cam!.maxReaders, 4);
  });

  it('applies a pathDefaults change to the paths that did not set the key, and not to the others', () => {
    const base = conf('paths:\n  a:\n  b:\n    maxReaders: 2\n');
    const { next, edit } = planConfChange(base, { kind: 'pathDefaults', patch: { maxReaders: 7 } });
    assert.deepEqual([next.pathDefaults.maxReaders, next.paths.a!.maxReaders, next.paths.b!.maxReaders], [7, 7, 2]);
    assert.deepEqual(edit, { kind: 'pathDefaults', values: { maxReaders: 7 } });
  });

  it('keeps a value a path wrote explicitly when pathDefaults changes, even one equal to the old default (as upstream)', () => {
    // `b` wrote `maxReaders: 0` and `record: no`, the defaults: its own settings, which upstream's OptionalPaths keep.
    const base = conf('paths:\n  a:\n  b:\n    maxReaders: 0\n    record: no\n');
    const { next } = planConfChange(base, { kind: 'pathDefaults', patch: { maxReaders: 7, record: true } });
    assert.deepEqual([next.paths.a!.maxReaders, next.paths.a!.record], [7, true]);
    assert.deepEqual([next.paths.b!.maxReaders, next.paths.b!.record], [0, false], 'what the file says for b, as a restart would read it');
    // A path set by a variable (MTX_PATHS_C_MAXREADERS=0) keeps that value too, and keeps it through later changes.
    const env = parseConf('paths:\n  c:\n', { MTX_PATHS_C_MAXREADERS: '0' }).conf;
    const once = planConfChange(env, { kind: 'set', patch: { logLevel: 'debug' } }).next;
    assert.equal(planConfChange(once, { kind: 'pathDefaults', patch: { maxReaders: 7 } }).next.paths.c!.maxReaders, 0);
  });

  it('replaces a path entry: keys not sent go back to the defaults', () => {
    const base = conf('paths:\n  cam:\n    maxReaders: 2\n    sourceOnDemand: yes\n    source: rtsp://10.0.0.1/s\n');
    const p = planConfChange(base, { kind: 'replacePath', name: 'cam', patch: { maxReaders: 5 } }).next.paths.cam!;
    assert.deepEqual([p.maxReaders, p.sourceOnDemand, p.source], [5, false, 'publisher']);
  });

  it('turns HTTP authentication off through v0.22\'s key, and refuses both forms in one change', () => {
    const base = conf('authMethod: http\nauthHTTPAddress: http://127.0.0.1:9/auth\n');
    const off = planConfChange(base, { kind: 'set', patch: { externalAuthenticationURL: '' } }).next;
    assert.deepEqual([off.authMethod, off.externalAuthenticationURL], ['internal', '']);
    assert.throws(() => planConfChange(base, { kind: 'set', patch: { externalAuthenticationURL: 'http://a/b', authHTTPAddress: 'http://c/d' } }), /one setting/);
    const old = conf('externalAuthenticationURL: http://127.0.0.1:9/auth\n');
    const oldOff = planConfChange(old, { kind: 'set', patch: { externalAuthenticationURL: '' } }).next;
    assert.deepEqual([oldOff.authMethod, oldOff.externalAuthenticationURL, usesV1Auth(oldOff)], ['internal', '', false]);
  });

  it('keeps a v0.22 configuration in v0.22 authentication mode unless a change names a v1.x authentication key', () => {
    const base = conf('externalAuthenticationURL: http://127.0.0.1:9/auth\npaths:\n  cam:\n');
    const echoed = planConfChange(base, { kind: 'set', patch: { ...v3GlobalView(base, false), logLevel: 'debug' } }).next;
    assert.deepEqual([usesV1Auth(echoed), echoed.externalAuthenticationURL, echoed.logLevel], [false, 'http://127.0.0.1:9/auth', 'debug']);
    assert.equal(usesV1Auth(planConfChange(base, { kind: 'addPath', name: 'x', patch: {} }).next), false);
    assert.equal(usesV1Auth(planConfChange(base, { kind: 'set', patch: { authMethod: 'internal' } }).next), true);
  });
});
