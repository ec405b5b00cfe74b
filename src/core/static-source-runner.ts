import type { Logger } from '../lib/index.ts';
import type { PathConf } from '../conf/index.ts';
import type { Description } from '../formats/index.ts';
import type { SubStream } from '../stream/index.ts';
import type { StaticSource } from './contracts.ts';

// MediaMTX retries a failed or ended static source after this pause (internal/staticsources/handler.go).
const RETRY_PAUSE_MS = 5000;

/** What the runner needs from its path. */
export interface StaticSourceRunnerHost {
  readonly conf: PathConf;
  readonly log: Logger;
  setReady(desc: Description): SubStream;
  setNotReady(): void;
}

/**
 * Runs a path's static source until stopped: each run ends when the upstream fails or ends, the stream goes not
 * ready, and the source is started again after a pause. Stopping aborts the run in progress and the pause.
 */
export class StaticSourceRunner {
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private retryTimer: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  constructor(private readonly source: StaticSource, private readonly url: string, private readonly host: StaticSourceRunnerHost,
    private readonly retryPauseMs = RETRY_PAUSE_MS) {}

  /** True between start() and stop(). */
  get isRunning(): boolean { return this.abort !== undefined; }

  /** Starts the run loop (no-op when running). */
  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.running = this.loop(abort.signal);
  }

  /** Aborts the source and waits for its run to end. */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    this.abort = undefined;
    abort.abort(new Error('source stopped'));
    if (this.retryTimer) { clearTimeout(this.retryTimer.timer); this.retryTimer.resolve(); this.retryTimer = undefined; }
    await this.running;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const { host } = this;
    while (!signal.aborted) {
      host.log.info('started');
      try {
        await this.source.run({
          url: this.url, conf: host.conf, signal, log: host.log,
          setReady: (desc) => host.setReady(desc),
          setNotReady: () => host.setNotReady(),
        });
        if (!signal.aborted) host.log.info('stopped: the source ended');
      } catch (err) {
        if (!signal.aborted) host.log.error(`stopped: ${(err as Error).message}`);
      }
      host.setNotReady();
      if (signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.retryTimer = undefined; resolve(); }, this.retryPauseMs);
        this.retryTimer = { timer, resolve };
      });
    }
  }
}
