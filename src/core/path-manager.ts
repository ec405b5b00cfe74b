import type { Logger } from '../lib/index.ts';
import { findPathConf, isValidPathName, type PathConf } from '../conf/index.ts';
import type { Description } from '../formats/index.ts';
import type {
  AccessRequest, DescribeResult, PathAccess, Publisher, PublisherLease, Reader, ReaderLease,
} from './contracts.ts';
import type { Conf } from '../conf/index.ts';
import { InvalidPathNameError, InvalidStateError, NoStreamAvailableError, PathNotConfiguredError } from './errors.ts';
import { Path } from './path.ts';

/** What the path manager needs from authentication: resolve when allowed, reject with AuthError otherwise. */
export interface Authenticator {
  authenticate(req: AccessRequest, pathConf: PathConf): Promise<{ user: string }>;
}

/** Options of the PathManager. */
export interface PathManagerOptions {
  conf: Conf;
  auth: Authenticator;
  log: Logger;
  /** Port of the RTSP listener, exported to hooks as RTSP_PORT. */
  rtspPort: number;
}

/** A snapshot of one path for the API and metrics. */
export interface PathSnapshot {
  readonly name: string;
  readonly confName: string;
  readonly path: Path;
}

/**
 * Owns every Path: finds the configuration of a requested name, authenticates, creates paths on demand
 * (regexp/`all` paths) and removes them when idle.
 */
export class PathManager implements PathAccess {
  private readonly paths = new Map<string, Path>();
  private conf: Conf;
  private closed = false;

  constructor(private readonly opts: PathManagerOptions) {
    this.conf = opts.conf;
  }

  /** Creates the literal paths and starts their `runOnInit` commands. */
  start(): void {
    for (const pc of Object.values(this.conf.paths)) {
      if (pc.regexp) continue;
      this.createPath(pc.name, pc, []).start();
    }
  }

  /** Every path that exists now. */
  list(): PathSnapshot[] {
    return [...this.paths.values()].map((p) => ({ name: p.name, confName: p.conf.name, path: p }));
  }

  /** PathAccess: authenticate as publisher and take the path. */
  async addPublisher(req: AccessRequest, who: Publisher, desc: Description): Promise<PublisherLease> {
    const { pathConf, matches } = this.match(req.pathName);
    const { user } = await this.opts.auth.authenticate(req, pathConf);
    const path = this.getOrCreate(req.pathName, pathConf, matches);
    return path.addPublisher(who, desc, user);
  }

  /** PathAccess: authenticate as reader and attach to the path's stream. */
  async addReader(req: AccessRequest, who: Reader): Promise<ReaderLease> {
    const { pathConf, matches } = this.match(req.pathName);
    const { user } = await this.opts.auth.authenticate(req, pathConf);
    this.checkOpen();
    const existing = this.paths.get(req.pathName);
    if (!existing && pathConf.runOnDemand === '') throw new NoStreamAvailableError(req.pathName);
    const path = existing ?? this.getOrCreate(req.pathName, pathConf, matches);
    return path.addReader(who, user, req.query);
  }

  /** PathAccess: authenticate as reader and describe the path. */
  async describe(req: AccessRequest): Promise<DescribeResult> {
    const { pathConf, matches } = this.match(req.pathName);
    await this.opts.auth.authenticate(req, pathConf);
    this.checkOpen();
    const existing = this.paths.get(req.pathName);
    if (!existing) {
      // Don't create state for a path nobody feeds (RELIABILITY V18): answer from the configuration.
      if (pathConf.source === 'redirect') return { redirect: pathConf.sourceRedirect };
      if (pathConf.runOnDemand === '') {
        if (pathConf.fallback !== '') return { redirect: pathConf.fallback };
        throw new NoStreamAvailableError(req.pathName);
      }
    }
    return (existing ?? this.getOrCreate(req.pathName, pathConf, matches)).describe(req.query);
  }

  /** Closes every path. */
  close(): void {
    this.closed = true;
    for (const p of [...this.paths.values()]) p.close();
    this.paths.clear();
  }

  private match(pathName: string): { pathConf: PathConf; matches: string[] } {
    this.checkOpen();
    const invalid = isValidPathName(pathName);
    if (invalid !== undefined) throw new InvalidPathNameError(pathName, invalid);
    const found = findPathConf(this.conf, pathName);
    if (!found) throw new PathNotConfiguredError(pathName);
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
      name, conf, matches, log: this.opts.log, rtspPort: this.opts.rtspPort,
      onIdle: (p) => {
        // Literal paths live as long as their configuration; dynamic (regexp) ones go when idle.
        if (p.conf.regexp && this.paths.get(p.name) === p) { this.paths.delete(p.name); p.close(); }
      },
    });
    this.paths.set(name, path);
    return path;
  }
}
