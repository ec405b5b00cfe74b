import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import type { Logger } from '../../lib/index.ts';
import { inheritedEnv } from '../../hooks/index.ts';

// Between SIGINT (the tool stops the camera and exits) and SIGKILL, as hooks wait (src/hooks/external-cmd.ts).
const DEFAULT_KILL_GRACE_MS = 2000;
// After SIGKILL a process exits at once unless stuck in the kernel; a run does not wait for it forever.
const AFTER_KILL_WAIT_MS = 3000;
// The end of stderr kept for the error of a tool that exits: libcamera's and the tool's last words.
const STDERR_TAIL_CHARS = 2000;

/** How to run the camera tool. */
export interface RpicamProcessOptions {
  readonly file: string;
  readonly args: readonly string[];
  /** Aborting stops the tool; the run then resolves once it is gone. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Each stdout chunk, synchronously (the pipe waits meanwhile); a throw stops the tool and fails the run. */
  readonly onData: (chunk: Buffer) => void;
  readonly killGraceMs?: number;
}


// libcamera's log prefix, `[0:01:02.345678901] [1234] `: time and pid differ at every run, and the runner logs a
// failure again only when its reason changes.
const LIBCAMERA_PREFIX = /^\[\d+:\d+:[\d.]+\] \[\d+\]\s*/;

/** The last lines of the tool's stderr, on one line, without libcamera's per-run prefixes. */
function lastWords(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(LIBCAMERA_PREFIX, '').trim()).filter((l) => l !== '');
  return lines.slice(-5).join(' | ');
}

/** Signals a process group; ESRCH (already gone) is no error. */
function signalGroup(pgid: number, sig: NodeJS.Signals, log: Logger): void {
  try {
    process.kill(-pgid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') log.error(`cannot send ${sig} to the camera tool: ${(err as Error).message}`);
  }
}

/**
 * Runs the camera tool once: resolves when `signal` aborted it and it is gone; rejects when it could not start,
 * when it exited by itself (with the tail of its stderr), or when `onData` threw (after stopping it).
 */
export function runRpicamProcess(o: RpicamProcessOptions): Promise<void> {
  const name = basename(o.file);
  return new Promise<void>((resolve, reject) => {
    if (o.signal.aborted) { resolve(); return; }
    // detached: the tool leads its own process group, so stopping it also stops what it started (a wrapper script's
    // encoder, for instance).
    const child: ChildProcess = spawn(o.file, o.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, shell: false, env: inheritedEnv() });
    let stderrTail = '';
    let failure: Error | undefined;
    let stopping: Promise<void> | undefined;
    let isGone = false;

    const stop = (): Promise<void> => {
      stopping ??= stopChild(child, o, () => isGone);
      return stopping;
    };
    const onAbort = (): void => { void stop().then(() => resolve()); };
    o.signal.addEventListener('abort', onAbort, { once: true });

    child.stdout!.on('data', (chunk: Buffer) => {
      if (failure || o.signal.aborted) return;
      try {
        o.onData(chunk);
      } catch (err) {
        failure = err as Error;
        void stop().then(() => reject(failure));
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
      for (const line of text.split('\n')) if (line.trim() !== '') o.log.debug(`${name}: ${line.trimEnd()}`);
    });
    child.on('error', (err) => {
      if (child.pid !== undefined) { o.log.error(`${name}: ${err.message}`); return; }
      isGone = true;
      o.signal.removeEventListener('abort', onAbort);
      reject(new Error(`cannot start ${o.file}: ${err.message}`));
    });
    // 'close' comes after 'exit' and after stdout ended, so every frame the tool wrote has been read.
    child.on('close', (code, sig) => {
      isGone = true;
      o.signal.removeEventListener('abort', onAbort);
      if (o.signal.aborted || failure) return; // settled by the abort or the failure
      const how = sig !== null ? `was killed by ${sig}` : `exited with code ${code}`;
      const last = lastWords(stderrTail);
      reject(new Error(`${name} ${how}${last !== '' ? `: ${last}` : ''}`));
    });
  });
}

/** SIGINT to the tool's group, SIGKILL after the grace period; resolves when it is gone (or given up on). */
function stopChild(child: ChildProcess, o: RpicamProcessOptions, isGone: () => boolean): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined || isGone()) return Promise.resolve();
  const grace = o.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(killTimer);
      clearTimeout(giveUpTimer);
      // The leader is gone; what it started may not be.
      signalGroup(pgid, 'SIGKILL', o.log);
      resolve();
    };
    const killTimer = setTimeout(() => {
      o.log.warn(`the camera tool did not stop after SIGINT in ${grace} ms, killing it`);
      signalGroup(pgid, 'SIGKILL', o.log);
    }, grace);
    const giveUpTimer = setTimeout(() => {
      o.log.error(`the camera tool (pid ${pgid}) is still running after SIGKILL`);
      child.off('close', done);
      resolve();
    }, grace + AFTER_KILL_WAIT_MS);
    child.once('close', done);
    signalGroup(pgid, 'SIGINT', o.log);
  });
}
