import assert from 'node:assert/strict';
import { ConfError } from '../conf-error.ts';

/** The message of the ConfError `fn` throws (fails when it throws something else or nothing). */
export function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfError, `expected a ConfError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a ConfError, but the configuration was accepted');
}
