export type * from './contracts.ts';
export { PathManager, type PathManagerOptions, type Authenticator } from './path-manager.ts';
export { pathChange, LIVE_PATH_KEYS, type PathChange } from './path-conf-change.ts';
export { Path } from './path.ts';
export {
  PathNotConfiguredError, InvalidPathNameError, NoStreamAvailableError, PathBusyError, InvalidStateError,
} from './errors.ts';
export { CODEC_DISPLAY_NAMES, describeTracks } from './track-names.ts';
