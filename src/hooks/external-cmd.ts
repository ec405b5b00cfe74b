import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../lib/index.ts';
import { expandArgs, splitCommandLine } from './command-line.ts';
import { inheritedEnv, isSecretEnvName } from './inherited-env.ts';

/** A running hook; close() stops it (and what it started) and cancels restarts. */
export interface HookHandle {
  /** Resolves once the command is gone (≤ killGraceMs + 3 s). */
  close(): Promise<void>;
}

/** Options of a hook. */
export interface HookOptions {
  /** Command line, split with shell quoting rules and run without a shell. '' = no command. */
  command: string;
  /** Start the command again after it exits. */
  restart: boolean;
  /** Hook variables (see hookEnv), added to the process environment and expanded in the arguments. */
  env: Readonly<Record<string, string>>;
  log: Logger;
  /** Pause before a restart (MediaMTX externalcmd restartPause: 5 s). */
  restartPauseMs?: number;
  /** Time between SIGINT and SIGKILL when stopping (docs/limits.md §Shutdown: all hooks gone within 5 s). */
  killGraceMs?: number;
  /** Called each time the command exits or fails to start, unless close() was called (MediaMTX OnExit). */
  onExit?: (what: string) => void;
}

const DEFAULT_RESTART_PAUSE_MS = 5000;
const DEFAULT_KILL_GRACE_MS = 2000;
// After SIGKILL a process exits at once unless stuck in the kernel; close() does not wait for that forever.
const AFTER_KILL_WAIT_MS = 3000;

/** Process environment without its secrets (inheritedEnv, docs/limits.md §Hooks), plus the hook variables. */
function childEnv(extra: Readonly<Record<string, string>>): Record<string, string> {
  const env = inheritedEnv();
  for (const [k, v] of Object.entries(extra)) if (!isSecretEnvName(k)) env[k] = v;
  return env;
}

/** Signals a whole process group; returns the error unless it is ESRCH (the group is already gone). */
function signalGroup(pgid: number, sig: NodeJS.Signals): Error | undefined {
  try {
    process.kill(-pgid, sig);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? undefined : (err as Error);
  }
}

/**
 * An external command run for an event (runOnConnect, runOnReady…), as MediaMTX's externalcmd.Cmd: no shell,
 * its own process group so stopping it also stops what it started (MediaMTX #3087), optional restart after exit.
 */
export class ExternalCmd implements HookHandle {
  private readonly argv: readonly string[];
  private readonly env: Record<string, string>;
  private child: ChildProcess | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  /** Starts the command at once; a line that cannot be split or started is logged, never thrown. */
  constructor(private readonly opts: HookOptions) {
    this.env = childEnv(opts.env);
    let argv: string[] = [];
    try {
      argv = expandArgs(splitCommandLine(opts.command), opts.env);
    } catch (err) {
      opts.log.error(`command '${opts.command}' not started: ${(err as Error).message}`);
    }
    this.argv = argv;
    if (argv.length > 0) this.run();
  }

  /** Pid (and process group id) of the running command, if any. */
  get pid(): number | undefined { return this.child?.pid; }

  /** SIGINT to the process group, SIGKILL after the grace period; cancels a pending restart. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private run(): void {
    const [file, ...args] = this.argv as [string, ...string[]];
    let c: ChildProcess;
    try {
      // detached: the child leads a new process group (setsid), so -pid reaches its children too.
      c = spawn(file, args, { env: this.env, stdio: ['ignore', 'inherit', 'inherit'], detached: true, shell: false });
    } catch (err) {
      // Synchronous spawn failures: arguments with NUL bytes, an empty file name.
      this.exited(`failed to start: ${(err as Error).message}`);
      return;
    }
    this.child = c;
    let gone = false;
    const onGone = (what: string): void => {
      if (gone) return;
      gone = true;
      if (this.child === c) this.child = undefined;
      this.exited(what);
    };
    c.on('error', (err) => {
      if (c.pid === undefined) onGone(`failed to start: ${err.message}`);
      else this.opts.log.error(`command: ${err.message}`);
    });
    c.on('exit', (code, signal) => onGone(signal !== null ? `exited on ${signal}` : `exited with code ${code}`));
  }

  private exited(what: string): void {
    if (this.closed) return;
    const restart = this.opts.restart;
    // A command that cannot start is a configuration error; an exit is normal life.
    this.opts.log.log(what.startsWith('failed') ? 'error' : 'info', `command ${what}${restart ? ', restarting' : ''}`);
    if (restart) {
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (!this.closed) this.run();
      }, this.opts.restartPauseMs ?? DEFAULT_RESTART_PAUSE_MS);
    }
    // After scheduling, so that a close() from the callback also cancels the restart.
    this.opts.onExit?.(what);
  }

  private stop(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) { clearTimeout(this.restartTimer); this.restartTimer = undefined; }
    const c = this.child;
    if (!c || c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    const pgid = c.pid;
    const grace = this.opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(killTimer);
        clearTimeout(giveUpTimer);
        // The leader is gone; what it started may not be: the group id cannot be reused while members live.
        this.signal(pgid, 'SIGKILL');
        resolve();
      };
      const killTimer = setTimeout(() => {
        this.opts.log.warn(`command did not stop after SIGINT in ${grace} ms, killing it`);
        this.signal(pgid, 'SIGKILL');
      }, grace);
      const giveUpTimer = setTimeout(() => {
        this.opts.log.error(`command (pid ${pgid}) still running after SIGKILL`);
        c.off('exit', done);
        resolve();
      }, grace + AFTER_KILL_WAIT_MS);
      c.once('exit', done);
      this.signal(pgid, 'SIGINT');
    });
  }

  private signal(pgid: number, sig: NodeJS.Signals): void {
    const err = signalGroup(pgid, sig);
    if (err) this.opts.log.error(`cannot send ${sig} to command: ${err.message}`);
  }
}

/** Starts a hook; an empty command gives a handle that does nothing. */
export function startHook(opts: HookOptions): HookHandle {
  if (opts.command.trim() === '') return { close: () => Promise.resolve() };
  return new ExternalCmd(opts);
}
