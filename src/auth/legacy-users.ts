import type { ConfAuthInternalUser, PathConf } from '../conf/index.ts';

/** The parts of a configuration the legacy conversion reads. */
export interface LegacyCredentialsSource {
  readonly pathDefaults: Omit<PathConf, 'name' | 'regexp'>;
  readonly paths: Readonly<Record<string, PathConf>>;
}

const LOCALHOST = ['127.0.0.1/32', '::1/128'];

/** True when a path section sets one of the v0.22 credential keys (publishUser … readIPs). */
function hasLegacy(p: Omit<PathConf, 'name' | 'regexp'>): boolean {
  return p.publishUser !== '' || p.publishPass !== '' || p.publishIPs.length > 0 || p.readUser !== '' || p.readPass !== '' || p.readIPs.length > 0;
}

/** True when `pathDefaults` or a path sets publishUser, publishPass, publishIPs, readUser, readPass or readIPs. */
export function usesLegacyCredentials(src: LegacyCredentialsSource): boolean {
  return hasLegacy(src.pathDefaults) || Object.values(src.paths).some(hasLegacy);
}

// Go's sort.Strings: byte order of the UTF-8 text (code-unit order differs only outside the BMP).
function byteOrder(a: string, b: string): number { return Buffer.compare(Buffer.from(a), Buffer.from(b)); }

/**
 * The `authInternalUsers` MediaMTX v1.x builds from the deprecated per-path keys (HEAD internal/conf conf.go
 * "deprecated credentials mode" and path.go validate): `any` may play back, `any` from localhost gets api, metrics and
 * pprof, then for each path in name order one publish user and one read user on that path (`~^.*$` for `all` /
 * `all_others`). A missing user is `any`, a missing IP list is `0.0.0.0/0` (so IPv6 clients are refused, as upstream).
 */
export function legacyInternalUsers(src: LegacyCredentialsSource): ConfAuthInternalUser[] {
  const users: ConfAuthInternalUser[] = [
    { user: 'any', pass: '', ips: [], permissions: [{ action: 'playback', path: '' }] },
    { user: 'any', pass: '', ips: LOCALHOST, permissions: [{ action: 'api', path: '' }, { action: 'metrics', path: '' }, { action: 'pprof', path: '' }] },
  ];
  for (const name of Object.keys(src.paths).sort(byteOrder)) {
    const p = src.paths[name]!;
    const path = name === 'all' || name === 'all_others' ? '~^.*$' : name;
    users.push(
      { user: p.publishUser || 'any', pass: p.publishPass, ips: p.publishIPs.length > 0 ? p.publishIPs : ['0.0.0.0/0'], permissions: [{ action: 'publish', path }] },
      { user: p.readUser || 'any', pass: p.readPass, ips: p.readIPs.length > 0 ? p.readIPs : ['0.0.0.0/0'], permissions: [{ action: 'read', path }] },
    );
  }
  return users;
}
