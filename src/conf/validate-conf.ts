import type { Conf, PathConf } from './conf-types.ts';
import { ConfError, type KeyLocator } from './conf-error.ts';
import { redactUrl } from '../lib/index.ts';
import { sourceSchemeOf, type SourceScheme } from './source-schemes.ts';
import { checkIpList, validateNetworkLists } from './network-lists.ts';

export type { KeyLocator } from './conf-error.ts';

// MediaMTX v0.22.2's allowed characters in plain credentials.
const CREDENTIAL_CHARS = /^[a-zA-Z0-9!$()*+.;<=>[\]^_\-{}@#&]+$/;

/** Builds the error of one key, with its location, so every message names a key and, from a file, its line. */
function invalid(locate: KeyLocator, key: string, reason: string): ConfError {
  return new ConfError(`invalid value for '${key}'${locate(key)}: ${reason}`);
}

function checkCredential(locate: KeyLocator, key: string, v: string): void {
  if (v === '' || v.startsWith('sha256:')) return;
  if (!CREDENTIAL_CHARS.test(v)) throw invalid(locate, key, 'credentials can contain only letters, digits and !$()*+.;<=>[]^_-{}@#& (or use sha256:)');
}

/**
 * A static source URL must parse, with a host; `$G1`… placeholders (filled from the path name when the path is
 * created) stand for a host, or for the port 1935 after a colon, as MediaMTX checks them.
 */
function checkSourceUrl(locate: KeyLocator, key: string, source: string, scheme: SourceScheme): void {
  if (scheme.check === 'none') return;
  const sample = source.replace(/:\$G\d+/g, ':1935').replace(/\$G\d+/g, 'abc');
  let u: URL | undefined;
  try { u = new URL(sample); } catch { u = undefined; }
  if (!u || u.hostname === '') throw invalid(locate, key, `'${redactUrl(source)}' is not a valid URL`);
  if (scheme.check === 'urlWithPort' && u.port === '') throw invalid(locate, key, `'${redactUrl(source)}' is missing the port`);
}

function validateSource(locate: KeyLocator, p: PathConf): void {
  const k = (s: string): string => `paths.${p.name}.${s}`;
  const isPublisher = p.source === 'publisher';
  const scheme = sourceSchemeOf(p.source);
  if (!(isPublisher || p.source === 'redirect' || p.source === 'rpiCamera' || scheme)) {
    throw invalid(locate, k('source'), `'${redactUrl(p.source)}' is not publisher, redirect, rpiCamera or a source URL (rtsp://, rtmp://, http://, udp://, srt://, whep://… as MediaMTX reads them)`);
  }
  if (scheme) checkSourceUrl(locate, k('source'), p.source, scheme);
  if (scheme?.needsRtpSdp && p.rtpSDP === '') throw invalid(locate, k('rtpSDP'), `it is required when source is ${scheme.prefixes[0]}`);
  if (p.regexp && p.source === 'rpiCamera') {
    throw invalid(locate, k('source'), 'a path with a regular expression (or \'all\') can\'t use the Raspberry Pi camera');
  }
  // MediaMTX v1.4+: a regexp path may proxy ($G1… in the URL), one upstream per path name, started by its readers.
  if (p.regexp && scheme && !p.sourceOnDemand) {
    throw invalid(locate, k('source'), 'a path with a regular expression (or \'all\') and a static source must have \'sourceOnDemand\' set to yes');
  }
  if (p.regexp && p.runOnInit !== '') throw invalid(locate, k('runOnInit'), 'a path with a regular expression (or \'all\') does not support runOnInit');
  if (p.source === 'redirect' && p.sourceRedirect === '') throw invalid(locate, k('sourceRedirect'), 'it is required when source is \'redirect\'');
  if (p.sourceOnDemand && isPublisher) throw invalid(locate, k('sourceOnDemand'), 'it is useless when source is \'publisher\'');
  if (p.runOnDemand !== '' && !isPublisher) throw invalid(locate, k('runOnDemand'), 'it can be used only when source is \'publisher\'');
  if (p.fallback !== '' && !(p.fallback.startsWith('/') ? p.fallback.length > 1 : /^rtsps?:\/\//.test(p.fallback))) {
    throw invalid(locate, k('fallback'), 'must be a path (/other) or an rtsp:// URL');
  }
}

function validateAuth(conf: Conf, locate: KeyLocator, p: PathConf): void {
  const k = (s: string): string => `paths.${p.name}.${s}`;
  for (const [u, pw] of [['publishUser', 'publishPass'], ['readUser', 'readPass']] as const) {
    // Name the key that is set: it is the one with a line to point at.
    if (p[u] !== '' && p[pw] === '') throw invalid(locate, k(u), `'${k(pw)}' must be set too`);
    if (p[u] === '' && p[pw] !== '') throw invalid(locate, k(pw), `'${k(u)}' must be set too`);
    checkCredential(locate, k(u), p[u]);
    checkCredential(locate, k(pw), p[pw]);
  }
  checkIpList(locate, k('publishIPs'), p.publishIPs);
  checkIpList(locate, k('readIPs'), p.readIPs);
  if (p.source !== 'publisher') {
    if (p.publishUser !== '') throw invalid(locate, k('publishUser'), 'it can be used only when source is \'publisher\'');
    if (p.publishIPs.length > 0) throw invalid(locate, k('publishIPs'), 'it can be used only when source is \'publisher\'');
  }
  if (conf.externalAuthenticationURL !== '') {
    const used = (['publishUser', 'readUser', 'publishIPs', 'readIPs'] as const).find((key) => p[key].length > 0);
    if (used) throw invalid(locate, k(used), `it can't be used together with 'externalAuthenticationURL'${locate('externalAuthenticationURL')}`);
  }
}

function validatePath(conf: Conf, locate: KeyLocator, p: PathConf, camIds: Map<number, string>): void {
  validateSource(locate, p);
  validateAuth(conf, locate, p);
  if (p.source === 'rpiCamera') {
    const other = camIds.get(p.rpiCameraCamID);
    const key = `paths.${p.name}.rpiCameraCamID`;
    if (other !== undefined) throw invalid(locate, key, `camera ${p.rpiCameraCamID} is already used by path '${other}'`);
    camIds.set(p.rpiCameraCamID, p.name);
  }
}

/** Rules that involve more than one key (MediaMTX v0.22.2's conf.go / path.go); messages name the key and its line. */
export function validateConf(conf: Conf, locate: KeyLocator = () => ''): void {
  const bad = (key: string, reason: string): ConfError => invalid(locate, key, reason);
  if ((conf.readBufferCount & (conf.readBufferCount - 1)) !== 0) throw bad('readBufferCount', 'must be a power of two');
  if (conf.logDestinations.includes('file') && conf.logFile === '') throw bad('logFile', `it is required when 'logDestinations' contains 'file'`);
  if (conf.protocols.length === 0) throw bad('protocols', 'at least one protocol is required');
  if (conf.encryption === 'strict' && (conf.protocols.includes('udp') || conf.protocols.includes('multicast'))) {
    throw bad('encryption', `strict encryption can't be used with the UDP or multicast transport (set 'protocols: [tcp]')`);
  }
  if (conf.authMethods.length === 0) throw bad('authMethods', 'at least one method is required');
  if (conf.externalAuthenticationURL !== '' && !/^https?:\/\//.test(conf.externalAuthenticationURL)) {
    throw bad('externalAuthenticationURL', 'must start with http:// or https://');
  }
  if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(conf.multicastIPRange)) throw bad('multicastIPRange', 'expected a CIDR like 224.1.0.0/16');
  validateNetworkLists(conf, locate);
  const camIds = new Map<number, string>();
  for (const p of Object.values(conf.paths)) validatePath(conf, locate, p, camIds);
}
