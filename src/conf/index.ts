export type { Conf, PathConf, Encryption, RtspTransport, AuthMethod, SourceProtocol, HlsVariant } from './conf-types.ts';
export { ConfError } from './conf-error.ts';
export { loadConf, DEFAULT_CONF_PATHS, type LoadConfOptions } from './load-conf.ts';
export { parseConf, defaultConf, defaultPathConf, type LoadedConf } from './parse-conf.ts';
export { findPathConf, isValidPathName, checkConfPathName } from './path-name.ts';
export { encryptConf, decryptConf } from './decrypt.ts';
export { notImplementedWarnings, NOT_IMPLEMENTED } from './not-implemented.ts';
export { parseDuration, formatDuration, parseSize } from './value-parsers.ts';
export { GLOBAL_KEYS, PATH_KEYS, type KeySpec } from './keys.ts';
