import type { Conf, PathConf } from './conf-types.ts';
import { ConfError } from './conf-error.ts';
import { V1_GLOBAL_KEYS } from './keys-v1.ts';
import { parseValue } from './value-parsers.ts';
import { isIpOrCidr } from './network-lists.ts';
import type { KeyLocator } from './conf-error.ts';

type Globals = Record<string, unknown>;

/**
 * The two eras' HTTP authentication are one setting: v0.22.2's `externalAuthenticationURL` is v1.x's
 * `authMethod: http` + `authHTTPAddress` (upstream converts the old key into both). The file may use either form, not
 * both; the configuration then holds both, in agreement, so the server (which reads `externalAuthenticationURL`)
 * checks with the URL whichever way it was written.
 */
export function reconcileHttpAuth(g: Globals, written: ReadonlyMap<string, string>): void {
  const oldLoc = written.get('externalAuthenticationURL');
  const newKey = ['authHTTPAddress', 'authMethod'].find((k) => written.has(k));
  if (oldLoc !== undefined && newKey !== undefined) {
    throw new ConfError(`'externalAuthenticationURL'${oldLoc} and '${newKey}'${written.get(newKey)!} are the old and new forms of one setting: keep one`);
  }
  if (g.externalAuthenticationURL !== '') {
    g.authMethod = 'http';
    g.authHTTPAddress = g.externalAuthenticationURL;
  } else if (g.authMethod === 'http') {
    g.externalAuthenticationURL = g.authHTTPAddress;
  }
}

// Keys that only a MediaMTX v1.x authentication setup writes; confs read from such a file are remembered here.
const V1_AUTH_KEYS = ['authMethod', 'authInternalUsers', 'authHTTPAddress', 'authHTTPExclude', 'authJWTJWKS', 'authJWTClaimKey', 'authJWTExclude', 'authJWTIssuer', 'authJWTAudience'];
const v1AuthConfs = new WeakSet<object>();

/** Remembers that `conf` was read from a file (or object) or environment that set one of the v1.x authentication keys. */
export function noteV1Auth(conf: Conf, written: { has(key: string): boolean }): void {
  if (V1_AUTH_KEYS.some((k) => written.has(k))) v1AuthConfs.add(conf);
}

/**
 * True when MediaMTX v1.x authentication applies: the file or a variable set a v1.x auth key (`authMethod`,
 * `authInternalUsers`, `authHTTPAddress`, `authJWT*` …). A v0.22.2 file (`externalAuthenticationURL`, per-path credentials) keeps v0.22.2
 * behaviour: the v0.22.2 HTTP body, per-path checks, and no check on the API, metrics and pprof.
 */
export function usesV1Auth(conf: Conf): boolean { return v1AuthConfs.has(conf); }

const HTTP_URL = /^https?:\/\//;
// Plain credentials: MediaMTX's allowed characters; hashed ones are `sha256:` or (v1.5+) `argon2:`.
const CREDENTIAL_CHARS = /^[a-zA-Z0-9!$()*+.;<=>[\]^_\-{}@#&]+$/;

function hasLegacyCredentials(p: Omit<PathConf, 'name' | 'regexp'>): boolean {
  return p.publishUser !== '' || p.publishPass !== '' || p.publishIPs.length > 0 || p.readUser !== '' || p.readPass !== '' || p.readIPs.length > 0;
}

const DEFAULT_USERS = JSON.stringify(parseValue(V1_GLOBAL_KEYS.authInternalUsers.kind, V1_GLOBAL_KEYS.authInternalUsers.def, false));

/** True when the file changed `authInternalUsers` from upstream's default. */
export function hasCustomUsers(conf: Pick<Conf, 'authInternalUsers'>): boolean {
  return JSON.stringify(conf.authInternalUsers) !== DEFAULT_USERS;
}

/** MediaMTX v1.x's rules on the authentication keys (conf.go), with each message naming its key and line. */
export function validateAuthV1(conf: Conf, locate: KeyLocator): void {
  // An entry of a list has no line of its own here: the list's line is given.
  const bad = (key: string, reason: string): ConfError => new ConfError(`invalid value for '${key}'${locate(key.replace(/\.\d+$/, ''))}: ${reason}`);
  const legacy = [conf.pathDefaults, ...Object.values(conf.paths)].some(hasLegacyCredentials);
  if (legacy && hasCustomUsers(conf)) {
    throw bad('authInternalUsers', 'it can\'t be used together with the legacy credentials (publishUser, publishPass, publishIPs, readUser, readPass, readIPs)');
  }
  switch (conf.authMethod) {
    case 'internal':
      conf.authInternalUsers.forEach((u, i) => {
        const key = `authInternalUsers.${i}`;
        if (u.user === '') throw bad(key, 'empty usernames are not supported');
        if (u.user === 'any' && u.pass !== '') throw bad(key, 'using a password with \'any\' user is not supported');
        for (const c of [u.user, u.pass]) {
          if (c !== '' && !c.startsWith('sha256:') && !c.startsWith('argon2:') && !CREDENTIAL_CHARS.test(c)) {
            throw bad(key, 'credentials can contain only letters, digits and !$()*+.;<=>[]^_-{}@#& (or use sha256: or argon2:)');
          }
        }
        const ip = u.ips.find((e) => !isIpOrCidr(e));
        if (ip !== undefined) throw bad(key, `'${ip}' is not an IP address or CIDR`);
      });
      break;
    case 'http':
      // Written as externalAuthenticationURL, the URL is checked under that name (validateConf).
      if (locate('externalAuthenticationURL') === '' && !HTTP_URL.test(conf.authHTTPAddress)) throw bad('authHTTPAddress', 'it must be an http:// or https:// URL when \'authMethod\' is http');
      break;
    case 'jwt':
      if (!HTTP_URL.test(conf.authJWTJWKS)) throw bad('authJWTJWKS', 'it must be an http:// or https:// URL when \'authMethod\' is jwt');
      if (conf.authJWTClaimKey === '') throw bad('authJWTClaimKey', 'it is required when \'authMethod\' is jwt');
      break;
  }
}
