import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConf, defaultConf } from './parse-conf.ts';
import { ConfError } from './conf-error.ts';
import { findPathConf } from './path-name.ts';
import { V1_GLOBAL_KEYS, V1_PATH_KEYS } from './keys-v1.ts';
import { V1_NOT_BUILT_KEYS } from './v1-not-implemented.ts';
import { NOT_IMPLEMENTED } from './not-implemented.ts';
import { keysMarkedNotBuilt } from './test-support/not-built-remarks.ts';

const read = (rel: string): string => readFileSync(new URL(rel, import.meta.url), 'utf8');
/** Upstream HEAD's mediamtx.yml, keys and values only. */
const UPSTREAM_HEAD = read('./fixtures/mediamtx-v1-head.yml');
const SHIPPED_V022 = read('../../mediamtx.yml');
const SHIPPED_V1 = read('../../mediamtx.v1.yml');

function confError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ConfError && re.test(e.message));
}

function withoutPaths(c: object): Record<string, unknown> {
  const { paths: _p, ...rest } = c as Record<string, unknown>;
  return rest;
}

describe('MediaMTX v1.x configuration files', () => {
  it('loads upstream HEAD\'s mediamtx.yml unchanged: no error, no deprecation, SRT and MoQ named as not built', () => {
    const { conf, warnings } = parseConf(UPSTREAM_HEAD, {});
    assert.equal(warnings.filter((w) => w.includes('deprecated')).length, 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /SRT server \(srt\)/);
    assert.match(warnings[0]!, /MoQ server \(moq\)/);
    // Upstream's values, under this server's keys.
    assert.equal(conf.rtspDisable, false);
    assert.equal(conf.readBufferCount, 512);
    assert.equal(conf.udpMaxPayloadSize, 1452);
    assert.deepEqual(conf.authMethods, ['basic']);
    assert.deepEqual(conf.webrtcICEServers, []);
    assert.equal(conf.hlsAllowOrigin, '*');
    assert.equal(conf.webrtcICEUDPMuxAddress, ':8189');
    assert.equal(conf.pathDefaults.recordDeleteAfter, 86_400_000);
    assert.deepEqual(Object.keys(conf.paths), ['all_others']);
    assert.equal(findPathConf(conf, 'any/name')?.pathConf.name, 'all_others');
  });

  it('the fixture holds every key this server adds for v1.x (loading it proves the reverse: unknown keys are refused)', () => {
    const top = [...UPSTREAM_HEAD.matchAll(/^(\w+):/gm)].map((m) => m[1]!);
    const inDefaults = [...UPSTREAM_HEAD.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]!).filter((k) => !['user', 'pass', 'ips', 'permissions'].includes(k));
    assert.ok(top.length > 100 && inDefaults.length > 80, 'the fixture holds upstream\'s keys');
    for (const k of Object.keys(V1_GLOBAL_KEYS)) assert.ok(top.includes(k), `${k} is an upstream global key`);
    for (const k of Object.keys(V1_PATH_KEYS)) assert.ok(inDefaults.includes(k), `${k} is an upstream path key`);
  });

  it('ships mediamtx.v1.yml: the v1.x spelling of this server\'s defaults, the same configuration as mediamtx.yml', () => {
    const v1 = parseConf(SHIPPED_V1, {});
    assert.deepEqual(v1.warnings, []);
    assert.deepEqual(withoutPaths(v1.conf), withoutPaths(defaultConf()));
    const v022 = parseConf(SHIPPED_V022, {}).conf;
    assert.deepEqual(withoutPaths(v022), withoutPaths(v1.conf));
    assert.deepEqual({ ...v022.paths.all, name: '' }, { ...v1.conf.paths.all_others, name: '' });
  });

  it('ships a mediamtx.v1.yml whose comments call "not built yet" exactly the features that are not', () => {
    const marked = keysMarkedNotBuilt(SHIPPED_V1);
    const inFile = new Set([...SHIPPED_V1.matchAll(/^\s*(\w+):/gm)].map((m) => m[1]!));
    const notBuilt = new Set([...V1_NOT_BUILT_KEYS, ...NOT_IMPLEMENTED.flatMap((n) => n.keys)]);
    const wronglyMarked = [...marked].filter((k) => !notBuilt.has(k));
    const unmarked = [...notBuilt].filter((k) => inFile.has(k) && !marked.has(k));
    assert.deepEqual(wronglyMarked, [], `built keys described as not built: ${wronglyMarked.join(', ')}`);
    assert.deepEqual(unmarked, [], `keys of features not built whose comment does not say so: ${unmarked.join(', ')}`);
    assert.ok(marked.size >= 60, `the remarks were read: ${marked.size} keys marked`);
  });

  it('starts every path from pathDefaults, lets a path override it, and reads MTX_PATHDEFAULTS_*', () => {
    const text = 'pathDefaults:\n  sourceOnDemandCloseAfter: 20s\n  overridePublisher: no\n  maxReaders: 4\npaths:\n  a:\n  b:\n    disablePublisherOverride: no\n';
    const { conf } = parseConf(text, { MTX_PATHDEFAULTS_MAXREADERS: '5' });
    assert.equal(conf.paths.a!.sourceOnDemandCloseAfter, 20_000);
    assert.equal(conf.paths.a!.disablePublisherOverride, true);
    assert.equal(conf.paths.b!.disablePublisherOverride, false);
    assert.equal(conf.paths.a!.maxReaders, 5);
    assert.equal(conf.pathDefaults.maxReaders, 5);
    // A rule broken through pathDefaults points at the pathDefaults line.
    confError(() => parseConf('pathDefaults:\n  readUser: u\npaths:\n  cam:\n', {}), /^invalid value for 'paths\.cam\.readUser' at line 2 \(in 'pathDefaults'\)/);
    confError(() => parseConf('pathDefaults: [1]\n', {}), /^invalid value for 'pathDefaults' at line 1: expected a map/);
    confError(() => parseConf('pathDefaults:\n  bogus: 1\n', {}), /^unknown key 'pathDefaults\.bogus' at line 2/);
  });

  it('treats all, all_others and ~^.*$ as one catch-all path, matched after the other regexps', () => {
    const { conf } = parseConf('paths:\n  all_others:\n    maxReaders: 1\n  "~^live/":\n    maxReaders: 2\n', {});
    assert.equal(findPathConf(conf, 'live/x')?.pathConf.name, '~^live/');
    assert.equal(findPathConf(conf, 'other')?.pathConf.name, 'all_others');
    confError(() => parseConf('paths:\n  all:\n  "~^.*$":\n', {}), /paths 'all' at line 2 and '~\^\.\*\$' at line 3 are the same path/);
  });

  it('reads YAML 1.2 with the legacy yes/no/on/off booleans of both eras, and keeps 1:30 and dates as text', () => {
    const { conf } = parseConf('rtsp: No\nhls: OFF\nmetrics: Yes\napi: y\nrunOnConnect: 1:30\npaths:\n  cam:\n    runOnInit: 2024-01-02\n    record: on\n', {});
    assert.equal(conf.rtspDisable, true);
    assert.equal(conf.hlsDisable, true);
    assert.equal(conf.metrics, true);
    assert.equal(conf.api, true);
    assert.equal(conf.runOnConnect, '1:30');
    assert.equal(conf.paths.cam!.runOnInit, '2024-01-02');
    assert.equal(conf.paths.cam!.record, true);
  });

  it('names each v1.x setting that is read but not acted on, once, in the one not-implemented warning', () => {
    const text = 'srt: yes\nhlsMuxerCloseAfter: 30s\npathDefaults:\n  record: yes\npaths:\n  a:\n  b:\n    forward: [{dest: "rtsp://x/y"}]\n';
    const { warnings } = parseConf(text, {});
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^these features are not implemented yet and are ignored: /);
    assert.match(warnings[0]!, /HLS muxer lifetime and CDN mode \(hlsMuxerCloseAfter\)/);
    assert.match(warnings[0]!, /SRT server \(srt\)/);
    assert.match(warnings[0]!, /pathDefaults: record; paths\.b: forward$/);
  });

  it('maps authMethod http onto the built HTTP authentication; fingerprint pinning is built, so not named', () => {
    const http = parseConf('authMethod: http\nauthHTTPAddress: http://auth.example/check\n', {});
    assert.equal(http.conf.externalAuthenticationURL, 'http://auth.example/check');
    assert.deepEqual(http.warnings, []);
    const jwt = parseConf('authMethod: jwt\nauthJWTJWKS: https://idp.example/jwks\n', {});
    assert.deepEqual(jwt.warnings, []);
    const pinned = parseConf('authMethod: jwt\nauthJWTJWKS: https://idp.example/jwks\nauthJWTJWKSFingerprint: 33949e05\n', {});
    assert.deepEqual(pinned.warnings, []);
    assert.equal(pinned.conf.authJWTJWKSFingerprint, '33949e05');
    const users = parseConf('authInternalUsers:\n  - user: bob\n    pass: secret1\n    permissions: [{action: publish, path: cam}]\n', {});
    assert.equal(users.conf.authInternalUsers[0]!.permissions[0]!.path, 'cam');
    assert.deepEqual(users.warnings, []);
  });

  it('applies upstream\'s authentication rules, never repeating a password', () => {
    confError(() => parseConf('authMethod: http\n', {}), /'authHTTPAddress': it must be an http/);
    confError(() => parseConf('authMethod: jwt\n', {}), /'authJWTJWKS': it must be an http/);
    confError(() => parseConf('authInternalUsers: [{user: any, pass: hunter2}]\n', {}), /'authInternalUsers\.0' at line 1: using a password with 'any'/);
    confError(() => parseConf('authInternalUsers: [{user: bob, pass: hunter2, permissions: [{action: fly}]}]\n', {}), /^invalid value for 'authInternalUsers' at line 1: expected a list of users/);
    assert.throws(() => parseConf('authInternalUsers: [{user: bob, pass: hunter2, bogus: 1}]\n', {}), (e: unknown) => e instanceof ConfError && !e.message.includes('hunter2'));
    confError(() => parseConf('authInternalUsers: [{user: bob, pass: x}]\npaths:\n  cam:\n    readUser: u\n    readPass: p\n', {}), /'authInternalUsers'.*legacy credentials/);
  });

  it('checks the shape of v1.x values: durations in days, port ranges, enums, lists of objects', () => {
    assert.equal(parseConf('pathDefaults:\n  recordDeleteAfter: 7d\n', {}).conf.pathDefaults.recordDeleteAfter, 7 * 86_400_000);
    confError(() => parseConf('pathDefaults:\n  rtspUDPSourcePortRange: [1]\n', {}), /'pathDefaults\.rtspUDPSourcePortRange' at line 2: expected two ports/);
    confError(() => parseConf('pathDefaults:\n  recordFormat: mkv\n', {}), /'pathDefaults\.recordFormat' at line 2: expected one of fmp4, mpegts/);
    confError(() => parseConf('pathDefaults:\n  alwaysAvailableTracks: [{codec: MP3}]\n', {}), /'pathDefaults\.alwaysAvailableTracks' at line 2/);
    assert.deepEqual(parseConf('', { MTX_PATHDEFAULTS_RTSPUDPSOURCEPORTRANGE: '4000,5000' }).conf.pathDefaults.rtspUDPSourcePortRange, [4000, 5000]);
  });
});
