import { deferred, type Deferred, type Logger } from '../lib/index.ts';
import type { PathConf } from '../conf/index.ts';
import type { Description } from '../formats/index.ts';
import type { Stream, SubStream } from '../stream/index.ts';
import { startHook, startHookPair, hookEnv, type HookHandle, type HookPair } from '../hooks/index.ts';
import type {
  DescribeResult, ParticipantInfo, PathSnapshot, Publisher, PublisherLease, Reader, ReaderLease, StaticSource,
} from './contracts.ts';
import { InvalidStateError, NoStreamAvailableError, PathBusyError } from './errors.ts';
import { describeTracks } from './track-names.ts';
import { pathSnapshot } from './path-snapshot.ts';
import { StaticSourceRunner } from './static-source-runner.ts';
import { streamCode } from './stream-code.ts';

/** What feeds the path right now. */
type SourceState =
  | { readonly kind: 'none' }
  | { readonly kind: 'publisher'; readonly who: Publisher; readonly stream: Stream; readonly user: string; isReady: boolean }
  | { readonly kind: 'static'; readonly source: StaticSource; readonly runner: StaticSourceRunner; stream: Stream | undefined };

/** What an on-demand start runs: the `runOnDemand` command (with runOnUnDemand), or the path's static source (`sourceOnDemand`). */
type OnDemandTrigger = { readonly kind: 'hook'; readonly hook: HookPair } | { readonly kind: 'source' };

/** On-demand state (MediaMTX keeps these as parallel fields; here states that can't exist can't be built). */
type OnDemand =
  | { readonly kind: 'idle' }
  | { readonly kind: 'starting'; readonly trigger: OnDemandTrigger; readonly readyTimer: NodeJS.Timeout; readonly waiters: Deferred<void>[] }
  | { readonly kind: 'ready'; readonly trigger: OnDemandTrigger; closeTimer?: NodeJS.Timeout };

/** What a path tells its manager. */
export interface PathObserver {
  /** The path has nothing left (no publisher, readers or on-demand start). */
  onIdle(path: Path): void;
  onReady(path: Path, stream: Stream): void;
  onNotReady(path: Path): void;
  onReaderAdded(path: Path, reader: ParticipantInfo): void;
  onReaderRemoved(path: Path, reader: ParticipantInfo): void;
}

/** Options of a Path. */
export interface PathOptions {
  name: string;
  conf: PathConf;
  /** Regexp capture groups of the path name (G1..Gn). */
  matches: readonly string[];
  log: Logger;
  rtspPort: number;
  /** Makes the static source of a `source` value, or undefined when no factory handles it. */
  createSource: (url: string, conf: PathConf) => StaticSource | undefined;
  observer: PathObserver;
  /** Pause between static source runs (MediaMTX's 5 s); tests shorten it. */
  sourceRetryPauseMs?: number;
}

/** True when a `source` value names something the server pulls rather than a publisher or a redirect. */
export function isStaticSource(source: string): boolean { return source !== 'publisher' && source !== 'redirect'; }

/**
 * A source URL with the regexp groups of the path name put in place of `$G1`, `$G2`… (MediaMTX v1.4+), so that one
 * `~^(.+)$` entry proxies every path of an origin. Higher numbers go first, so `$G10` is not read as `$G1` + `0`.
 */
export function expandSourceUrl(source: string, matches: readonly string[]): string {
  let out = source;
  // matches[0] is G1 (the groups, without the whole match).
  for (let i = matches.length; i >= 1; i--) out = out.replaceAll(`$G${i}`, matches[i - 1] ?? '');
  return out;
}

/** One path: at most one publisher or static source, any number of readers, and the hooks tied to them. */
export class Path {
  readonly name: string;
  private currentConf: PathConf;
  private source: SourceState = { kind: 'none' };
  private onDemand: OnDemand = { kind: 'idle' };
  /** Readers and their runOnRead/runOnUnread pair. */
  private readonly readers = new Map<Reader, HookPair>();
  private initHook: HookHandle | undefined;
  /** runOnReady/runOnUnavailable and runOnOnline/runOnOffline of the current stream. */
  private streamHooks: { readonly available: HookPair; readonly online: HookPair } | undefined;
  private closed = false;
  /** start() ran (runOnInit and an always-on source are started once). */
  private started = false;
  /** True while addPublisher swaps publishers, when the path is momentarily idle but about to have a publisher again. */
  private isReplacingPublisher = false;
  /** When the current stream became ready (the API's readyTime). */
  private readyTime: Date | undefined;
  private readonly log: Logger;
  readonly created = new Date();

  constructor(private readonly opts: PathOptions) {
    this.name = opts.name;
    this.currentConf = opts.conf;
    this.log = opts.log.child(`[path ${opts.name}]`);
    if (isStaticSource(opts.conf.source)) {
      const url = expandSourceUrl(opts.conf.source, opts.matches);
      const source = opts.createSource(url, opts.conf);
      if (source) {
        const runner = new StaticSourceRunner(source, url, {
          conf: opts.conf, log: this.log.child(`[${source.label}]`),
          setReady: (desc) => this.setSourceReady(desc), setNotReady: () => this.setSourceNotReady(),
        }, opts.sourceRetryPauseMs);
        this.source = { kind: 'static', source, runner, stream: undefined };
      }
    }
  }

  /** The path's configuration (replaced by live updates). */
  get conf(): PathConf { return this.currentConf; }

  /** Starts `runOnInit` and an always-on static source (literal paths only, as in MediaMTX). */
  start(): void {
    // Idempotent: a reload starts every literal path, including one a request created while the reload was waiting.
    if (this.started || this.closed) return;
    this.started = true;
    if (this.conf.runOnInit !== '') {
      this.log.info('runOnInit command started');
      this.initHook = startHook({ command: this.conf.runOnInit, restart: this.conf.runOnInitRestart, env: this.env(), log: this.log });
    }
    if (this.source.kind === 'static' && !this.conf.sourceOnDemand) this.source.runner.start();
  }

  /** Takes a configuration that differs only in keys a running path can take (see pathChange). */
  updateConf(next: PathConf): void { this.currentConf = next; }

  /** The current stream, when ready. */
  get stream(): Stream | undefined { return this.readyStream(); }

  /** The current publisher, when any. */
  get publisher(): Publisher | undefined { return this.source.kind === 'publisher' ? this.source.who : undefined; }

  /** Readers currently attached. */
  get readerList(): Reader[] { return [...this.readers.keys()]; }

  /** True when nothing keeps the path alive (a static source counts while it runs or has a stream). */
  isIdle(): boolean {
    const s = this.source;
    const isSourceIdle = s.kind === 'none' || (s.kind === 'static' && !s.runner.isRunning && !s.stream);
    return isSourceIdle && this.readers.size === 0 && this.onDemand.kind === 'idle';
  }

  /** A plain-data view for the API and metrics. */
  snapshot(): PathSnapshot {
    const s = this.source;
    return pathSnapshot({
      name: this.name, confName: this.conf.name,
      source: s.kind === 'publisher' ? s.who.info : s.kind === 'static' ? s.source.info : undefined,
      stream: this.readyStream(), readyTime: this.readyTime, readers: [...this.readers.keys()].map((r) => r.info),
    });
  }

  /** Makes `who` the publisher, kicking the previous one unless `disablePublisherOverride`; `query` is its request's (MTX_QUERY). */
  addPublisher(who: Publisher, desc: Description, user: string, query = ''): PublisherLease {
    if (this.closed) throw new InvalidStateError('terminated');
    if (this.conf.source !== 'publisher') throw new InvalidStateError(`path '${this.name}' is assigned to a static source`);
    if (this.source.kind === 'publisher') {
      if (this.conf.disablePublisherOverride) throw new PathBusyError(this.name);
      const old = this.source.who;
      this.log.info(`closing existing publisher`);
      // Between the old publisher leaving and the new one arriving the path looks idle: a dynamic path must not be
      // removed (and closed) meanwhile, or the new publisher would publish to a path readers can no longer find.
      this.isReplacingPublisher = true;
      try {
        this.removePublisher(old);
        old.close(new Error('another publisher took over the path'));
      } finally {
        this.isReplacingPublisher = false;
      }
    }
    const stream = new (streamCode.get().Stream)(desc);
    const source = { kind: 'publisher' as const, who, stream, user, isReady: false };
    this.source = source;
    let released = false;
    return {
      pathName: this.name, user, subStream: stream, stream,
      start: () => {
        if (released || this.source !== source || source.isReady) return;
        source.isReady = true;
        this.onStreamReady(stream, who.info, query);
      },
      release: () => { if (!released) { released = true; this.removePublisher(who); } },
    };
  }

  /** Adds a reader once a stream is available (starting an on-demand command or source when configured). */
  async addReader(who: Reader, user: string, query: string): Promise<ReaderLease> {
    const stream = await this.waitStream(query);
    if (this.closed) throw new InvalidStateError('terminated');
    // The stream may have gone (publisher left or replaced) between waitStream's answer and now: a reader attached
    // to it would never be closed, keeping its runOnRead running and the path alive.
    if (this.readyStream() !== stream) throw new NoStreamAvailableError(this.name);
    const c = this.conf;
    this.readers.set(who, startHookPair({
      name: 'runOnRead', command: c.runOnRead, restart: c.runOnReadRestart, offName: 'runOnUnread', offCommand: c.runOnUnread,
      env: this.env(query, { MTX_READER_TYPE: who.info.type, MTX_READER_ID: who.info.id }), log: this.log,
    }));
    if (this.onDemand.kind === 'ready' && this.onDemand.closeTimer) {
      clearTimeout(this.onDemand.closeTimer);
      this.onDemand.closeTimer = undefined;
    }
    this.log.info(`${who.info.type} ${who.info.id} is reading`);
    this.opts.observer.onReaderAdded(this, who.info);
    let released = false;
    return {
      pathName: this.name, user, stream,
      release: () => { if (!released) { released = true; this.removeReader(who); } },
    };
  }

  /** Answers DESCRIBE: a redirect, or the stream (waiting for an on-demand start). */
  async describe(query: string): Promise<DescribeResult> {
    if (this.conf.source === 'redirect') return { redirect: this.conf.sourceRedirect };
    if (!this.readyStream() && !this.hasOnDemand() && this.conf.fallback !== '') return { redirect: this.conf.fallback };
    return { stream: await this.waitStream(query) };
  }

  /** Closes everything tied to the path; resolves once its static source has stopped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new InvalidStateError('terminated');
    // On-demand first, so that runOnDemand stops for this reason rather than because its publisher left.
    this.stopOnDemand(err, 'path destroyed');
    const s = this.source;
    if (s.kind === 'publisher') {
      this.removePublisher(s.who);
      s.who.close(err);
    }
    for (const r of [...this.readers.keys()]) { this.removeReader(r); r.close(err); }
    void this.initHook?.close();
    this.initHook = undefined;
    if (s.kind === 'static') {
      // The stream goes now, as in stopOnDemand: a run slow to end must not keep runOnReady going meanwhile.
      const stopping = s.runner.stop();
      this.setSourceNotReady();
      await stopping;
    }
  }

  private readyStream(): Stream | undefined {
    const s = this.source;
    if (s.kind === 'publisher') return s.isReady ? s.stream : undefined;
    return s.kind === 'static' ? s.stream : undefined;
  }

  /** True when a reader's request can start something (runOnDemand, or a static source with sourceOnDemand). */
  private hasOnDemand(): boolean {
    return this.conf.runOnDemand !== '' || (this.source.kind === 'static' && this.conf.sourceOnDemand);
  }

  /** A stream became ready: log, runOnReady and runOnOnline, waiting on-demand readers, observers. */
  private onStreamReady(stream: Stream, by: ParticipantInfo, query: string): void {
    this.readyTime = new Date();
    this.log.info(`stream is ready and available, published by ${by.type} ${by.id} (${describeTracks(stream.description)})`);
    const c = this.conf;
    // MediaMTX v1: MTX_QUERY is the publisher's query ('' for a static source), set even when empty.
    const env = this.env(query, { MTX_SOURCE_TYPE: by.type, MTX_SOURCE_ID: by.id });
    const available = startHookPair({
      name: 'runOnReady', command: c.runOnReady, restart: c.runOnReadyRestart, offName: 'runOnUnavailable', offCommand: c.runOnUnavailable, env, log: this.log,
    });
    // Without alwaysAvailable (not built) a stream is online exactly while it is available, as in MediaMTX.
    const online = startHookPair({
      name: 'runOnOnline', command: c.runOnOnline, restart: c.runOnOnlineRestart, offName: 'runOnOffline', offCommand: c.runOnOffline, env, log: this.log,
    });
    this.streamHooks = { available, online };
    this.onDemandReady();
    this.opts.observer.onReady(this, stream);
  }

  /** A stream went away: runOnOnline, then readers, then runOnReady stop (MediaMTX's setNotAvailable order); observers learn it. */
  private onStreamGone(stream: Stream): void {
    stream.close();
    this.readyTime = undefined;
    const hooks = this.streamHooks;
    this.streamHooks = undefined;
    this.log.info('stream is not available anymore');
    void hooks?.online.stop();
    const err = new Error(`the stream of path '${this.name}' is not available anymore`);
    for (const r of [...this.readers.keys()]) { this.removeReader(r); r.close(err); }
    void hooks?.available.stop();
    this.opts.observer.onNotReady(this);
  }

  private setSourceReady(desc: Description): SubStream {
    const s = this.source;
    if (s.kind !== 'static' || this.closed) throw new InvalidStateError('terminated');
    if (s.stream) this.setSourceNotReady();
    const stream = new (streamCode.get().Stream)(desc);
    s.stream = stream;
    this.onStreamReady(stream, s.source.info, '');
    return stream;
  }

  private setSourceNotReady(): void {
    const s = this.source;
    if (s.kind !== 'static' || !s.stream) return;
    const stream = s.stream;
    s.stream = undefined;
    this.onStreamGone(stream);
    // An on-demand source that lost its upstream stops; the next reader starts it again (MediaMTX's path.go).
    if (this.onDemand.kind === 'ready' && this.onDemand.trigger.kind === 'source') {
      this.stopOnDemand(new NoStreamAvailableError(this.name), 'the stream is not available anymore');
      this.checkIdle();
    }
  }

  private async waitStream(query: string): Promise<Stream> {
    const ready = this.readyStream();
    if (ready) return ready;
    if (!this.hasOnDemand() || this.closed) {
      // A dynamic path made for this request (say, an on-demand source no factory handles) goes again at once:
      // otherwise every name a client tries would leave a path behind.
      this.checkIdle();
      throw new NoStreamAvailableError(this.name);
    }
    if (this.onDemand.kind === 'idle') this.startOnDemand(query);
    if (this.onDemand.kind !== 'starting') throw new NoStreamAvailableError(this.name);
    const d = deferred<void>();
    this.onDemand.waiters.push(d);
    await d.promise;
    // Re-read after the await: the stream may have come and gone meanwhile.
    const now = this.readyStream();
    if (!now) throw new NoStreamAvailableError(this.name);
    return now;
  }

  private startOnDemand(query: string): void {
    const s = this.source;
    let trigger: OnDemandTrigger;
    let timeoutMs: number;
    if (s.kind === 'static') {
      this.log.info('on-demand source started');
      s.runner.start();
      trigger = { kind: 'source' };
      timeoutMs = this.conf.sourceOnDemandStartTimeout;
    } else {
      const c = this.conf;
      trigger = { kind: 'hook', hook: startHookPair({
        name: 'runOnDemand', command: c.runOnDemand, restart: c.runOnDemandRestart, offName: 'runOnUnDemand', offCommand: c.runOnUnDemand,
        env: this.env(query), log: this.log,
      }) };
      timeoutMs = this.conf.runOnDemandStartTimeout;
    }
    const readyTimer = setTimeout(() => {
      this.stopOnDemand(new NoStreamAvailableError(this.name), 'source did not become ready in time');
      this.checkIdle();
    }, timeoutMs);
    this.onDemand = { kind: 'starting', trigger, readyTimer, waiters: [] };
  }

  private onDemandReady(): void {
    if (this.onDemand.kind !== 'starting') return;
    const { trigger, readyTimer, waiters } = this.onDemand;
    clearTimeout(readyTimer);
    this.onDemand = { kind: 'ready', trigger };
    for (const w of waiters) w.resolve();
    this.scheduleOnDemandClose();
  }

  private scheduleOnDemandClose(): void {
    if (this.onDemand.kind !== 'ready' || this.readers.size > 0 || this.onDemand.closeTimer) return;
    const state = this.onDemand;
    const afterMs = state.trigger.kind === 'source' ? this.conf.sourceOnDemandCloseAfter : this.conf.runOnDemandCloseAfter;
    state.closeTimer = setTimeout(() => {
      state.closeTimer = undefined;
      if (this.onDemand !== state) return;
      // Stopped first, so that the publisher leaving below does not stop it for another reason.
      this.stopOnDemand(new NoStreamAvailableError(this.name), 'not needed anymore');
      if (this.source.kind === 'publisher') {
        const who = this.source.who;
        this.removePublisher(who);
        who.close(new Error('the on-demand command was stopped'));
      }
      this.checkIdle();
    }, afterMs);
  }

  /** Ends an on-demand start: runOnDemand stops (launching runOnUnDemand) or the static source stops; `reason` is logged. */
  private stopOnDemand(err: Error, reason: string): void {
    const s = this.onDemand;
    if (s.kind === 'idle') return;
    if (s.kind === 'starting') { clearTimeout(s.readyTimer); for (const w of s.waiters) w.reject(err); }
    if (s.kind === 'ready' && s.closeTimer) clearTimeout(s.closeTimer);
    this.onDemand = { kind: 'idle' };
    if (s.trigger.kind === 'hook') void s.trigger.hook.stop(reason);
    else if (this.source.kind === 'static') {
      this.log.info(`on-demand source stopped: ${reason}`);
      // The stream goes at once (the runner stops in the background), so that the path is idle now.
      this.setSourceNotReady();
      void this.source.runner.stop();
    }
  }

  private removePublisher(who: Publisher): void {
    if (this.source.kind !== 'publisher' || this.source.who !== who) return;
    const { stream, isReady } = this.source;
    this.source = { kind: 'none' };
    if (isReady) {
      this.onStreamGone(stream);
    } else {
      stream.close();
    }
    if (this.onDemand.kind === 'ready') this.stopOnDemand(new Error(`the stream of path '${this.name}' is not available anymore`), 'the publisher left');
    this.checkIdle();
  }

  private removeReader(who: Reader): void {
    if (!this.readers.has(who)) return;
    void this.readers.get(who)?.stop();
    this.readers.delete(who);
    this.log.info(`${who.info.type} ${who.info.id} stopped reading`);
    this.opts.observer.onReaderRemoved(this, who.info);
    this.scheduleOnDemandClose();
    this.checkIdle();
  }

  private checkIdle(): void {
    if (!this.closed && !this.isReplacingPublisher && this.isIdle()) this.opts.observer.onIdle(this);
  }

  /** MediaMTX's hook variables of this path, with MTX_QUERY when a request caused the hook and what it says about itself. */
  private env(query?: string, extra?: Record<string, string>): Record<string, string> {
    return hookEnv({ pathName: this.name, rtspPort: this.opts.rtspPort, matches: this.opts.matches, ...(query !== undefined ? { query } : {}), ...(extra ? { extra } : {}) });
  }
}
