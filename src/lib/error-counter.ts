import type { Logger } from './logger.ts';

/** Counts per-frame errors and logs at most once per interval: "N decode errors, last was: …". */
export class ErrorCounter {
  private pending = 0;
  private last = '';
  private timer: NodeJS.Timeout | undefined;
  total = 0;

  constructor(private readonly log: Logger, private readonly what = 'decode errors', private readonly intervalMs = 1000) {}

  /** Records one error. */
  add(err: Error | string): void {
    this.total++;
    this.pending++;
    this.last = typeof err === 'string' ? err : err.message;
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  private flush(): void {
    this.timer = undefined;
    if (this.pending === 0) return;
    this.log.warn(`${this.pending} ${this.what}, last was: ${this.last}`);
    this.pending = 0;
  }

  /** Stops the timer, logging what is pending. */
  close(): void {
    if (this.timer) { clearTimeout(this.timer); this.flush(); }
  }
}
