import { TypedEmitter, type Logger } from '../lib/index.ts';
import { findPathConf, isValidPathName, type PathConf } from '../conf/index.ts';
import type { Description } from '../formats/index.ts';
import type {
  AccessRequest, DescribeResult, PathAccess, PathEvents, PathSnapshot, Publisher, PublisherLease, Reader, ReaderLease,
  StaticSource, StaticSourceFactory,
} from './contracts.ts';
import { AuthError } from '../auth/index.ts';
import { InvalidPathNameError, InvalidStateError, NoStreamAvailableError, PathNotConfiguredError } from './errors.ts';
import { Path, isStaticSource, type PathObserver } from './path.ts';
import { pathChange } from './path-conf-change.ts';
import { streamCode } from './stream-code.ts';

/** What the path manager needs from authentication: resolve when allowed, reject with AuthError otherwise. */
export interface Authenticator {
  /**
   * `isRecheck`: a client already in is checked against new credentials (no failure delay, no brute-force log);
   * `hasAuthChanged`: the authentication settings themselves changed, so every method checks again.
   */
  authenticate(req: AccessRequest, pathConf: PathConf, opts?: { isRecheck?: boolean; hasAuthChanged?: boolean }): Promise<{ user: string }>;
  /**
   * authenticate() when it can allow at once, without a wait: the user, or undefined when authenticate() has to
   * decide (another method, or a refusal, which it logs and delays).
   */
  allowedNow?(req: AccessRequest, pathConf: PathConf): { user: string } | undefined;
}

/** A path name's entry in `paths`, and its regexp groups. */
interface PathMatch { readonly pathConf: PathConf; readonly matches: string[] }

// Names match() remembers; past this many (a client trying names) it starts over.
const MATCH_CACHE_NAMES = 1024;

/** Path keys that decide who may publish or read. */
const ACCESS_KEYS = ['publishUser', 'publishPass', 'publishIPs', 'readUser', 'readPass', 'readIPs'] as const;

/** Options of the PathManager. */
export interface PathManagerOptions {
  /** The `paths` section of the configuration. */
  paths: Readonly<Record<string, PathConf>>;
  auth: Authenticator;
  log: Logger;
  /** Port of the RTSP listener, exported to hooks as RTSP_PORT. */
  rtspPort: number;
  /** Static source makers by `source` prefix, registered by the app (core knows no protocol). */
  sourceFactories?: readonly StaticSourceFactory[];
  /** Pause between static source runs (MediaMTX's 5 s when absent); tests shorten it. */
  sourceRetryPauseMs?: number;
}

/** True when a reader's request may create the path and start something: runOnDemand or an on-demand static source. */
function startsOnDemand(pc: PathConf): boolean {
  return pc.runOnDemand !== '' || (isStaticSource(pc.source) && pc.sourceOnDemand);
}

/**
 * Owns every Path: finds the configuration of a requested name, authenticates, creates paths on demand
 * (regexp/`all` paths), removes them when idle, and applies new path configurations.
 */
export class PathManager implements PathAccess {
  /** Path readiness and readers, for observers (API, metrics, always-on muxers). */
  readonly events: TypedEmitter<PathEvents>;
  private readonly paths = new Map<string, Path>();
  private confs: Readonly<Record<string, PathConf>>;
  private closed = false;
  private readonly observer: PathObserver;
  private readonly unsupportedLogged = new Set<string>();
  /** The request each publisher and reader was let in with, to check it again when the path's credentials change. */
  private readonly grants = new WeakMap<Publisher | Reader, AccessRequest>();
  /** What authorize() found, by request object, until the joining call that follows uses it (once). */
  private readonly authorized = new WeakMap<AccessRequest, { pathConf: PathConf; user: string }>();
  private sourceFactories: readonly StaticSourceFactory[];
  /** Path names already matched against the `paths` section `of` (match()). */
  private matched: { of: Readonly<Record<string, PathConf>>; byName: Map<string, PathMatch> } = { of: {}, byName: new Map() };

  constructor(private readonly opts: PathManagerOptions) {
    this.confs = opts.paths;
    this.sourceFactories = opts.sourceFactories ?? [];
    this.events = new TypedEmitter<PathEvents>((err) => opts.log.error(`path event listener: ${(err as Error).message}`));
    this.observer = {
      onIdle: (p) => {
        // Literal paths live as long as their configuration; dynamic (regexp) ones go when idle.
        if (p.conf.regexp && this.paths.get(p.name) === p) { this.paths.delete(p.name); void p.close(); }
      },
      onReady: (p, stream) => this.events.emit('pathReady', p.name, stream),
      onNotReady: (p) => this.events.emit('pathNotReady', p.name),
      onReaderAdded: (p, r) => this.events.emit('readerAdded', p.name, r),
      onReaderRemoved: (p, r) => this.events.emit('readerRemoved', p.name, r),
    };
  }

  /** Creates the literal paths and starts their `runOnInit` commands and always-on sources. */
  start(): void {
    for (const pc of Object.values(this.confs)) {
      if (!pc.regexp) this.createPath(pc.name, pc, []).start();
    }
  }

  /** Read-only views of every path that exists now. */
  list(): PathSnapshot[] {
    return [...this.paths.values()].map((p) => p.snapshot());
  }

  /**
   * Applies a new `paths` section: paths whose configuration is gone or changed in a way they can't take live are
   * closed (their clients too) and literal ones recreated; live changes (credentials, IP lists) are applied in place;
   * every other path and its clients are left alone. A dynamic path that now matches another entry is closed.
   */
  async updatePathConfs(next: Readonly<Record<string, PathConf>>): Promise<void> {
    this.checkOpen();
    this.confs = next;
    const closing: Promise<void>[] = [];
    const rechecks: Promise<void>[] = [];
    for (const path of [...this.paths.values()]) {
      const found = findPathConf({ paths: next }, path.name);
      const change = found && found.pathConf.name === path.conf.name ? pathChange(path.conf, found.pathConf) : 'recreate';
      if (change === 'live') {
        const accessChanged = ACCESS_KEYS.some((k) => JSON.stringify(path.conf[k]) !== JSON.stringify(found!.pathConf[k]));
        path.updateConf(found!.pathConf);
        if (accessChanged) rechecks.push(this.recheck(path, found!.pathConf));
      }
      if (change !== 'recreate') continue;
      this.paths.delete(path.name);
      closing.push(path.close());
    }
    await Promise.all([...closing, ...rechecks]);
    // Closed meanwhile (shutdown): paths made now would never be closed, nor their runOnInit stopped.
    if (this.closed) return;
    for (const pc of Object.values(next)) {
      // A publisher may have made a literal path while the old ones were closing (getOrCreate does not start it):
      // it is started now, so its runOnInit runs as for any other literal path.
      if (!pc.regexp) (this.paths.get(pc.name) ?? this.createPath(pc.name, pc, [])).start();
    }
  }

  /**
   * Checks every publisher and reader again after the authentication settings changed (a reload that edits
   * `authInternalUsers`, `authMethod`…): those the new settings refuse are closed, the others stay.
   */
  async recheckAll(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.paths.values()].map((p) => this.recheck(p, p.conf, true)));
  }

  /** Static sources started from now on are made by these (new timeouts, say); running ones keep their connection. */
  setSourceFactories(factories: readonly StaticSourceFactory[]): void {
    this.sourceFactories = factories;
  }

  /** PathAccess: authenticate as publisher and take the path. */
  async addPublisher(req: AccessRequest, who: Publisher, desc: Description): Promise<PublisherLease> {
    // The path makes the publisher's Stream synchronously: its code is loaded (once) while the request is checked.
    const [{ pathConf, matches, user }] = await Promise.all([this.authenticated(req), streamCode.load()]);
    // Refused before a path is made for it: a dynamic path created only to refuse would never be removed.
    if (pathConf.source !== 'publisher') {
      throw new InvalidStateError(`path '${req.pathName}' is ${pathConf.source === 'redirect' ? 'a redirect' : 'assigned to a static source'}`);
    }
    const path = this.getOrCreate(req.pathName, pathConf, matches);
    const lease = path.addPublisher(who, desc, user, req.query);
    this.grants.set(who, req);
    return lease;
  }

  /** PathAccess: authenticate as reader and attach to the path's stream. */
  async addReader(req: AccessRequest, who: Reader): Promise<ReaderLease> {
    const { pathConf, matches, user } = await this.authenticated(req);
    const existing = this.paths.get(req.pathName);
    if (!existing && !startsOnDemand(pathConf)) throw new NoStreamAvailableError(req.pathName);
    const path = existing ?? this.getOrCreate(req.pathName, pathConf, matches);
    const lease = await path.addReader(who, user, req.query);
    this.grants.set(who, req);
    return lease;
  }

  /** PathAccess: authenticate as reader and describe the path. */
  async describe(req: AccessRequest): Promise<DescribeResult> {
    const { pathConf, matches } = await this.authenticated(req);
    const existing = this.paths.get(req.pathName);
    if (!existing) {
      // Don't create state for a path nobody feeds (docs/limits.md §Paths): answer from the configuration.
      if (pathConf.source === 'redirect') return { redirect: pathConf.sourceRedirect };
      if (!startsOnDemand(pathConf)) {
        if (pathConf.fallback !== '') return { redirect: pathConf.fallback };
        throw new NoStreamAvailableError(req.pathName);
      }
    }
    return (existing ?? this.getOrCreate(req.pathName, pathConf, matches)).describe(req.query);
  }

  /**
   * PathAccess: describe() when nothing has to be waited for, which is most requests of an HLS player (ten a second):
   * the name already matched, authentication allowed at once, the path's stream ready. Undefined otherwise; describe()
   * then decides, refusals included.
   */
  describeNow(req: AccessRequest): DescribeResult | undefined {
    const allowedNow = this.opts.auth.allowedNow;
    if (this.closed || allowedNow === undefined || this.matched.of !== this.confs) return undefined;
    const m = this.matched.byName.get(req.pathName);
    if (m === undefined || m.pathConf.source === 'redirect' || allowedNow.call(this.opts.auth, req, m.pathConf) === undefined) return undefined;
    const stream = this.paths.get(req.pathName)?.stream;
    return stream === undefined ? undefined : { stream };
  }

  /**
   * Checks the publisher and readers of a path again after its credentials or IP lists changed: those the new
   * settings still let in stay connected; the others are closed, as if they had come now.
   */
  private async recheck(path: Path, pc: PathConf, hasAuthChanged = false): Promise<void> {
    const who = [...(path.publisher ? [path.publisher] : []), ...path.readerList];
    await Promise.all(who.map(async (p) => {
      const req = this.grants.get(p);
      if (!req) return;
      try {
        await this.opts.auth.authenticate(req, pc, { isRecheck: true, hasAuthChanged });
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        this.opts.log.info(`[path ${path.name}] ${p.info.type} ${p.info.id} is not allowed anymore: ${err.message}`);
        p.close(new Error(`not allowed anymore by the new configuration: ${err.message}`));
      }
    }));
  }

  /** Closes every path and waits for their static sources to stop. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.paths.values()];
    this.paths.clear();
    await Promise.all(all.map((p) => p.close()));
  }

  /** Finds the path's configuration and authenticates; the configuration is looked up again after the await. */
  /** PathAccess: authenticate only; the next joining call with the same request object uses this answer once. */
  async authorize(req: AccessRequest): Promise<void> {
    const found = await this.authenticated(req);
    this.authorized.set(req, { pathConf: found.pathConf, user: found.user });
  }

  private async authenticated(req: AccessRequest): Promise<{ pathConf: PathConf; matches: string[]; user: string }> {
    const known = this.authorized.get(req);
    if (known) {
      this.authorized.delete(req);
      const now = this.match(req.pathName);
      // Kept only if no reload replaced the configuration it was taken against.
      if (now.pathConf === known.pathConf) return { ...now, user: known.user };
    }
    const before = this.match(req.pathName);
    const { user } = await this.opts.auth.authenticate(req, before.pathConf);
    const after = this.match(req.pathName);
    // A reload during authentication: the decision was taken against a configuration that no longer applies.
    if (after.pathConf !== before.pathConf) throw new InvalidStateError('the path configuration changed, retry');
    return { ...after, user };
  }

  private match(pathName: string): PathMatch {
    this.checkOpen();
    // Names matched against the current `paths`: an HLS reader asks twice per request, ten requests a second, and
    // each look-up checks the name and may run every regexp entry. A new `paths` section starts a new cache.
    if (this.matched.of !== this.confs) this.matched = { of: this.confs, byName: new Map() };
    const known = this.matched.byName.get(pathName);
    if (known) return known;
    const invalid = isValidPathName(pathName);
    if (invalid !== undefined) throw new InvalidPathNameError(pathName, invalid);
    const found = findPathConf({ paths: this.confs }, pathName);
    if (!found) throw new PathNotConfiguredError(pathName);
    if (this.matched.byName.size >= MATCH_CACHE_NAMES) this.matched.byName.clear();
    this.matched.byName.set(pathName, found);
    return found;
  }

  private checkOpen(): void {
    if (this.closed) throw new InvalidStateError('terminated');
  }

  private getOrCreate(name: string, pathConf: PathConf, matches: string[]): Path {
    this.checkOpen();
    return this.paths.get(name) ?? this.createPath(name, pathConf, matches);
  }

  private createPath(name: string, conf: PathConf, matches: string[]): Path {
    const path = new Path({
      name, conf, matches, log: this.opts.log, rtspPort: this.opts.rtspPort, observer: this.observer,
      createSource: (url, pc) => this.createSource(url, pc), sourceRetryPauseMs: this.opts.sourceRetryPauseMs,
    });
    this.paths.set(name, path);
    return path;
  }

  private createSource(url: string, conf: PathConf): StaticSource | undefined {
    const factory = this.sourceFactories.find((f) => f.prefixes.some((p) => url.startsWith(p)));
    if (factory) return factory.create(url, conf);
    if (isStaticSource(url) && !this.unsupportedLogged.has(conf.name)) {
      this.unsupportedLogged.add(conf.name);
      this.opts.log.warn(`[path ${conf.name}] source '${url}' is not supported yet: the path has no stream`);
    }
    return undefined;
  }
}
