import { randomInt } from 'node:crypto';
import type { Logger } from '../lib/index.ts';
import type { PathConf } from '../conf/index.ts';
import type { AccessRequest, Credentials } from './access-request.ts';
import { AuthError } from './auth-error.ts';
import { credentialsMatch, isHashedCredential } from './credential.ts';
import { ExternalAuthClient, externalAuthBody } from './external-auth.ts';
import { IpList } from './ip-list.ts';

/** Options of the AuthManager. */
export interface AuthManagerOptions {
  /** '' for internal authentication (path IP lists and users). */
  externalAuthenticationURL: string;
  /** Bound of one whole exchange with the external authentication server. */
  readTimeoutMs: number;
  log: Logger;
  /** Random delay of every refused attempt (docs/limits.md §Auth: ≥ 0.5 s, up to 4 s as MediaMTX HEAD). */
  failDelayMs?: { min: number; max: number };
}

/** Why a request was refused. */
interface Denial { reason: string; askCredentials: boolean; needsPlainPassword?: boolean }

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

/** Decides whether a request may publish or read a path: IP lists, internal credentials or an external HTTP server. */
export class AuthManager {
  private readonly ipLists = new WeakMap<readonly string[], IpList>();
  private readonly log: Logger;
  private external: ExternalAuthClient | undefined;
  private readonly failDelay: { min: number; max: number };
  private readonly pendingDelays = new Set<() => void>();
  private closed = false;

  constructor(opts: AuthManagerOptions) {
    this.log = opts.log.child('[auth]');
    this.failDelay = opts.failDelayMs ?? DEFAULT_FAIL_DELAY;
    this.external = opts.externalAuthenticationURL !== ''
      ? new ExternalAuthClient(opts.externalAuthenticationURL, opts.readTimeoutMs)
      : undefined;
  }

  /**
   * Resolves with the user when allowed; rejects with AuthError otherwise. A request without credentials that
   * credentials would fix is refused at once with askCredentials; every other refusal is logged (without the
   * password) and delayed by a random time, which slows brute force down (MediaMTX #5966).
   */
  async authenticate(req: AccessRequest, pathConf: PathConf): Promise<{ user: string }> {
    if (this.closed) throw new AuthError('authentication is shutting down', false);
    const denial = this.external ? await this.checkExternal(req) : this.checkInternal(req, pathConf);
    if (denial === undefined) return { user: req.credentials?.user ?? '' };
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
  update(opts: Pick<AuthManagerOptions, 'externalAuthenticationURL' | 'readTimeoutMs'>): void {
    // The old client is dropped, not closed: its in-flight checks end on their own, each bounded by its timeout.
    this.external = opts.externalAuthenticationURL !== ''
      ? new ExternalAuthClient(opts.externalAuthenticationURL, opts.readTimeoutMs)
      : undefined;
  }

  /** Aborts in-flight external requests and ends pending failure delays at once. */
  close(): void {
    this.closed = true;
    this.external?.close();
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
