import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from '../conf/index.ts';
import { legacyInternalUsers, usesLegacyCredentials } from './legacy-users.ts';

const HEAD_USERS = [
  { user: 'any', pass: '', ips: [], permissions: [{ action: 'playback', path: '' }] },
  { user: 'any', pass: '', ips: ['127.0.0.1/32', '::1/128'], permissions: [{ action: 'api', path: '' }, { action: 'metrics', path: '' }, { action: 'pprof', path: '' }] },
];
const anyPublish = (path: string, ips = ['0.0.0.0/0']) => ({ user: 'any', pass: '', ips, permissions: [{ action: 'publish', path }] });
const anyRead = (path: string, ips = ['0.0.0.0/0']) => ({ user: 'any', pass: '', ips, permissions: [{ action: 'read', path }] });

describe('legacyInternalUsers', () => {
  it('is not used when no path sets a legacy key', () => {
    assert.equal(usesLegacyCredentials(parseConf('paths:\n  cam:\n', {}).conf), false);
    assert.equal(usesLegacyCredentials(parseConf('paths:\n  cam:\n    readIPs: [10.0.0.1]\n', {}).conf), true);
    assert.equal(usesLegacyCredentials(parseConf('pathDefaults:\n  publishUser: u\n  publishPass: p\n', {}).conf), true);
  });

  // [file, users after the two fixed ones]: HEAD conf.go (deprecated credentials mode) + path.go validate.
  const TABLE: [string, unknown[]][] = [
    ['paths:\n  cam:\n    readUser: bob\n    readPass: pw\n', [anyPublish('cam'), { user: 'bob', pass: 'pw', ips: ['0.0.0.0/0'], permissions: [{ action: 'read', path: 'cam' }] }]],
    ['paths:\n  cam:\n    publishUser: pub\n    publishPass: sha256:rl3rgi4NcZkpAEcacZnQ2VuOfJ0FxAqCRaKB/SwdZoQ=\n    publishIPs: [192.168.0.0/16]\n', [
      { user: 'pub', pass: 'sha256:rl3rgi4NcZkpAEcacZnQ2VuOfJ0FxAqCRaKB/SwdZoQ=', ips: ['192.168.0.0/16'], permissions: [{ action: 'publish', path: 'cam' }] }, anyRead('cam')]],
    // Every path gets its pair, in byte order of names; all/all_others become ~^.*$; regexp names are kept.
    ['paths:\n  zeta:\n    readIPs: [10.0.0.1]\n  ~^cam[0-9]$:\n  Alpha:\n  all:\n', [
      anyPublish('Alpha'), anyRead('Alpha'), anyPublish('~^.*$'), anyRead('~^.*$'), anyPublish('zeta'), anyRead('zeta', ['10.0.0.1']),
      anyPublish('~^cam[0-9]$'), anyRead('~^cam[0-9]$')]],
    // pathDefaults reach every path.
    ['pathDefaults:\n  readUser: viewer\n  readPass: vpw\npaths:\n  all_others:\n', [anyPublish('~^.*$'), { user: 'viewer', pass: 'vpw', ips: ['0.0.0.0/0'], permissions: [{ action: 'read', path: '~^.*$' }] }]],
  ];

  it('builds the users MediaMTX v1.x builds from publishUser … readIPs', () => {
    for (const [file, rest] of TABLE) {
      const users = legacyInternalUsers(parseConf(file, {}).conf);
      assert.deepEqual(users, [...HEAD_USERS, ...rest], file);
    }
  });
});
