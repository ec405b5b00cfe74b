import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { usesV1Auth } from './auth-conf.ts';
import { ConfError } from './conf-error.ts';

// MediaMTX's environment loader (internal/conf/env/env.go, v0.22.2 and HEAD alike) is the reference here.

describe('MTX_* environment overrides', () => {
  it('reads booleans whatever their case (MTX_API=True, MTX_RTSPDISABLE=YES), as MediaMTX lower-cases them', () => {
    const c = parseConf('', { MTX_API: 'True', MTX_RTSPDISABLE: 'YES', MTX_PATHS_CAM_SOURCEONDEMAND: 'FALSE', MTX_PATHDEFAULTS_RECORD: 'No' }).conf;
    assert.equal(c.api, true);
    assert.equal(c.rtspDisable, true);
    assert.equal(c.paths.cam!.sourceOnDemand, false);
    assert.equal(c.pathDefaults.record, false);
    assert.throws(() => parseConf('', { MTX_API: 'maybe' }), (e: unknown) => e instanceof ConfError && /MTX_API/.test(e.message));
  });

  it('turns MediaMTX v1.x authentication on when a variable sets one of its keys (MTX_AUTHMETHOD=jwt)', () => {
    const jwt = parseConf('', { MTX_AUTHMETHOD: 'jwt', MTX_AUTHJWTJWKS: 'https://idp.example/jwks' }).conf;
    assert.equal(jwt.authMethod, 'jwt');
    assert.equal(usesV1Auth(jwt), true, 'authMethod: jwt from the environment must be enforced, not ignored');
    assert.equal(usesV1Auth(parseConf('paths:\n  cam:\n', { MTX_AUTHINTERNALUSERS: '' }).conf), true);
    // Variables that are not authentication keys change nothing.
    assert.equal(usesV1Auth(parseConf('', { MTX_RTSPADDRESS: ':9554' }).conf), false);
  });

  it('sets list entries by position (MTX_AUTHINTERNALUSERS_0_USER), as upstream documents for Docker', () => {
    const c = parseConf('', {
      MTX_AUTHINTERNALUSERS_0_USER: 'bob', MTX_AUTHINTERNALUSERS_0_PASS: 'Secret1',
      MTX_AUTHINTERNALUSERS_1_IPS: '10.0.0.0/8,::1', MTX_AUTHINTERNALUSERS_1_PERMISSIONS_0_ACTION: 'read',
    }).conf;
    assert.equal(usesV1Auth(c), true);
    // Entry 0 (upstream's default `any` user) gets the user and password and keeps its permissions.
    assert.deepEqual(c.authInternalUsers[0], {
      user: 'bob', pass: 'Secret1', ips: [], permissions: [{ action: 'publish', path: '' }, { action: 'read', path: '' }, { action: 'playback', path: '' }],
    });
    // Entry 1 keeps its user, gets the IPs, and its first permission becomes `read`.
    assert.equal(c.authInternalUsers[1]!.user, 'any');
    assert.deepEqual(c.authInternalUsers[1]!.ips, ['10.0.0.0/8', '::1']);
    assert.deepEqual(c.authInternalUsers[1]!.permissions[0], { action: 'read', path: '' });
    assert.equal(c.authInternalUsers[1]!.permissions.length, 3);
  });

  it('appends entries past the end, empties a list with an empty variable, and names the variable of a bad entry', () => {
    const c = parseConf('', { MTX_AUTHINTERNALUSERS_2_USER: 'carol', MTX_AUTHINTERNALUSERS_2_PERMISSIONS_0_ACTION: 'api' }).conf;
    assert.equal(c.authInternalUsers.length, 3);
    assert.deepEqual(c.authInternalUsers[2], { user: 'carol', pass: '', ips: [], permissions: [{ action: 'api', path: '' }] });
    assert.deepEqual(parseConf('', { MTX_AUTHJWTEXCLUDE_0_ACTION: 'read', MTX_AUTHJWTEXCLUDE_0_PATH: 'pub' }).conf.authJWTExclude, [{ action: 'read', path: 'pub' }]);
    assert.deepEqual(parseConf('', { MTX_PATHS_CAM_FORWARD_0_DEST: 'rtsp://other:8554/cam' }).conf.paths.cam!.forward,
      [{ dest: 'rtsp://other:8554/cam', destFingerprint: '', whipBearerToken: '' }]);
    assert.throws(() => parseConf('', { MTX_AUTHINTERNALUSERS_0_PERMISSIONS_0_ACTION: 'fly', MTX_AUTHINTERNALUSERS_0_PASS: 'Xy7Secret' }),
      (e: unknown) => e instanceof ConfError && /'authInternalUsers' in environment variable MTX_AUTHINTERNALUSERS_0_/.test(e.message) && !e.message.includes('Xy7Secret'));
  });
});
