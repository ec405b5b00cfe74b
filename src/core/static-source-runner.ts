import type { Logger } from '../lib/index.ts';
import type { PathConf } from '../conf/index.ts';
import type { Description } from '../formats/index.ts';
import type { SubStream } from '../stream/index.ts';
import type { StaticSource } from './contracts.ts';
import { streamCode } from './stream-code.ts';

// MediaMTX retries a failed or ended static source after this pause (internal/staticsources/handler.go).
const RETRY_PAUSE_MS = 5000;
// Distinct failure reasons logged while an upstream stays down; the rest only at debug level.
const MAX_REASONS_LOGGED = 4;

/** What the runner needs from its path. */
export interface StaticSourceRunnerHost {
  readonly conf: PathConf;
  readonly log: Logger;
  setReady(desc: Description): SubStream;
  setNotReady(): void;
}

/** Whether the upstream works, as far as the log is concerned: lines are written when this changes. */
type Health =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'up' }
  | { readonly kind: 'down'; readonly since: number; failures: number; readonly reasons: Set<string> };

/**
 * Runs a path's static source until stopped: each run ends when the upstream fails or ends, the stream goes not
 * ready, and the source is started again after a pause. Stopping aborts the run in progress and the pause.
 *
 * An upstream that stays down is retried forever, but logged once per change (it went down, why; it is back, after
 * how many attempts), not once per attempt: a camera that is off for a night must not write a line every 5 s.
 */
export class StaticSourceRunner {
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private retryTimer: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private health: Health = { kind: 'unknown' };
  /** Runs started since the runner was made, for tests and the API. */
  attempts = 0;

  constructor(private readonly source: StaticSource, private readonly url: string, private readonly host: StaticSourceRunnerHost,
    private readonly retryPauseMs = RETRY_PAUSE_MS) {}

  /** True between start() and stop(). */
  get isRunning(): boolean { return this.abort !== undefined; }

  /** Starts the run loop (no-op when running). */
  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.host.log.info('started');
    this.running = this.loop(abort.signal);
  }

  /** Aborts the source and waits for its run to end. */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) { await this.running; return; } // a stop in progress: wait for it too
    this.abort = undefined;
    abort.abort(new Error('source stopped'));
    if (this.retryTimer) { clearTimeout(this.retryTimer.timer); this.retryTimer.resolve(); this.retryTimer = undefined; }
    await this.running;
    this.health = { kind: 'unknown' };
    this.host.log.info('stopped');
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const { host } = this;
    while (!signal.aborted) {
      this.attempts++;
      let failure: string;
      try {
        // setReady makes the path's Stream synchronously; a failed import counts as a failed run, and is retried.
        await streamCode.load();
        if (signal.aborted) break;
        await this.source.run({
          url: this.url, conf: host.conf, signal, log: host.log,
          setReady: (desc) => {
            // A run that outlives its stop must not bring a stream back.
            if (signal.aborted) throw new Error('source stopped');
            this.onUp();
            return host.setReady(desc);
          },
          // Once stopped, the path has already dropped this run's stream (stopOnDemand, close), and a new run may
          // have brought another: a run that outlives its stop must not take that one down.
          setNotReady: () => { if (!signal.aborted) host.setNotReady(); },
        });
        failure = 'the source ended';
      } catch (err) {
        failure = (err as Error).message;
      }
      if (signal.aborted) break; // the path dropped the stream itself (see setNotReady above)
      host.setNotReady();
      this.onDown(failure);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.retryTimer = undefined; resolve(); }, this.retryPauseMs);
        this.retryTimer = { timer, resolve };
      });
    }
  }

  private onUp(): void {
    const h = this.health;
    if (h.kind === 'down') {
      const s = Math.round((Date.now() - h.since) / 1000);
      this.host.log.info(`the upstream is back after ${h.failures} failed ${h.failures === 1 ? 'attempt' : 'attempts'} in ${s}s`);
    }
    this.health = { kind: 'up' };
  }

  private onDown(reason: string): void {
    const h = this.health;
    const pause = `${this.retryPauseMs / 1000}s`;
    if (h.kind !== 'down') {
      this.host.log.error(`${h.kind === 'up' ? 'lost the upstream' : 'failed'}: ${reason}; retrying every ${pause}, the next failures are not logged unless their reason changes`);
      this.health = { kind: 'down', since: Date.now(), failures: 1, reasons: new Set([reason]) };
      return;
    }
    h.failures++;
    if (!h.reasons.has(reason) && h.reasons.size < MAX_REASONS_LOGGED) {
      h.reasons.add(reason);
      this.host.log.error(`still failing (attempt ${h.failures}): ${reason}`);
    } else {
      this.host.log.debug(`attempt ${h.failures} failed: ${reason}`);
    }
  }
}
