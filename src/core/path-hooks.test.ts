import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../lib/index.ts';
import { parseConf } from '../conf/index.ts';
import { H264_DESCRIPTION, participant, request } from './test-support/participants.ts';
import { PathManager, type Authenticator } from './path-manager.ts';
import { NoStreamAvailableError } from './errors.ts';
import { readWhenWritten } from '../../test/support/hook-files.ts';

const allowAll: Authenticator = { authenticate: async () => ({ user: '' }) };

function manager(yaml: string): PathManager {
  const { conf } = parseConf(yaml, {});
  const pm = new PathManager({ paths: conf.paths, auth: allowAll, log: Logger.silent(), rtspPort: 8554, sourceFactories: [] });
  pm.start();
  return pm;
}


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True while `pid` runs (signal 0 only checks; ESRCH once it is gone and reaped). */
function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Polls `cond` every 20 ms for at most `ms`; throws `what` and `detail()` on timeout. */
async function until(cond: () => boolean, ms: number, what: string, detail: () => string = () => ''): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what} ${detail()}`);
    await sleep(20);
  }
}

describe('Path v1.x hooks', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'mtx-path-hooks-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A hook command that writes its name and the variables to `<dir>/<name>.txt`. */
  const writer = (name: string): string => `sh -c 'echo "$MTX_PATH|$G1|$MTX_QUERY|$MTX_SOURCE_TYPE|$MTX_SOURCE_ID|$MTX_READER_TYPE|$MTX_READER_ID" > ${dir}/${name}.txt'`;
  const file = (name: string): string => join(dir, `${name}.txt`);

  it('runs runOnUnread when a reader leaves, runOnOffline and runOnUnavailable when the stream goes, with the v1 variables', async () => {
    const pm = manager(`paths:
  "~^cam(\\\\d)$":
    runOnAvailable: ${writer('available')}
    runOnUnavailable: ${writer('unavailable')}
    runOnOnline: ${writer('online')}
    runOnOffline: ${writer('offline')}
    runOnRead: ${writer('read')}
    runOnUnread: ${writer('unread')}
`);
    const publisher = participant();
    const lease = await pm.addPublisher({ ...request('cam1', 'publish'), query: 'a=1&pass=hunter2' }, publisher, H264_DESCRIPTION);
    lease.start();
    const src = `cam1|1|a%3D1%26pass%3Dxxxxx|rtspSession|${publisher.info.id}||\n`;
    assert.equal(await readWhenWritten(file('available')), src);
    assert.equal(await readWhenWritten(file('online')), src);
    const reader = participant();
    const r = await pm.addReader({ ...request('cam1'), query: 'b=2' }, reader);
    const rd = `cam1|1|b%3D2|||rtspSession|${reader.info.id}\n`;
    assert.equal(await readWhenWritten(file('read')), rd);
    await sleep(150);
    for (const n of ['unread', 'offline', 'unavailable']) assert.equal(existsSync(file(n)), false, `${n} ran early`);
    r.release();
    assert.equal(await readWhenWritten(file('unread')), rd);
    assert.equal(existsSync(file('offline')), false, 'the stream is still there');
    lease.release();
    assert.equal(await readWhenWritten(file('offline')), src);
    assert.equal(await readWhenWritten(file('unavailable')), src);
    await pm.close();
  });

  it('runs runOnUnavailable and runOnUnread for a stream that is still there when the path is closed', async () => {
    const pm = manager(`paths:\n  cam:\n    runOnNotReady: ${writer('closed-unavailable')}\n    runOnUnread: ${writer('closed-unread')}\n`);
    const lease = await pm.addPublisher(request('cam', 'publish'), participant(), H264_DESCRIPTION);
    lease.start();
    const reader = participant();
    await pm.addReader(request('cam'), reader);
    await pm.close();
    assert.match(await readWhenWritten(file('closed-unavailable')), /^cam\|\|\|rtspSession\|/);
    assert.equal(await readWhenWritten(file('closed-unread')), `cam|||||rtspSession|${reader.info.id}\n`);
  });

  it('runs runOnUnDemand with the first reader\'s query when runOnDemand stops (timed out, or path closed)', async () => {
    const pm = manager(`paths:
  "~^od(\\\\d)$":
    runOnDemand: sleep 30
    runOnDemandStartTimeout: 300ms
    runOnUnDemand: ${writer('undemand')}
`);
    const t0 = performance.now();
    await assert.rejects(pm.addReader({ ...request('od1'), query: 'q=1' }, participant()), NoStreamAvailableError);
    assert.ok(performance.now() - t0 >= 250, 'the reader waited for the start timeout');
    assert.equal(await readWhenWritten(file('undemand')), 'od1|1|q%3D1||||\n');
    rmSync(file('undemand'));

    // Still starting when the path goes: the server stopping runOnDemand is an UnDemand too (MediaMTX: "path destroyed").
    const waiting = pm.addReader({ ...request('od2'), query: '' }, participant()).catch((e: unknown) => e);
    await sleep(50);
    assert.equal(existsSync(file('undemand')), false);
    await pm.close();
    assert.ok(await waiting instanceof Error);
    assert.equal(await readWhenWritten(file('undemand')), 'od2|2|||||\n');
  });
});

describe('Path runOnInit', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'mtx-init-hook-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Hook command lines get $NAME expanded before they run (so `$$` would be ''): the shell's part is in a script.
  const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);
  const envOf = (file: string): Map<string, string> => new Map(lines(file).filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

  /** A script that saves its environment and pid, notes a SIGINT, and runs until stopped. */
  function longRunning(): string {
    const script = join(dir, 'long.sh');
    writeFileSync(script, [
      `env > "${dir}/$MTX_PATH.env"`,
      `echo $$ >> "${dir}/$MTX_PATH.pids"`,
      `trap 'echo SIGINT >> "${dir}/$MTX_PATH.signals"; exit 0' INT`,
      'while :; do sleep 0.05; done',
    ].join('\n') + '\n');
    return script;
  }

  it('starts with the path\'s variables when a literal path is made, at start or by a reload, and stops with SIGINT when the path goes', async () => {
    const script = longRunning();
    const pm = manager(`paths:\n  cam:\n    runOnInit: sh ${script}\n`);
    try {
      const camEnv = join(dir, 'cam.env');
      await until(() => envOf(camEnv).has('RTSP_PORT') && lines(join(dir, 'cam.pids')).length === 1, 5000, 'runOnInit of cam to start');
      const env = envOf(camEnv);
      assert.deepEqual([env.get('MTX_PATH'), env.get('RTSP_PATH'), env.get('RTSP_PORT')], ['cam', 'cam', '8554'], `runOnInit's environment: ${[...env].filter(([k]) => /^(MTX_|RTSP_|G\d)/.test(k)).join(' ')}`);
      assert.equal(env.has('MTX_QUERY'), false, 'no request caused it: no MTX_QUERY');
      const camPid = Number(lines(join(dir, 'cam.pids'))[0]);
      assert.ok(isAlive(camPid), `runOnInit of cam runs (pid ${camPid})`);

      // A reload that adds a path starts its runOnInit; the one that removes cam stops cam's, with SIGINT.
      await pm.updatePathConfs(parseConf(`paths:\n  added:\n    runOnInit: sh ${script}\n`, {}).conf.paths);
      await until(() => lines(join(dir, 'cam.signals')).length > 0 && !isAlive(camPid), 5000, 'cam\'s runOnInit to stop', () => `signals: ${lines(join(dir, 'cam.signals')).join()}`);
      assert.deepEqual(lines(join(dir, 'cam.signals')), ['SIGINT'], 'stopped by SIGINT, before any SIGKILL');
      await until(() => envOf(join(dir, 'added.env')).get('MTX_PATH') === 'added', 5000, 'runOnInit of the added path to start');
      const addedPid = Number(lines(join(dir, 'added.pids'))[0]);
      assert.ok(isAlive(addedPid), `runOnInit of the added path runs (pid ${addedPid})`);
      await pm.close();
      await until(() => !isAlive(addedPid), 5000, 'the added path\'s runOnInit to stop with the manager');
      assert.deepEqual(lines(join(dir, 'added.signals')), ['SIGINT'], 'stopped by SIGINT at close');
    } finally {
      await pm.close();
    }
  });

  it('starts again 5 s after each exit with runOnInitRestart, and only once without it', async () => {
    const script = join(dir, 'short.sh');
    writeFileSync(script, `date +%s%3N >> "${dir}/$MTX_PATH.starts"\n`);
    const pm = manager(`paths:\n  again:\n    runOnInit: sh ${script}\n    runOnInitRestart: yes\n  once:\n    runOnInit: sh ${script}\n`);
    try {
      const starts = (name: string): number[] => lines(join(dir, `${name}.starts`)).map(Number);
      await until(() => starts('again').length >= 2, 10_000, 'a second start of the restarted runOnInit', () => `starts: ${starts('again').join()}`);
      const [first, second] = starts('again') as [number, number];
      // MediaMTX's restart pause (externalcmd restartPause) is 5 s; the machine may add a little, never take any away.
      assert.ok(second - first >= 4900 && second - first < 8000, `the restart came ${second - first} ms after the first start`);
      assert.equal(starts('once').length, 1, `without runOnInitRestart the command ran once: ${starts('once').join()}`);
    } finally {
      await pm.close();
    }
  });
});
