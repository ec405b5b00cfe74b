import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inheritedEnv, isSecretEnvName } from './inherited-env.ts';

describe('the environment child processes inherit', () => {
  it('names secret variables: the configuration key and configuration variables that set a password', () => {
    const cases: [string, boolean][] = [
      ['MTX_CONFKEY', true], ['RTSP_CONFKEY', true],
      ['MTX_PATHS_CAM_READPASS', true], ['RTSP_PATHS_CAM_PUBLISHPASS', true], ['MTX_AUTHINTERNALUSERS_3_PASS', true],
      ['MTX_WEBRTCICESERVERS2_0_PASSWORD', true], ['MTX_READPASS', true],
      ['MTX_PATHS_CAM_READUSER', false], ['MTX_RTSPADDRESS', false], ['MTX_PATH', false], ['PASS', false], ['MY_PASS', false],
      ['MTX_PASSTHROUGH', false],
    ];
    for (const [name, secret] of cases) assert.equal(isSecretEnvName(name), secret, name);
  });

  it('drops secret variables, masks URL passwords of configuration variables only, keeps the rest as is', () => {
    const env = inheritedEnv({
      PATH: '/usr/bin', HOME: '/root', MTX_CONFKEY: 'k', MTX_PATHS_CAM_READPASS: 'pw',
      MTX_PATHS_CAM_SOURCE: 'rtsp://admin:pw@cam/stream', OTHER_URL: 'rtsp://u:p@host/x', MTX_PATHS_CAM_SOURCEONDEMAND: 'yes',
    });
    assert.deepEqual(env, {
      PATH: '/usr/bin', HOME: '/root', MTX_PATHS_CAM_SOURCE: 'rtsp://admin:xxxxx@cam/stream', OTHER_URL: 'rtsp://u:p@host/x',
      MTX_PATHS_CAM_SOURCEONDEMAND: 'yes',
    });
  });
});
