/** A configuration problem, with the key (and line when known) in the message; never a stack trace for users. */
export class ConfError extends Error {
  override readonly name = 'ConfError';
}

/** Where a key's value came from, for messages: ' at line 3', ' in environment variable MTX_X', or '' (default). */
export type KeyLocator = (key: string) => string;
