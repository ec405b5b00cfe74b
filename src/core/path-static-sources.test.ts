import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../lib/index.ts';
import { parseConf } from '../conf/index.ts';
import type { ParticipantInfo, StaticSource, StaticSourceContext, StaticSourceFactory } from './contracts.ts';
import { H264_DESCRIPTION, participant, request } from './test-support/participants.ts';
import { PathManager } from './path-manager.ts';
import { expandSourceUrl } from './path.ts';
import { StaticSourceRunner } from './static-source-runner.ts';

const paths = (yaml: string): ReturnType<typeof parseConf>['conf']['paths'] => parseConf(yaml, {}).conf.paths;
const until = async (cond: () => boolean, what: string): Promise<void> => {
  const end = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Records every source made and its runs; each run lasts until aborted. */
class Sources {
  readonly urls: string[] = [];
  readonly runs: StaticSourceContext[] = [];
  readonly factory: StaticSourceFactory = {
    prefixes: ['rtsp://'],
    create: (url) => {
      this.urls.push(url);
      const source: StaticSource = {
        info: { type: 'rtspSource', id: '' } satisfies ParticipantInfo, label: 'RTSP source',
        run: (ctx) => { this.runs.push(ctx); return new Promise((r) => ctx.signal.addEventListener('abort', () => r(), { once: true })); },
      };
      return source;
    },
  };
}

function manager(yaml: string, sources: Sources, lines: string[] = []): PathManager {
  const log = Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) });
  const pm = new PathManager({ paths: paths(yaml), auth: { authenticate: async () => ({ user: '' }) }, log, rtspPort: 8554, sourceFactories: [sources.factory], sourceRetryPauseMs: 1 });
  pm.start();
  return pm;
}

const EDGE = 'paths:\n  "~^(.+)$":\n    source: rtsp://origin:8554/$G1\n    sourceOnDemand: yes\n    sourceOnDemandCloseAfter: 100ms\n';

describe('static sources on paths', () => {
  it('puts the regexp groups of the path name in the source URL ($G10 is not $G1 then 0)', () => {
    assert.equal(expandSourceUrl('rtsp://o/$G1/x', ['cam/1']), 'rtsp://o/cam/1/x');
    const ten = Array.from({ length: 10 }, (_, i) => `g${i + 1}`);
    assert.equal(expandSourceUrl('rtsp://o/$G10-$G1-$G2', ten), 'rtsp://o/g10-g1-g2');
  });

  it('proxies any path of a regexp entry on demand, with its own URL, and removes the path when done', async () => {
    const sources = new Sources();
    const pm = manager(EDGE, sources);
    assert.deepEqual(pm.list(), [], 'nothing before a reader');
    const reader = participant();
    const leaseP = pm.addReader(request('floor1/cam'), reader);
    await until(() => sources.runs.length === 1, 'the source to start');
    assert.deepEqual(sources.urls, ['rtsp://origin:8554/floor1/cam']);
    sources.runs[0]!.setReady(H264_DESCRIPTION);
    const lease = await leaseP;
    assert.equal(pm.list()[0]!.sourceReady, true);
    lease.release();
    await until(() => sources.runs[0]!.signal.aborted, 'the source to stop after sourceOnDemandCloseAfter');
    await until(() => pm.list().length === 0, 'the dynamic path to go');
    await pm.close();
  });

  it('answers DESCRIBE of a dynamic on-demand path by starting its source', async () => {
    const sources = new Sources();
    const pm = manager(EDGE, sources);
    const d = pm.describe(request('cam'));
    await until(() => sources.runs.length === 1, 'the source to start');
    sources.runs[0]!.setReady(H264_DESCRIPTION);
    assert.ok('stream' in (await d));
    await pm.close();
  });

  it('leaves no dynamic path behind for readers of an on-demand source that no factory handles', async () => {
    const sources = new Sources();
    const pm = manager('paths:\n  "~^(.+)$":\n    source: srt://origin:8890?streamid=read:$G1\n    sourceOnDemand: yes\n', sources);
    for (const name of ['a', 'b', 'c']) {
      await assert.rejects(pm.describe(request(`d-${name}`)), { name: 'NoStreamAvailableError' });
      await assert.rejects(pm.addReader(request(`r-${name}`), participant()), { name: 'NoStreamAvailableError' });
    }
    assert.deepEqual(pm.list().map((p) => p.name), [], 'each refused name left a path behind');
    await pm.close();
  });

  it('refuses publishers on a source path without creating it', async () => {
    const sources = new Sources();
    const pm = manager(EDGE, sources);
    await assert.rejects(pm.addPublisher(request('cam', 'publish'), participant(), H264_DESCRIPTION), /assigned to a static source/);
    assert.deepEqual(pm.list(), []);
    assert.equal(sources.urls.length, 0);
    await pm.close();
  });

  it('refuses the waiting readers and stops the source when it is not ready within sourceOnDemandStartTimeout', async () => {
    const sources = new Sources();
    const lines: string[] = [];
    const pm = manager('paths:\n  cam:\n    source: rtsp://cam/x\n    sourceOnDemand: yes\n    sourceOnDemandStartTimeout: 200ms\n', sources, lines);
    const started = Date.now();
    const readers = [pm.addReader(request('cam'), participant()), pm.addReader(request('cam'), participant())];
    await until(() => sources.runs.length === 1, 'the source to start');
    // The upstream never answers: setReady is never called.
    for (const r of readers) await assert.rejects(r, { name: 'NoStreamAvailableError' }, 'each waiting reader refused');
    const waited = Date.now() - started;
    assert.ok(waited >= 190, `refused after ${waited} ms, before the 200 ms timeout`);
    await until(() => sources.runs[0]!.signal.aborted, 'the source run to be stopped');
    assert.ok(lines.some((l) => l.includes('on-demand source stopped: source did not become ready in time')), `log:\n${lines.join('\n')}`);
    assert.equal(sources.runs.length, 1, `${sources.runs.length} runs: no retry while nobody reads`);
    await pm.close();
  });

  it('stops an on-demand source that lost its stream; the next reader starts it again', async () => {
    const sources = new Sources();
    const pm = manager('paths:\n  cam:\n    source: rtsp://cam/x\n    sourceOnDemand: yes\n', sources);
    const first = pm.addReader(request('cam'), participant());
    await until(() => sources.runs.length === 1, 'the source to start');
    sources.runs[0]!.setReady(H264_DESCRIPTION);
    await first;
    sources.runs[0]!.setNotReady();
    assert.ok(sources.runs[0]!.signal.aborted, 'stopped with its stream');
    const second = pm.addReader(request('cam'), participant());
    await until(() => sources.runs.length === 2, 'a new run');
    sources.runs[1]!.setReady(H264_DESCRIPTION);
    await second;
    await pm.close();
  });
});

describe('static source runner', () => {
  it('does not let a stopped run that ends late take down the stream of the run that replaced it', async () => {
    // Runs that outlive their abort (an upstream slow to close), ended by hand.
    const runs: { ctx: StaticSourceContext; end: () => void }[] = [];
    const factory: StaticSourceFactory = {
      prefixes: ['rtsp://'],
      create: () => ({
        info: { type: 'rtspSource', id: '' }, label: 'RTSP source',
        run: (ctx) => new Promise<void>((end) => { runs.push({ ctx, end }); }),
      }),
    };
    const pm = new PathManager({
      paths: paths('paths:\n  cam:\n    source: rtsp://cam/x\n    sourceOnDemand: yes\n'), auth: { authenticate: async () => ({ user: '' }) },
      log: Logger.silent(), rtspPort: 8554, sourceFactories: [factory], sourceRetryPauseMs: 1,
    });
    pm.start();
    const first = pm.addReader(request('cam'), participant());
    await until(() => runs.length === 1, 'the source to start');
    runs[0]!.ctx.setReady(H264_DESCRIPTION);
    await first;
    runs[0]!.ctx.setNotReady(); // the upstream is lost: the on-demand source stops, its run is aborted but lingers
    assert.ok(runs[0]!.ctx.signal.aborted);
    const reader = participant();
    const second = pm.addReader(request('cam'), reader);
    await until(() => runs.length === 2, 'a new run');
    runs[1]!.ctx.setReady(H264_DESCRIPTION);
    await second;
    runs[0]!.ctx.setNotReady(); // the old run tears down late…
    runs[0]!.end(); // …and ends
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(reader.closedWith, undefined, 'the reader of the new run stays');
    assert.equal(pm.list()[0]!.sourceReady, true);
    for (const r of runs) r.end();
    await pm.close();
  });

  it('logs a failing upstream once per change, not once per attempt', async () => {
    const lines: string[] = [];
    const log = Logger.create({ level: 'info', destinations: [], sink: (l) => lines.push(l) });
    let attempt = 0;
    const script = ['refused', 'refused', 'refused', 'timeout', 'refused', 'timeout', 'up', 'refused', 'refused'];
    const source: StaticSource = {
      info: { type: 'rtspSource', id: '' }, label: 'RTSP source',
      run: async (ctx) => {
        const step = script[attempt++];
        if (step === 'up') { ctx.setReady(H264_DESCRIPTION); throw new Error('closed'); }
        if (step === undefined) await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
        throw new Error(step);
      },
    };
    const runner = new StaticSourceRunner(source, 'rtsp://x', { conf: paths('paths:\n  x:\n')['x']!, log, setReady: () => ({} as never), setNotReady: () => {} }, 1);
    runner.start();
    await until(() => attempt > script.length, 'the script to run');
    await runner.stop();
    const messages = lines.map((l) => l.replace(/^\S+ \S+ /, ''));
    assert.deepEqual(messages, [
      'INF started',
      'ERR failed: refused; retrying every 0.001s, the next failures are not logged unless their reason changes',
      'ERR still failing (attempt 4): timeout',
      'INF the upstream is back after 6 failed attempts in 0s',
      'ERR lost the upstream: closed; retrying every 0.001s, the next failures are not logged unless their reason changes',
      'ERR still failing (attempt 2): refused',
      'INF stopped',
    ]);
  });
});
