/** The requested path has no configuration entry (no literal name and no regexp matches it). */
export class PathNotConfiguredError extends Error {
  override readonly name = 'PathNotConfiguredError';
  constructor(pathName: string) { super(`path '${pathName}' is not configured`); }
}

/** The requested path name is syntactically invalid. */
export class InvalidPathNameError extends Error {
  override readonly name = 'InvalidPathNameError';
  constructor(pathName: string, reason: string) { super(`invalid path name '${pathName}': ${reason}`); }
}

/** Nobody publishes to the path and no on-demand command brought a stream in time. */
export class NoStreamAvailableError extends Error {
  override readonly name = 'NoStreamAvailableError';
  constructor(pathName: string) { super(`no one is publishing to path '${pathName}'`); }
}

/** Someone already publishes to the path and `disablePublisherOverride` is set. */
export class PathBusyError extends Error {
  override readonly name = 'PathBusyError';
  constructor(pathName: string) { super(`someone is already publishing to path '${pathName}'`); }
}

/** A request arrived in a state that does not allow it (closed path, closing server). */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError';
}
