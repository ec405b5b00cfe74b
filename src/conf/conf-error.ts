/** A configuration problem, with the key (and line when known) in the message; never a stack trace for users. */
export class ConfError extends Error {
  override readonly name = 'ConfError';
}
