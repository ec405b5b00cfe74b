import assert from 'node:assert/strict';
import type { Credentials } from '../access-request.ts';
import { AuthError } from '../auth-error.ts';

/** Plain credentials, as RTSP Basic or an RTMP query would deliver them. */
export const plain = (user: string, pass: string): Credentials => ({ kind: 'plain', user, pass });

/** Awaits a refused authentication; returns the AuthError (fails when it resolved) and the time it took. */
export async function refusal(p: Promise<unknown>): Promise<{ err: AuthError; ms: number }> {
  const t0 = performance.now();
  const err = await p.then(() => assert.fail('expected a refusal'), (e: unknown) => e);
  assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`);
  return { err, ms: performance.now() - t0 };
}
