import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withAuthGuard, type HttpAuthVerdict } from './http-auth-guard.ts';

async function answer(verdict: HttpAuthVerdict): Promise<{ status: number; headers: IncomingMessage['headers']; body: string; handled: boolean }> {
  let handled = false;
  const server = createServer(withAuthGuard(async () => verdict, (_req, res) => { handled = true; res.end('ok'); }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => { body += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, handled }));
      }).on('error', reject).end();
    });
  } finally {
    server.close();
  }
}

describe('withAuthGuard', () => {
  it('runs the handler when allowed and answers 401 as MediaMTX otherwise, challenging only clients that sent nothing', async () => {
    assert.deepEqual((({ status, body, handled }) => ({ status, body, handled }))(await answer({ allowed: true })), { status: 200, body: 'ok', handled: true });
    const asked = await answer({ allowed: false, askCredentials: true });
    assert.equal(asked.status, 401);
    assert.equal(asked.handled, false);
    assert.equal(asked.headers['www-authenticate'], 'Basic realm="mediamtx"');
    assert.deepEqual(JSON.parse(asked.body), { status: 'error', error: 'authentication error' });
    const refused = await answer({ allowed: false, askCredentials: false });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['www-authenticate'], undefined);
  });
});
