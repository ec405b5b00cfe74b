import assert from 'node:assert/strict';
import type { Credentials } from '../access-request.ts';
import { AuthError } from '../auth-error.ts';

/** Plain credentials, as RTSP Basic or an RTMP query would deliver them. */
export const plain = (user: string, pass: string): Credentials => ({ kind: 'plain', user, pass });

/**
 * How early a timer may seem to fire: Node schedules timers on the event loop's cached clock, so a setTimeout(n)
 * measured with performance.now() from before the call can read up to ~1 ms short of n.
 */
export const TIMER_SLACK_MS = 2;

/** Awaits a refused authentication; returns the AuthError (fails when it resolved) and the time it took. */
export async function refusal(p: Promise<unknown>): Promise<{ err: AuthError; ms: number }> {
  const t0 = performance.now();
  const err = await p.then(() => assert.fail('expected a refusal'), (e: unknown) => e);
  assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`);
  return { err, ms: performance.now() - t0 };
}
