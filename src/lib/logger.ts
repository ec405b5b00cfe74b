import { appendFileSync } from 'node:fs';
import { createSocket, type Socket } from 'node:dgram';
import { redactSecrets } from './redact-url.ts';

/** Log levels in MediaMTX order: a logger prints its level and everything more severe. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Where log lines go, as MediaMTX's `logDestinations`. */
export type LogDestination = 'stdout' | 'file' | 'syslog';

const LEVEL_RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const LEVEL_TAG: Record<LogLevel, string> = { error: 'ERR', warn: 'WAR', info: 'INF', debug: 'DEB' };
// RFC 5424 severities: err=3, warning=4, info=6, debug=7; facility daemon=3.
const SYSLOG_SEVERITY: Record<LogLevel, number> = { error: 3, warn: 4, info: 6, debug: 7 };

/** Options of the root logger. */
export interface LoggerOptions {
  level: LogLevel;
  destinations: readonly LogDestination[];
  file?: string;
  /** Replaces stdout, for tests. */
  sink?: (line: string) => void;
}

/** Shared output state of a logger tree. */
class LogOutput {
  private syslog: Socket | undefined;
  constructor(public opts: LoggerOptions) { this.openSyslog(); }

  /** Takes new level, destinations and file (a configuration reload); the test sink stays. */
  reconfigure(next: Omit<LoggerOptions, 'sink'>): void {
    this.opts = { ...next, ...(this.opts.sink ? { sink: this.opts.sink } : {}) };
    if (!next.destinations.includes('syslog')) { this.syslog?.close(); this.syslog = undefined; } else this.openSyslog();
  }

  private openSyslog(): void {
    if (this.syslog || !this.opts.destinations.includes('syslog')) return;
    const socket = createSocket('udp4');
    socket.unref();
    socket.on('error', () => { if (this.syslog === socket) this.syslog = undefined; });
    this.syslog = socket;
  }

  write(level: LogLevel, text: string): void {
    const line = `${formatTime(new Date())} ${LEVEL_TAG[level]} ${text}`;
    if (this.opts.sink) { this.opts.sink(line); return; }
    for (const d of this.opts.destinations) {
      if (d === 'stdout') process.stdout.write(line + '\n');
      else if (d === 'file' && this.opts.file) {
        try { appendFileSync(this.opts.file, line + '\n'); } catch { /* a full disk must not stop streaming */ }
      } else if (d === 'syslog' && this.syslog) {
        const msg = Buffer.from(`<${3 * 8 + SYSLOG_SEVERITY[level]}>mediamtx: ${LEVEL_TAG[level]} ${text}`);
        this.syslog.send(msg, 514, '127.0.0.1');
      }
    }
  }

  close(): void { this.syslog?.close(); this.syslog = undefined; }
}

/** `2026/11/24 12:00:00`, MediaMTX's timestamp layout, in local time. */
export function formatTime(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Logger with MediaMTX's line format and a prefix chain (`[RTSP] [conn 1.2.3.4:5000] …`). */
export class Logger {
  private constructor(private readonly out: LogOutput, private readonly prefix: string) {}

  /** Creates a root logger. */
  static create(opts: LoggerOptions): Logger { return new Logger(new LogOutput(opts), ''); }

  /** A logger that prints nothing, for tests and tools. */
  static silent(): Logger { return Logger.create({ level: 'error', destinations: [], sink: () => {} }); }

  /** Applies new logging settings to this logger and every child (hot reload of logLevel, logDestinations, logFile). */
  reconfigure(opts: Omit<LoggerOptions, 'sink'>): void { this.out.reconfigure(opts); }

  /** A child whose lines start with this logger's prefix followed by `prefix`. */
  child(prefix: string): Logger { return new Logger(this.out, this.prefix + prefix + ' '); }

  /** True when lines of `level` are printed. */
  enabled(level: LogLevel): boolean { return LEVEL_RANK[level] <= LEVEL_RANK[this.out.opts.level]; }

  /**
   * Prints a line when `level` is enabled. Every line goes through redactSecrets, so a URL, query or header that
   * reaches a log (a source URL, a client's request, an error message) never prints its password (docs/limits.md §Logs).
   */
  log(level: LogLevel, msg: string): void { if (this.enabled(level)) this.out.write(level, redactSecrets(this.prefix + msg)); }
  error(msg: string): void { this.log('error', msg); }
  warn(msg: string): void { this.log('warn', msg); }
  info(msg: string): void { this.log('info', msg); }
  debug(msg: string): void { this.log('debug', msg); }

  /** Releases the syslog socket. */
  close(): void { this.out.close(); }
}
