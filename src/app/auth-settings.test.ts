import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from '../conf/index.ts';
import { PLAN } from './component-settings.ts';

const settings = (text: string) => PLAN.auth.settings(parseConf(text, {}).conf)!;

describe('authentication settings', () => {
  it('keeps v0.22.2 behaviour for a file without v1.x auth keys', () => {
    assert.equal(settings('paths:\n  cam:\n    readUser: u\n    readPass: p\n').v1, undefined);
    assert.equal(settings('externalAuthenticationURL: http://a/b\n').v1, undefined);
    assert.equal(PLAN.api.settings(parseConf('api: yes\n', {}).conf)!.authGuarded, false);
  });

  it('turns v1.x authentication on, guarding the API, for a file that writes a v1.x auth key', () => {
    const s = settings('authMethod: jwt\nauthJWTJWKS: http://idp/jwks\nauthJWTIssuer: me\n');
    assert.equal(s.v1?.method, 'jwt');
    assert.equal(s.v1?.jwtIssuer, 'me');
    assert.equal(settings('authMethod: http\nauthHTTPAddress: http://a/b\n').v1?.httpAddress, 'http://a/b');
    assert.equal(PLAN.api.settings(parseConf('api: yes\nauthMethod: internal\n', {}).conf)!.authGuarded, true);
  });

  it('uses the users converted from legacy per-path keys in a v1.x file, as upstream', () => {
    const s = settings('authMethod: internal\npaths:\n  cam:\n    readUser: u\n    readPass: p\n');
    assert.deepEqual(s.v1?.internalUsers.map((u) => `${u.user}:${u.permissions.map((p) => `${p.action}@${p.path}`).join(',')}`),
      ['any:playback@', 'any:api@,metrics@,pprof@', 'any:publish@cam', 'u:read@cam']);
  });

  it('offers only Basic over RTSP with JWT authentication', () => {
    assert.deepEqual(PLAN.rtspServer.settings(parseConf('authMethod: jwt\nauthJWTJWKS: http://idp/jwks\nauthMethods: [basic, digest]\n', {}).conf)!.authMethods, ['basic']);
  });
});
