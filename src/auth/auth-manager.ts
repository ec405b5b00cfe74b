import { randomInt } from 'node:crypto';
import type { Logger } from '../lib/index.ts';
import type { PathConf } from '../conf/index.ts';
import type { AccessRequest, Credentials } from './access-request.ts';
import { AuthError } from './auth-error.ts';
import { credentialsMatch, isHashedCredential } from './credential.ts';
import { ExternalAuthClient, externalAuthBody } from './external-auth.ts';
import { IpList } from './ip-list.ts';
import type { AuthRequest, Denial } from './auth-request.ts';
import { AuthV1, type AuthV1Settings } from './auth-v1.ts';

/** Options of the AuthManager. */
export interface AuthManagerOptions {
  /** '' for internal authentication (path IP lists and users). */
  externalAuthenticationURL: string;
  /** Bound of one whole exchange with the external authentication server. */
  readTimeoutMs: number;
  log: Logger;
  /** Random delay of every refused attempt (docs/limits.md §Auth: ≥ 0.5 s, up to 4 s as MediaMTX HEAD). */
  failDelayMs?: { min: number; max: number };
  /**
   * MediaMTX v1.x authentication (a file that uses the v1.x auth keys): when set, it decides every request, path
   * configurations are not read, and api/metrics/pprof need their permission. Absent: v0.22.2 behaviour.
   */
  v1?: AuthV1Settings | undefined;
}

const DEFAULT_FAIL_DELAY = { min: 500, max: 4000 };
// A user name is peer input: only characters that cannot forge a log line or a fail2ban match are kept as they are.
const LOG_SAFE_USER = /[^A-Za-z0-9!$()*+.;<=>[\]^_\-{}@#&~]/g;
const MAX_LOGGED_USER = 64;

/** False when a client sent nothing usable as credentials (clients first try without any). */
function carriesCredentials(c: Credentials | undefined): c is Credentials {
  if (c === undefined) return false;
  return !(c.kind === 'plain' && c.user === '' && c.pass === '');
}

/** Renders a user name for the failure log: percent-encoded outside a safe set, quoted, shortened. */
export function logSafeUser(user: string): string {
  const short = user.length > MAX_LOGGED_USER ? user.slice(0, MAX_LOGGED_USER) : user;
  const enc = short.replace(LOG_SAFE_USER, (ch) => encodeURIComponent(ch).replace(/'/g, '%27'));
  return `'${enc}${short === user ? '' : '…'}'`;
}

/**
 * Decides whether a request may go on: v0.22.2 path IP lists, credentials or external HTTP server, or MediaMTX v1.x
 * authentication (internal users with permissions, HTTP, JWT) when `v1` is set.
 */
export class AuthManager {
  private readonly ipLists = new WeakMap<readonly string[], IpList>();
  private readonly log: Logger;
  private external: ExternalAuthClient | undefined;
  private v1: AuthV1 | undefined;
  private readonly failDelay: { min: number; max: number };
  private readonly pendingDelays = new Set<() => void>();
  private closed = false;

  constructor(opts: AuthManagerOptions) {
    this.log = opts.log.child('[auth]');
    this.failDelay = opts.failDelayMs ?? DEFAULT_FAIL_DELAY;
    this.external = opts.externalAuthenticationURL !== ''
      ? new ExternalAuthClient(opts.externalAuthenticationURL, opts.readTimeoutMs)
      : undefined;
    this.v1 = this.makeV1(opts);
  }

  /** True when MediaMTX v1.x authentication is on: api/metrics/pprof requests must then be authenticated. */
  get isV1(): boolean { return this.v1 !== undefined; }

  /**
   * Authenticates a request for any v1.x action (api, metrics and pprof included), with the same failure log and
   * delay as authenticate(). Without v1.x authentication, api/metrics/pprof are allowed (v0.22.2 had no such check)
   * and publish/read/playback are refused: they go through authenticate() with their path configuration.
   */
  async authenticateRequest(req: AuthRequest): Promise<{ user: string }> {
    if (this.closed) throw new AuthError('authentication is shutting down', false);
    if (!this.v1) {
      if (req.action === 'api' || req.action === 'metrics' || req.action === 'pprof') return { user: '' };
      throw new AuthError(`action ${req.action} needs a path configuration`, false);
    }
    const verdict = await this.v1.check(req);
    if ('user' in verdict) return verdict;
    return this.refuse(req, verdict.denial, false);
  }

  /** Makes the next JWT check fetch the JWK Set again (`POST /v3/auth/jwks/refresh`); nothing without JWT auth. */
  refreshJwks(): void { this.v1?.refreshJwks(); }

  /**
   * Resolves with the user when allowed; rejects with AuthError otherwise. A request without credentials that
   * credentials would fix is refused at once with askCredentials; every other refusal is logged (without the
   * password) and delayed by a random time, which slows brute force down (MediaMTX #5966).
   */
  async authenticate(req: AccessRequest, pathConf: PathConf, opts: { isRecheck?: boolean; hasAuthChanged?: boolean } = {}): Promise<{ user: string }> {
    if (this.closed) throw new AuthError('authentication is shutting down', false);
    // A recheck after a change of the path's own credentials, which external authentication and JWTs do not use, is
    // answered at once; after a change of the authentication settings (hasAuthChanged) every method checks again.
    const isPathOnly = opts.isRecheck === true && opts.hasAuthChanged !== true;
    if (isPathOnly && (this.external || (this.v1 && this.v1.settings.method !== 'internal'))) return { user: req.credentials?.user ?? '' };
    if (this.v1) {
      const verdict = await this.v1.check(req);
      if ('user' in verdict) return verdict;
      return this.refuse(req, verdict.denial, opts.isRecheck ?? false);
    }
    const denial = this.external ? await this.checkExternal(req) : this.checkInternal(req, pathConf);
    if (denial === undefined) return { user: req.credentials?.user ?? '' };
    return this.refuse(req, denial, opts.isRecheck ?? false);
  }

  /**
   * authenticate() when it allows at once: the internal rules of v0.22.2 (readUser/readPass, readIPs) let the request
   * in. Undefined with external or v1.x authentication, and for a refusal: authenticate() then logs and delays it.
   */
  allowedNow(req: AccessRequest, pathConf: PathConf): { user: string } | undefined {
    if (this.closed || this.v1 || this.external || this.checkInternal(req, pathConf) !== undefined) return undefined;
    return { user: req.credentials?.user ?? '' };
  }

  /** Throws the AuthError of a denial; attempts with credentials are logged (never the password) and delayed first. */
  private async refuse(req: AuthRequest, denial: Denial, isRecheck: boolean): Promise<never> {
    // A client already in is not guessing passwords: no brute-force delay and no failure log for it.
    if (isRecheck) throw new AuthError(denial.reason, false);
    const plainOnly = denial.needsPlainPassword ?? false;
    if (denial.askCredentials) throw new AuthError(denial.reason, true, plainOnly);
    this.log.warn(`authentication failed for ${logSafeUser(req.credentials?.user ?? '')} from ${req.ip}: ${denial.reason}`);
    await this.delayFailure();
    throw new AuthError(denial.reason, false, plainOnly);
  }

  /**
   * Takes new settings (a configuration reload): requests from now on use the new external authentication URL and
   * timeout; requests in flight finish against the old server.
   */
  update(opts: Pick<AuthManagerOptions, 'externalAuthenticationURL' | 'readTimeoutMs' | 'v1'>): void {
    // The old clients are dropped, not closed: their in-flight checks end on their own, each bounded by its timeout.
    this.external = opts.externalAuthenticationURL !== ''
      ? new ExternalAuthClient(opts.externalAuthenticationURL, opts.readTimeoutMs)
      : undefined;
    this.v1 = this.makeV1(opts);
  }

  private makeV1(opts: Pick<AuthManagerOptions, 'readTimeoutMs' | 'v1'>): AuthV1 | undefined {
    return opts.v1 ? new AuthV1(opts.v1, opts.readTimeoutMs, (ips, ip) => this.ipAllowed(ips, ip)) : undefined;
  }

  /** Aborts in-flight external requests and ends pending failure delays at once. */
  close(): void {
    this.closed = true;
    this.external?.close();
    this.v1?.close();
    for (const end of [...this.pendingDelays]) end();
  }

  private checkInternal(req: AccessRequest, pc: PathConf): Denial | undefined {
    const publish = req.action === 'publish';
    const ips = publish ? pc.publishIPs : pc.readIPs;
    // v0.22.2 answers a refused IP without a challenge: credentials would not help.
    if (ips.length > 0 && !this.ipAllowed(ips, req.ip)) return { reason: 'IP not allowed', askCredentials: false };
    const user = publish ? pc.publishUser : pc.readUser;
    const pass = publish ? pc.publishPass : pc.readPass;
    if (user === '') return undefined;
    const needsPlainPassword = isHashedCredential(user) || isHashedCredential(pass);
    if (!carriesCredentials(req.credentials)) return { reason: 'credentials required', askCredentials: true, needsPlainPassword };
    if (credentialsMatch(req.credentials, user, pass)) return undefined;
    return { reason: 'invalid credentials', askCredentials: false, needsPlainPassword };
  }

  private async checkExternal(req: AccessRequest): Promise<Denial | undefined> {
    const reason = await this.external!.check(externalAuthBody(req));
    if (reason === undefined) return undefined;
    // The server may refuse anonymous requests so that clients retry with credentials (MediaMTX docs).
    return { reason, askCredentials: !carriesCredentials(req.credentials) && !this.closed };
  }

  private delayFailure(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const { min, max } = this.failDelay;
    const ms = max > min ? randomInt(min, max + 1) : min;
    return new Promise((resolve) => {
      const end = (): void => { clearTimeout(timer); this.pendingDelays.delete(end); resolve(); };
      const timer = setTimeout(end, ms);
      this.pendingDelays.add(end);
    });
  }

  /** Lists are parsed once per configuration array; a list that does not parse (conf validation prevents it) allows no one. */
  private ipAllowed(entries: readonly string[], ip: string): boolean {
    let l = this.ipLists.get(entries);
    if (!l) {
      try {
        l = new IpList(entries);
      } catch (err) {
        this.log.error((err as Error).message);
        return false;
      }
      this.ipLists.set(entries, l);
    }
    return l.contains(ip);
  }
}
