import { randomInt } from 'node:crypto';
import type { Logger } from '../lib/index.ts';
import type { PathConf } from '../conf/index.ts';
import type { AccessRequest } from './access-request.ts';
import { AuthError } from './auth-error.ts';
import { credentialsMatch } from './credential.ts';
import { callExternalAuth, externalAuthBody } from './external-auth.ts';
import { IpList } from './ip-list.ts';

/** Options of the AuthManager. */
export interface AuthManagerOptions {
  externalAuthenticationURL: string;
  readTimeoutMs: number;
  log: Logger;
  /** Random delay of every failed attempt that carried credentials (RELIABILITY D7: ≥ 0.5 s, up to 4 s). */
  failDelayMs?: { min: number; max: number };
}

/** Decides whether a request may publish or read a path: IP lists, internal credentials or an external HTTP server. */
export class AuthManager {
  private readonly abort = new AbortController();
  private readonly ipLists = new WeakMap<readonly string[], IpList>();
  private readonly log: Logger;

  constructor(private readonly opts: AuthManagerOptions) {
    this.log = opts.log.child('[auth]');
  }

  /** Resolves with the user when allowed; rejects with AuthError otherwise. */
  async authenticate(req: AccessRequest, pathConf: PathConf): Promise<{ user: string }> {
    const hasCredentials = req.credentials !== undefined && req.credentials.user !== '';
    const reason = this.opts.externalAuthenticationURL !== ''
      ? await this.external(req)
      : this.internal(req, pathConf);
    if (reason === undefined) return { user: req.credentials?.user ?? '' };
    if (!hasCredentials) throw new AuthError(reason, true);
    // Log for fail2ban and slow down brute force; the password never appears.
    this.log.info(`authentication failed for '${req.credentials?.user ?? ''}' from ${req.ip}: ${reason}`);
    const { min, max } = this.opts.failDelayMs ?? { min: 500, max: 4000 };
    await new Promise((r) => setTimeout(r, min >= max ? min : randomInt(min, max)));
    throw new AuthError(reason, false);
  }

  /** Aborts in-flight external requests. */
  close(): void { this.abort.abort(); }

  /** Returns undefined when allowed, else the reason. */
  private internal(req: AccessRequest, pc: PathConf): string | undefined {
    const publish = req.action === 'publish';
    const ips = publish ? pc.publishIPs : pc.readIPs;
    if (ips.length > 0 && !this.ipList(ips).contains(req.ip)) return `IP ${req.ip} not allowed`;
    const user = publish ? pc.publishUser : pc.readUser;
    const pass = publish ? pc.publishPass : pc.readPass;
    if (user === '') return undefined;
    if (!req.credentials) return 'credentials required';
    return credentialsMatch(req.credentials, user, pass) ? undefined : 'invalid credentials';
  }

  private async external(req: AccessRequest): Promise<string | undefined> {
    const ok = await callExternalAuth(this.opts.externalAuthenticationURL, externalAuthBody(req), this.opts.readTimeoutMs, this.abort.signal);
    return ok ? undefined : 'external authentication failed';
  }

  private ipList(entries: readonly string[]): IpList {
    let l = this.ipLists.get(entries);
    if (!l) { l = new IpList(entries); this.ipLists.set(entries, l); }
    return l;
  }
}
