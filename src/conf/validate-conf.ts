import { isIP } from 'node:net';
import type { Conf, PathConf } from './conf-types.ts';
import { ConfError } from './conf-error.ts';

// MediaMTX v0.22.2's allowed characters in plain credentials.
const CREDENTIAL_CHARS = /^[a-zA-Z0-9!$()*+.;<=>[\]^_\-{}@#&]+$/;
const STATIC_SOURCE = /^(rtsps?|rtmps?|https?|udp):\/\//;

function checkIpList(key: string, list: readonly string[]): void {
  for (const e of list) {
    const [ip, bits, extra] = e.split('/');
    const v = isIP(ip ?? '');
    const max = v === 4 ? 32 : 128;
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= max);
    if (v === 0 || !okBits || extra !== undefined) throw new ConfError(`invalid value for '${key}': '${e}' is not an IP address or CIDR`);
  }
}

function checkCredential(key: string, v: string): void {
  if (v === '' || v.startsWith('sha256:')) return;
  if (!CREDENTIAL_CHARS.test(v)) throw new ConfError(`invalid value for '${key}': credentials can contain only letters, digits and !$()*+.;<=>[]^_-{}@#& (or use sha256:)`);
}

function validatePath(conf: Conf, p: PathConf, camIds: Map<number, string>): void {
  const k = (s: string): string => `paths.${p.name}.${s}`;
  const isPublisher = p.source === 'publisher';
  if (!(isPublisher || p.source === 'redirect' || p.source === 'rpiCamera' || STATIC_SOURCE.test(p.source))) {
    throw new ConfError(`invalid value for '${k('source')}': '${p.source}' is not publisher, redirect, rpiCamera or an rtsp(s)://, rtmp(s)://, http(s):// or udp:// URL`);
  }
  if (p.regexp && (STATIC_SOURCE.test(p.source) || p.source === 'rpiCamera')) {
    throw new ConfError(`invalid value for '${k('source')}': a path with a regular expression (or 'all') can't have a static source`);
  }
  if (p.regexp && p.runOnInit !== '') throw new ConfError(`invalid value for '${k('runOnInit')}': a path with a regular expression (or 'all') does not support runOnInit`);
  if (p.source === 'redirect' && p.sourceRedirect === '') throw new ConfError(`'${k('sourceRedirect')}' is required when source is 'redirect'`);
  if (p.sourceOnDemand && isPublisher) throw new ConfError(`invalid value for '${k('sourceOnDemand')}': it is useless when source is 'publisher'`);
  if (p.runOnDemand !== '' && !isPublisher) throw new ConfError(`invalid value for '${k('runOnDemand')}': it can be used only when source is 'publisher'`);
  if (p.fallback !== '' && !(p.fallback.startsWith('/') ? p.fallback.length > 1 : /^rtsps?:\/\//.test(p.fallback))) {
    throw new ConfError(`invalid value for '${k('fallback')}': must be a path (/other) or an rtsp:// URL`);
  }
  for (const [u, pw] of [['publishUser', 'publishPass'], ['readUser', 'readPass']] as const) {
    if ((p[u] === '') !== (p[pw] === '')) throw new ConfError(`'${k(u)}' and '${k(pw)}' must be set together`);
    checkCredential(k(u), p[u]);
    checkCredential(k(pw), p[pw]);
  }
  checkIpList(k('publishIPs'), p.publishIPs);
  checkIpList(k('readIPs'), p.readIPs);
  if (!isPublisher && (p.publishUser !== '' || p.publishIPs.length > 0)) {
    throw new ConfError(`'${k('publishUser')}' and '${k('publishIPs')}' can be used only when source is 'publisher'`);
  }
  if (conf.externalAuthenticationURL !== '' && (p.publishUser !== '' || p.readUser !== '' || p.publishIPs.length > 0 || p.readIPs.length > 0)) {
    throw new ConfError(`'${k('publishUser')}', 'readUser', 'publishIPs' and 'readIPs' can't be used together with 'externalAuthenticationURL'`);
  }
  if (p.source === 'rpiCamera') {
    const other = camIds.get(p.rpiCameraCamID);
    if (other !== undefined) throw new ConfError(`'${k('rpiCameraCamID')}': camera ${p.rpiCameraCamID} is already used by path '${other}'`);
    camIds.set(p.rpiCameraCamID, p.name);
  }
}

/** Rules that involve more than one key (MediaMTX v0.22.2's conf.go / path.go). */
export function validateConf(conf: Conf): void {
  if ((conf.readBufferCount & (conf.readBufferCount - 1)) !== 0) throw new ConfError(`invalid value for 'readBufferCount': must be a power of two`);
  if (conf.logDestinations.includes('file') && conf.logFile === '') throw new ConfError(`'logFile' is required when 'logDestinations' contains 'file'`);
  if (conf.protocols.length === 0) throw new ConfError(`invalid value for 'protocols': at least one protocol is required`);
  if (conf.encryption === 'strict' && (conf.protocols.includes('udp') || conf.protocols.includes('multicast'))) {
    throw new ConfError(`invalid value for 'encryption': strict encryption can't be used with the UDP or multicast transport (set 'protocols: [tcp]')`);
  }
  if (conf.authMethods.length === 0) throw new ConfError(`invalid value for 'authMethods': at least one method is required`);
  if (conf.externalAuthenticationURL !== '' && !/^https?:\/\//.test(conf.externalAuthenticationURL)) {
    throw new ConfError(`invalid value for 'externalAuthenticationURL': must start with http:// or https://`);
  }
  if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(conf.multicastIPRange)) throw new ConfError(`invalid value for 'multicastIPRange': expected a CIDR like 224.1.0.0/16`);
  const camIds = new Map<number, string>();
  for (const p of Object.values(conf.paths)) validatePath(conf, p, camIds);
}
