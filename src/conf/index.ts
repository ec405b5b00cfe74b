export type { Conf, PathConf, Encryption, RtspTransport, AuthMethod, SourceProtocol, HlsVariant } from './conf-types.ts';
export type {
  V1GlobalConf, V1PathConf, ConfAuthMethod, ConfAuthAction, ConfAuthPermission, ConfAuthInternalUser, ConfForwardDest, ConfAlwaysAvailableTrack,
} from './conf-types-v1.ts';
export { V1_GLOBAL_KEYS, V1_PATH_KEYS } from './keys-v1.ts';
export { namesOfKey, type KeyScope } from './renames.ts';
export { ConfError } from './conf-error.ts';
export { loadConf, DEFAULT_CONF_PATHS, type LoadConfOptions } from './load-conf.ts';
export { parseConf, confFromObject, defaultConf, defaultPathConf, type LoadedConf } from './parse-conf.ts';
export { confToObject, pathConfToObject, formatGoDuration, formatByteSize, type ConfObject } from './conf-object.ts';
export { findPathConf, isValidPathName, checkConfPathName } from './path-name.ts';
export { encryptConf, decryptConf } from './decrypt.ts';
export { notImplementedWarnings, NOT_IMPLEMENTED } from './not-implemented.ts';
export { parseDuration, formatDuration, parseSize } from './value-parsers.ts';
export { GLOBAL_KEYS, PATH_KEYS, type KeySpec } from './keys.ts';
export { watchConfFile, type ConfWatcher, type ConfWatcherOptions } from './conf-watcher.ts';
export { usesV1Auth } from './auth-conf.ts';
export { explicitPathKeys } from './read-paths.ts';
