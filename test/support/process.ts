import { spawn, type ChildProcess } from 'node:child_process';

/** Result of a finished child process. */
export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }

/** A running child process with its collected output. */
export interface Running { readonly child: ChildProcess; readonly done: Promise<RunResult>; stop(): Promise<RunResult> }

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
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
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

/** Resolves when `cond()` is true, polling; rejects after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, opts: { timeoutMs: number; what: string }): Promise<void> {
  const end = Date.now() + opts.timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${opts.what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
