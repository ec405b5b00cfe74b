import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../lib/index.ts';
import { expandArgs, splitCommandLine } from './command-line.ts';

/** A running hook; close() stops it (and what it started) and cancels restarts. */
export interface HookHandle { close(): Promise<void> }

/** Options of a hook. */
export interface HookOptions {
  command: string;
  restart: boolean;
  env: Record<string, string>;
  log: Logger;
  /** Pause before a restart (MediaMTX: 5 s). */
  restartPauseMs?: number;
  /** Time between SIGINT and SIGKILL when stopping. */
  killGraceMs?: number;
}

// Variables that decrypt the configuration never reach hook commands (RELIABILITY D5).
const SECRET_ENV = new Set(['MTX_CONFKEY', 'RTSP_CONFKEY']);

function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SECRET_ENV.has(k)) env[k] = v;
  return { ...env, ...extra };
}

/** Runs an external command for an event (runOnConnect, runOnReady…), restarting it when asked. */
export function startHook(opts: HookOptions): HookHandle {
  if (opts.command.trim() === '') return { close: async () => {} };
  const restartPauseMs = opts.restartPauseMs ?? 5000;
  const killGraceMs = opts.killGraceMs ?? 2000;
  const env = childEnv(opts.env);
  let argv: string[];
  try {
    argv = expandArgs(splitCommandLine(opts.command), env);
  } catch (err) {
    opts.log.error(`hook '${opts.command}': ${(err as Error).message}`);
    return { close: async () => {} };
  }
  let child: ChildProcess | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const run = (): void => {
    const c = spawn(argv[0]!, argv.slice(1), { env, stdio: 'inherit', detached: true, shell: false });
    child = c;
    c.on('error', (err) => opts.log.error(`command '${argv[0]}' failed: ${err.message}`));
    c.on('exit', (code, signal) => {
      if (child === c) child = undefined;
      if (closed) return;
      opts.log.info(`command exited with ${signal ?? `code ${code}`}`);
      if (opts.restart) {
        restartTimer = setTimeout(() => { restartTimer = undefined; if (!closed) run(); }, restartPauseMs);
        restartTimer.unref();
      }
    });
  };
  run();

  return {
    close: () => {
      closed = true;
      if (restartTimer) { clearTimeout(restartTimer); restartTimer = undefined; }
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return Promise.resolve();
      const pid = c.pid;
      return new Promise<void>((resolve) => {
        const kill = setTimeout(() => signalGroup(pid, 'SIGKILL'), killGraceMs);
        c.once('exit', () => { clearTimeout(kill); signalGroup(pid, 'SIGKILL'); resolve(); });
        // The whole process group, so what the command started goes too (MediaMTX #3087).
        signalGroup(pid, 'SIGINT');
      });
    },
  };
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try { process.kill(-pid, sig); } catch { /* the group is already gone */ }
}
