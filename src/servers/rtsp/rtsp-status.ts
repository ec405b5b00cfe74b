import { AuthError } from '../../auth/index.ts';
import {
  InvalidPathNameError, InvalidStateError, NoStreamAvailableError, PathBusyError, PathNotConfiguredError,
} from '../../core/index.ts';

/** An error with the RTSP status code it should produce. */
export class RtspStatusError extends Error {
  override readonly name = 'RtspStatusError';
  constructor(readonly statusCode: number, message: string) { super(message); }
}

/** Maps core/auth errors to RTSP status codes (RFC 2326 §7.1.1); only the server knows about status codes. */
export function statusOf(err: Error): number {
  if (err instanceof RtspStatusError) return err.statusCode;
  if (err instanceof AuthError) return 401;
  if (err instanceof PathNotConfiguredError || err instanceof NoStreamAvailableError) return 404;
  if (err instanceof InvalidPathNameError || err instanceof PathBusyError || err instanceof InvalidStateError) return 400;
  return 400;
}
