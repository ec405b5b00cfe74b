export type * from './contracts.ts';
export { PathManager, type PathManagerOptions, type Authenticator, type PathSnapshot } from './path-manager.ts';
export { Path } from './path.ts';
export {
  PathNotConfiguredError, InvalidPathNameError, NoStreamAvailableError, PathBusyError, InvalidStateError,
} from './errors.ts';
export { CODEC_DISPLAY_NAMES, describeTracks } from './track-names.ts';
