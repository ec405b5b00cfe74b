import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../lib/index.ts';
import { ExternalCmd, startHook, type HookOptions } from './external-cmd.ts';
import { hookEnv } from './hook-env.ts';
import { expandArgs } from './command-line.ts';

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }), lines };
}

/** Starts a command and resolves with what its first exit was (or how it failed to start). */
function runToExit(opts: Omit<HookOptions, 'restart' | 'log'> & { log?: Logger }): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`'${opts.command}' did not exit`)), 5000);
    startHook({ restart: false, log: Logger.silent(), ...opts, onExit: (what) => { clearTimeout(timer); resolve(what); } });
  });
}

/** Resolves when `file` in `dir` exists with content that ends in a newline (fs.watch events, bounded). */
function waitForFile(dir: string, file: string, timeoutMs = 5000): Promise<string> {
  const path = join(dir, file);
  return new Promise((resolve, reject) => {
    const read = (): string | undefined => {
      if (!existsSync(path)) return undefined;
      const text = readFileSync(path, 'utf8');
      return text.endsWith('\n') ? text : undefined;
    };
    const done = (text: string | undefined, err?: Error): void => {
      clearTimeout(timer);
      watcher.close();
      if (err) reject(err); else resolve(text!);
    };
    const watcher = watch(dir, () => { const t = read(); if (t !== undefined) done(t); });
    const timer = setTimeout(() => done(undefined, new Error(`${file} did not appear`)), timeoutMs);
    const now = read();
    if (now !== undefined) done(now);
  });
}

/** A pid is gone when /proc has no entry for it or it is a zombie waiting for its (other) parent. */
function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true; // no /proc entry: the process does not exist
  }
}

/** Waits (bounded) until a pid is gone; SIGKILL is delivered asynchronously to processes we do not reap. */
async function waitGone(pid: number, timeoutMs = 2000): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!isGone(pid)) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

describe('ExternalCmd', () => {
  let dir = '';
  const saved: Record<string, string | undefined> = {};
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mtx-hooks-'));
    // The configuration key, and configuration variables that carry passwords (RELIABILITY D5).
    for (const k of ['MTX_CONFKEY', 'RTSP_CONFKEY', 'MTX_PATHS_CAM_READPASS', 'RTSP_PATHS_CAM_PUBLISHPASS', 'MTX_AUTHINTERNALUSERS_0_PASS', 'MTX_WEBRTCICESERVERS2_0_PASSWORD']) {
      saved[k] = process.env[k]; process.env[k] = `secret-${k}`;
    }
    for (const k of ['MTX_PATHS_CAM_SOURCE', 'MTX_AUTHINTERNALUSERS_0_USER']) saved[k] = process.env[k];
    process.env.MTX_PATHS_CAM_SOURCE = 'rtsp://admin:secret-pw@10.0.0.9/stream';
    process.env.MTX_AUTHINTERNALUSERS_0_USER = 'admin';
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  });

  it('runs without a shell, with the hook variables and without the config key or passwords', async () => {
    const command = `sh -c 'env > ${dir}/env.txt; echo "$MTX_PATH|$G1|[$MTX_CONFKEY]" > ${dir}/args.txt'`;
    const what = await runToExit({ command, env: hookEnv({ pathName: 'cams/front', rtspPort: 8554, matches: ['front'] }) });
    assert.equal(what, 'exited with code 0');
    assert.equal(readFileSync(join(dir, 'args.txt'), 'utf8'), 'cams/front|front|[]\n');
    assert.deepEqual(expandArgs(['[$MTX_PATHS_CAM_READPASS]', '$MTX_PATHS_CAM_SOURCE'], {}), ['[]', 'rtsp://admin:xxxxx@10.0.0.9/stream'], 'expanded as inherited');
    const env = readFileSync(join(dir, 'env.txt'), 'utf8').split('\n');
    for (const line of ['MTX_PATH=cams/front', 'RTSP_PATH=cams/front', 'RTSP_PORT=8554', 'G1=front']) assert.ok(env.includes(line), line);
    assert.ok(env.some((l) => l.startsWith('PATH=')), 'process environment passed on');
    assert.deepEqual(env.filter((l) => l.includes('secret-')), [], 'no secret reaches the hook');
    assert.ok(env.includes('MTX_PATHS_CAM_SOURCE=rtsp://admin:xxxxx@10.0.0.9/stream'), 'URL passwords masked');
    assert.ok(env.includes('MTX_AUTHINTERNALUSERS_0_USER=admin'), 'other configuration variables passed on');
  });

  describe('never lets an URL-encoded MTX_QUERY run commands (MediaMTX TestPathRunOnAvailableQueryInjection)', () => {
    const cases = [
      { name: 'command substitution', cmd: `sh -c 'exec > /dev/null; echo "$MTX_QUERY"'`, query: (s: string) => `$(touch\${IFS}${s})` },
      { name: 'redirection', cmd: `sh -c 'exec > /dev/null; echo $MTX_QUERY'`, query: (s: string) => `>${s}` },
      { name: 'and operator', cmd: `sh -c 'exec > /dev/null; echo $MTX_QUERY'`, query: (s: string) => `&touch\${IFS}${s}` },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const sentinel = join(dir, `sentinel-${c.name.replace(/ /g, '-')}`);
        await runToExit({ command: c.cmd, env: hookEnv({ pathName: 'test', rtspPort: 8554, query: c.query(sentinel) }) });
        assert.equal(existsSync(sentinel), false, 'injected command ran');
        // Control: the same payload unencoded does run, so the check above can fail.
        await runToExit({ command: c.cmd, env: hookEnv({ pathName: 'test', rtspPort: 8554, extra: { MTX_QUERY: c.query(sentinel) } }) });
        assert.equal(existsSync(sentinel), true, 'control payload did not work');
      });
    }
  });

  it('restarts after each exit when asked, logging the exit', async () => {
    const { log, lines } = capture();
    let exits = 0;
    let third!: () => void;
    const thirdExit = new Promise<void>((r) => { third = r; });
    const h = startHook({ command: `sh -c 'echo run >> ${dir}/runs.txt; exit 3'`, restart: true, env: {}, log, restartPauseMs: 30, onExit: () => { if (++exits === 3) third(); } });
    await thirdExit;
    await h.close();
    assert.equal(readFileSync(join(dir, 'runs.txt'), 'utf8'), 'run\nrun\nrun\n');
    assert.ok(lines.filter((l) => l.includes('command exited with code 3, restarting')).length >= 3, lines.join('\n'));
  });

  it('close() cancels a pending restart', async () => {
    let exited!: () => void;
    const firstExit = new Promise<void>((r) => { exited = r; });
    const h = startHook({ command: 'true', restart: true, env: {}, log: Logger.silent(), restartPauseMs: 60_000, onExit: () => exited() });
    await firstExit;
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await h.close();
    assert.equal(timers(), before - 1);
  });

  it('close() stops a command that exits on SIGINT at once', async () => {
    const h = new ExternalCmd({ command: 'sleep 30', restart: true, env: {}, log: Logger.silent() });
    const pid = h.pid!;
    assert.ok(pid > 0);
    const t0 = performance.now();
    await h.close();
    assert.ok(performance.now() - t0 < 1000);
    assert.ok(isGone(pid));
    await h.close(); // idempotent
  });

  it('close() kills a command that ignores SIGINT, and its child, after the grace period', async () => {
    writeFileSync(join(dir, 'stubborn.sh'), `trap '' INT\nsleep 30 &\necho "$$ $!" > ${dir}/pids.tmp\nmv ${dir}/pids.tmp ${dir}/pids\nwait\nwait\n`);
    const h = new ExternalCmd({ command: `sh ${dir}/stubborn.sh`, restart: true, env: {}, log: Logger.silent(), killGraceMs: 300 });
    const [shPid, sleepPid] = (await waitForFile(dir, 'pids')).trim().split(' ').map(Number) as [number, number];
    assert.equal(shPid, h.pid);
    assert.ok(!isGone(sleepPid));
    const t0 = performance.now();
    await h.close();
    const ms = performance.now() - t0;
    assert.ok(ms >= 250 && ms < 300 + 2000, `close took ${ms} ms`);
    assert.ok(isGone(shPid), 'command still running');
    assert.ok(await waitGone(sleepPid), 'grandchild still running');
  });

  it('logs a command that cannot be started instead of throwing, and retries it when restarting', async () => {
    const { log, lines } = capture();
    let n = 0;
    let twice!: () => void;
    const second = new Promise<void>((r) => { twice = r; });
    const h = startHook({ command: '/nonexistent/hooktest-cmd --flag', restart: true, env: {}, log, restartPauseMs: 20, onExit: () => { if (++n === 2) twice(); } });
    await second;
    await h.close();
    assert.ok(lines.some((l) => /ERR command failed to start: .*ENOENT/.test(l)), lines.join('\n'));
  });

  it('logs an unsplittable command line and runs nothing', async () => {
    const { log, lines } = capture();
    const h = new ExternalCmd({ command: "sh -c 'unterminated", restart: true, env: {}, log });
    assert.equal(h.pid, undefined);
    await h.close();
    assert.ok(lines.some((l) => l.includes('unterminated single-quoted string')), lines.join('\n'));
  });

  it('treats an empty command as no hook', async () => {
    const h = startHook({ command: '  ', restart: true, env: {}, log: Logger.silent() });
    assert.equal(h instanceof ExternalCmd, false);
    await h.close();
  });
});
