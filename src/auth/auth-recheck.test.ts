import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAuthServer } from '../../test/support/auth-server.ts';
import { defaultPathConf } from '../conf/index.ts';
import { Logger } from '../lib/index.ts';
import { AuthManager } from './auth-manager.ts';
import type { AccessRequest } from './access-request.ts';
import type { AuthV1Settings } from './auth-v1.ts';

const log = Logger.create({ level: 'error', destinations: [], sink: () => undefined });
const req: AccessRequest = {
  pathName: 'cam', query: '', protocol: 'rtsp', action: 'read', ip: '127.0.0.1', credentials: { kind: 'plain', user: 'bob', pass: 'bob-pw' },
};

describe('AuthManager rechecks of clients already in', () => {
  it('asks the HTTP server again only when the authentication settings changed, refusing without the failure delay', async () => {
    const srv = await startAuthServer(() => false);
    const v1: AuthV1Settings = {
      method: 'http', internalUsers: [], httpAddress: srv.url, httpExclude: [], jwtJWKS: '', jwtClaimKey: 'mediamtx_permissions',
      jwtExclude: [], jwtIssuer: '', jwtAudience: '',
    };
    const auth = new AuthManager({ externalAuthenticationURL: '', readTimeoutMs: 3000, log, v1, failDelayMs: { min: 3000, max: 3000 } });
    try {
      const pc = defaultPathConf('cam');
      // A path's own credentials changed: the HTTP server does not read them, so it is not asked.
      assert.deepEqual(await auth.authenticate(req, pc, { isRecheck: true }), { user: 'bob' });
      assert.equal(srv.bodies.length, 0);
      const started = Date.now();
      await assert.rejects(auth.authenticate(req, pc, { isRecheck: true, hasAuthChanged: true }), /replied with code 401/);
      assert.equal(srv.bodies.length, 1);
      assert.ok(Date.now() - started < 2000, 'no brute-force delay for a client already in');
    } finally {
      auth.close();
      await srv.close();
    }
  });
});
