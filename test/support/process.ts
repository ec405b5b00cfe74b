import { spawn, type ChildProcess } from 'node:child_process';

/** Result of a finished child process. */
export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }

/** A running child process with its collected output. */
export interface Running {
  readonly child: ChildProcess;
  readonly done: Promise<RunResult>;
  /** Sends `signal` (SIGINT by default), then SIGKILL after `killAfterMs` (3 s by default) if it is still running. */
  stop(signal?: NodeJS.Signals, opts?: { killAfterMs?: number }): Promise<RunResult>;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
}

/** Starts `cmd`, killing it with SIGKILL after `timeoutMs` (timeouts in tests must never hang the suite). */
export function start(cmd: string, args: readonly string[], opts: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv }): Running {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); if (stdout.length > 1 << 20) stdout = stdout.slice(-(1 << 19)); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19)); });
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs);
  const done = new Promise<RunResult>((resolve) => {
    child.on('error', (err) => { stderr += `\nspawn error: ${err.message}`; });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, timedOut }); });
  });
  return {
    child, done,
    output: () => ({ stdout, stderr }),
    stop: async (signal = 'SIGINT', o = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const t = setTimeout(() => child.kill('SIGKILL'), o.killAfterMs ?? 3000);
        const r = await done;
        clearTimeout(t);
        return r;
      }
      return done;
    },
  };
}

/** Runs `cmd` to completion. */
export function run(cmd: string, args: readonly string[], opts: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return start(cmd, args, opts).done;
}

/** The last `chars` characters of `text` (from a line start when one is near), or `(empty)`: for assertion messages. */
export function tail(output: string, chars = 800): string {
  // Progress lines rewritten in place with \r (FFmpeg's frame= …) keep only their last state, as a terminal shows.
  const text = output.replace(/[^\n\r]*\r(?!\n)/g, '');
  if (text.trim() === '') return '(empty)';
  if (text.length <= chars) return text.trimEnd();
  const t = text.slice(-chars);
  const nl = t.indexOf('\n');
  return `…${nl >= 0 && nl < 200 ? t.slice(nl + 1) : t}`.trimEnd();
}

/** How a client run ended (exit code, signal, timeout) and the tail of its stderr: for assertion messages. */
export function describeRun(name: string, r: RunResult, chars = 800): string {
  const end = r.timedOut ? 'killed after its timeout' : r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
  return `${name}: ${end}\n--- ${name} stderr (tail) ---\n${tail(r.stderr, chars)}`;
}

/** Whether `r` still runs, or how it ended, and the tail of its stderr: for assertion messages (e.g. a publisher's). */
export function describeRunning(name: string, r: Running, chars = 600): string {
  const { child } = r;
  const state = child.exitCode !== null ? `exited with code ${child.exitCode}` : child.signalCode !== null ? `killed by ${child.signalCode}` : 'still running';
  return `${name}: ${state}\n--- ${name} stderr (tail) ---\n${tail(r.output().stderr, chars)}`;
}

/**
 * Resolves when `cond()` is true, polling every 50 ms; rejects after `timeoutMs` with `what` and, when given,
 * `detail()` (what was seen instead: counts, a log tail) so that a timeout explains itself.
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, opts: { timeoutMs: number; what: string; detail?: () => string }): Promise<void> {
  const t0 = Date.now();
  const end = t0 + opts.timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) {
      throw new Error(`timed out after ${Date.now() - t0} ms waiting for ${opts.what}${opts.detail ? `\n${opts.detail()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True while the process has neither exited nor been killed by a signal. */
export const isRunning = (r: Running): boolean => r.child.exitCode === null && r.child.signalCode === null;
