export type { Conf, PathConf, Encryption, RtspTransport, AuthMethod, SourceProtocol, HlsVariant } from './conf-types.ts';
