import { deferred, type Deferred, type Logger } from '../lib/index.ts';
import type { PathConf } from '../conf/index.ts';
import type { Description } from '../formats/index.ts';
import { Stream } from '../stream/index.ts';
import { startHook, hookEnv, type HookHandle } from '../hooks/index.ts';
import type { DescribeResult, Publisher, PublisherLease, Reader, ReaderLease } from './contracts.ts';
import { InvalidStateError, NoStreamAvailableError, PathBusyError } from './errors.ts';
import { describeTracks } from './track-names.ts';

/** What feeds the path right now. */
type SourceState =
  | { readonly kind: 'none' }
  | { readonly kind: 'publisher'; readonly who: Publisher; readonly stream: Stream; readonly user: string; isReady: boolean };

/** State of the `runOnDemand` command (MediaMTX keeps these as parallel fields; here states that can't exist can't be built). */
type OnDemand =
  | { readonly kind: 'idle' }
  | { readonly kind: 'starting'; readonly hook: HookHandle; readonly readyTimer: NodeJS.Timeout; readonly waiters: Deferred<void>[] }
  | { readonly kind: 'ready'; readonly hook: HookHandle; closeTimer?: NodeJS.Timeout };

/** Options of a Path. */
export interface PathOptions {
  name: string;
  conf: PathConf;
  /** Regexp capture groups of the path name (G1..Gn). */
  matches: readonly string[];
  log: Logger;
  rtspPort: number;
  /** Called when the path has nothing left (no publisher, readers or on-demand command). */
  onIdle: (path: Path) => void;
}

/** One path: at most one publisher, any number of readers, and the hooks tied to them. */
export class Path {
  readonly name: string;
  readonly conf: PathConf;
  private source: SourceState = { kind: 'none' };
  private onDemand: OnDemand = { kind: 'idle' };
  private readonly readers = new Map<Reader, HookHandle | undefined>();
  private initHook: HookHandle | undefined;
  private readyHook: HookHandle | undefined;
  private closed = false;
  private readonly log: Logger;
  readonly created = new Date();

  constructor(private readonly opts: PathOptions) {
    this.name = opts.name;
    this.conf = opts.conf;
    this.log = opts.log.child(`[path ${opts.name}]`);
  }

  /** Starts `runOnInit` (literal paths only: MediaMTX rejects it on regexp paths at config time). */
  start(): void {
    if (this.conf.runOnInit !== '') {
      this.log.info('runOnInit command started');
      this.initHook = this.hook(this.conf.runOnInit, this.conf.runOnInitRestart);
    }
  }

  /** The current stream, when a publisher is ready. */
  get stream(): Stream | undefined { return this.readyStream(); }

  /** The current publisher, when any. */
  get publisher(): Publisher | undefined { return this.source.kind === 'publisher' ? this.source.who : undefined; }

  /** Readers currently attached. */
  get readerList(): Reader[] { return [...this.readers.keys()]; }

  /** True when nothing keeps the path alive. */
  isIdle(): boolean {
    return this.source.kind === 'none' && this.readers.size === 0 && this.onDemand.kind === 'idle';
  }

  /** Makes `who` the publisher, kicking the previous one unless `disablePublisherOverride`. */
  addPublisher(who: Publisher, desc: Description, user: string): PublisherLease {
    if (this.closed) throw new InvalidStateError('terminated');
    if (this.conf.source !== 'publisher') throw new InvalidStateError(`path '${this.name}' is assigned to a static source`);
    if (this.source.kind === 'publisher') {
      if (this.conf.disablePublisherOverride) throw new PathBusyError(this.name);
      const old = this.source.who;
      this.log.info(`closing existing publisher`);
      this.removePublisher(old);
      old.close(new Error('another publisher took over the path'));
    }
    const stream = new Stream(desc);
    const source = { kind: 'publisher' as const, who, stream, user, isReady: false };
    this.source = source;
    let released = false;
    return {
      pathName: this.name, user, subStream: stream, stream,
      start: () => { if (!released && this.source === source && !source.isReady) this.setReady(source); },
      release: () => { if (!released) { released = true; this.removePublisher(who); } },
    };
  }

  /** The publisher starts sending (RTSP RECORD, RTMP tracks known): readers may attach and runOnReady runs. */
  private setReady(source: Extract<SourceState, { kind: 'publisher' }>): void {
    source.isReady = true;
    const { who, stream } = source;
    this.log.info(`stream is ready and available, published by ${who.info.type} ${who.info.id} (${describeTracks(stream.description)})`);
    if (this.conf.runOnReady !== '') {
      this.log.info('runOnReady command started');
      this.readyHook = this.hook(this.conf.runOnReady, this.conf.runOnReadyRestart);
    }
    this.onPublisherReady();
  }

  private readyStream(): Stream | undefined {
    return this.source.kind === 'publisher' && this.source.isReady ? this.source.stream : undefined;
  }

  /** Adds a reader once a stream is available (starting `runOnDemand` when configured). */
  async addReader(who: Reader, user: string, query: string): Promise<ReaderLease> {
    const stream = await this.waitStream(query);
    if (this.closed) throw new InvalidStateError('terminated');
    const readHook = this.conf.runOnRead !== '' ? this.hook(this.conf.runOnRead, this.conf.runOnReadRestart, query) : undefined;
    this.readers.set(who, readHook);
    if (this.onDemand.kind === 'ready' && this.onDemand.closeTimer) {
      clearTimeout(this.onDemand.closeTimer);
      this.onDemand.closeTimer = undefined;
    }
    this.log.info(`${who.info.type} ${who.info.id} is reading`);
    let released = false;
    return {
      pathName: this.name, user, stream,
      release: () => { if (!released) { released = true; this.removeReader(who); } },
    };
  }

  /** Answers DESCRIBE: a redirect, or the stream (waiting for an on-demand publisher). */
  async describe(query: string): Promise<DescribeResult> {
    if (this.conf.source === 'redirect') return { redirect: this.conf.sourceRedirect };
    if (!this.readyStream() && this.conf.runOnDemand === '' && this.conf.fallback !== '') {
      return { redirect: this.conf.fallback };
    }
    return { stream: await this.waitStream(query) };
  }

  /** Closes everything tied to the path. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const err = new InvalidStateError('terminated');
    if (this.source.kind === 'publisher') {
      const who = this.source.who;
      this.removePublisher(who);
      who.close(err);
    }
    for (const r of [...this.readers.keys()]) { this.removeReader(r); r.close(err); }
    this.stopOnDemand(err);
    void this.initHook?.close();
    this.initHook = undefined;
  }

  private async waitStream(query: string): Promise<Stream> {
    const ready = this.readyStream();
    if (ready) return ready;
    if (this.conf.runOnDemand === '' || this.closed) throw new NoStreamAvailableError(this.name);
    if (this.onDemand.kind === 'idle') this.startOnDemand(query);
    if (this.onDemand.kind !== 'starting') throw new NoStreamAvailableError(this.name);
    const d = deferred<void>();
    this.onDemand.waiters.push(d);
    await d.promise;
    // Re-read after the await: the publisher may have come and gone meanwhile.
    const now = this.readyStream();
    if (!now) throw new NoStreamAvailableError(this.name);
    return now;
  }

  private startOnDemand(query: string): void {
    this.log.info('runOnDemand command started');
    const hook = this.hook(this.conf.runOnDemand, this.conf.runOnDemandRestart, query);
    const readyTimer = setTimeout(() => {
      this.log.info('runOnDemand command stopped: source did not become ready in time');
      this.stopOnDemand(new NoStreamAvailableError(this.name));
      this.checkIdle();
    }, this.conf.runOnDemandStartTimeout);
    this.onDemand = { kind: 'starting', hook, readyTimer, waiters: [] };
  }

  private onPublisherReady(): void {
    if (this.onDemand.kind !== 'starting') return;
    const { hook, readyTimer, waiters } = this.onDemand;
    clearTimeout(readyTimer);
    this.onDemand = { kind: 'ready', hook };
    for (const w of waiters) w.resolve();
    this.scheduleOnDemandClose();
  }

  private scheduleOnDemandClose(): void {
    if (this.onDemand.kind !== 'ready' || this.readers.size > 0 || this.onDemand.closeTimer) return;
    const state = this.onDemand;
    state.closeTimer = setTimeout(() => {
      state.closeTimer = undefined;
      if (this.onDemand !== state) return;
      this.log.info('runOnDemand command stopped: not needed anymore');
      if (this.source.kind === 'publisher') {
        const who = this.source.who;
        this.removePublisher(who);
        who.close(new Error('the on-demand command was stopped'));
      }
      this.stopOnDemand(new NoStreamAvailableError(this.name));
      this.checkIdle();
    }, this.conf.runOnDemandCloseAfter);
  }

  private stopOnDemand(err: Error): void {
    const s = this.onDemand;
    if (s.kind === 'idle') return;
    if (s.kind === 'starting') { clearTimeout(s.readyTimer); for (const w of s.waiters) w.reject(err); }
    if (s.kind === 'ready' && s.closeTimer) clearTimeout(s.closeTimer);
    this.onDemand = { kind: 'idle' };
    void s.hook.close();
  }

  private removePublisher(who: Publisher): void {
    if (this.source.kind !== 'publisher' || this.source.who !== who) return;
    const { stream, isReady } = this.source;
    this.source = { kind: 'none' };
    stream.close();
    void this.readyHook?.close();
    this.readyHook = undefined;
    if (isReady) this.log.info('stream is not available anymore');
    const err = new Error(`the stream of path '${this.name}' is not available anymore`);
    for (const r of [...this.readers.keys()]) { this.removeReader(r); r.close(err); }
    if (this.onDemand.kind === 'ready') this.stopOnDemand(err);
    this.checkIdle();
  }

  private removeReader(who: Reader): void {
    if (!this.readers.has(who)) return;
    void this.readers.get(who)?.close();
    this.readers.delete(who);
    this.log.info(`${who.info.type} ${who.info.id} stopped reading`);
    this.scheduleOnDemandClose();
    this.checkIdle();
  }

  private checkIdle(): void {
    if (!this.closed && this.isIdle()) this.opts.onIdle(this);
  }

  private hook(command: string, restart: boolean, query?: string): HookHandle {
    const env = hookEnv({ pathName: this.name, rtspPort: this.opts.rtspPort, matches: [...this.opts.matches], query });
    return startHook({ command, restart, env, log: this.log });
  }
}
