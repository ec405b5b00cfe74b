import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../lib/index.ts';
import { parseConf } from '../conf/index.ts';
import type { ParticipantInfo, StaticSource, StaticSourceContext, StaticSourceFactory } from './contracts.ts';
import { FakeParticipant, H264_DESCRIPTION, participant, request } from './test-support/participants.ts';
import { PathManager } from './path-manager.ts';
import { InvalidPathNameError, NoStreamAvailableError, PathNotConfiguredError } from './errors.ts';
import { pathChange } from './path-conf-change.ts';

const desc = H264_DESCRIPTION;
const req = request;
const paths = (yaml: string): ReturnType<typeof parseConf>['conf']['paths'] => parseConf(yaml, {}).conf.paths;

/** A static source that becomes ready when told and runs until aborted; it records its runs. */
class FakeSource implements StaticSource {
  readonly info: ParticipantInfo = { type: 'rtspSource', id: 'src' };
  readonly label = 'RTSP source';
  runs = 0;
  ctx: StaticSourceContext | undefined;
  run(ctx: StaticSourceContext): Promise<void> {
    this.runs++;
    this.ctx = ctx;
    return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}

/** A static source whose runs outlive their abort until end() (an upstream slow to close); later runs don't. */
class LingeringSource extends FakeSource {
  private readonly ends: (() => void)[] = [];
  private ended = false;
  override run(ctx: StaticSourceContext): Promise<void> {
    if (this.ended) return super.run(ctx);
    this.runs++;
    this.ctx = ctx;
    return new Promise((resolve) => { this.ends.push(resolve); });
  }
  /** Ends the lingering runs. */
  end(): void { this.ended = true; for (const e of this.ends.splice(0)) e(); }
}

function fakeFactory(source: FakeSource): StaticSourceFactory {
  return { prefixes: ['rtsp://'], create: () => source };
}

function manager(yaml: string, factories: StaticSourceFactory[] = []): PathManager {
  const pm = new PathManager({ paths: paths(yaml), auth: { authenticate: async () => ({ user: '' }) }, log: Logger.silent(), rtspPort: 8554, sourceFactories: factories });
  pm.start();
  return pm;
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('PathManager configuration updates', () => {
  it('keeps clients of unchanged paths, updates credentials live and recreates changed paths', async () => {
    const pm = manager('paths:\n  keep:\n  creds:\n  changed:\n');
    const clients = new Map<string, { pub: FakeParticipant; reader: FakeParticipant }>();
    for (const name of ['keep', 'creds', 'changed']) {
      const pub = participant();
      (await pm.addPublisher(req(name, 'publish'), pub, desc)).start();
      const reader = participant();
      await pm.addReader(req(name), reader);
      clients.set(name, { pub, reader });
    }
    await pm.updatePathConfs(paths('paths:\n  keep:\n  creds:\n    readUser: bob\n    readPass: pw\n  changed:\n    disablePublisherOverride: yes\n'));
    for (const name of ['keep', 'creds']) {
      assert.equal(clients.get(name)!.pub.closedWith, undefined, `${name}: publisher kept`);
      assert.equal(clients.get(name)!.reader.closedWith, undefined, `${name}: reader kept`);
    }
    assert.ok(clients.get('changed')!.pub.closedWith, 'the changed path closed its publisher');
    assert.ok(clients.get('changed')!.reader.closedWith, 'the changed path closed its reader');
    assert.deepEqual(pm.list().map((p) => [p.name, p.sourceReady]).sort(), [['changed', false], ['creds', true], ['keep', true]]);
    await pm.close();
  });

  it('closes paths whose entry is removed and dynamic paths that now match another entry; creates new literal paths', async () => {
    const pm = manager('paths:\n  gone:\n  all:\n');
    const gonePub = participant();
    (await pm.addPublisher(req('gone', 'publish'), gonePub, desc)).start();
    const dynPub = participant();
    (await pm.addPublisher(req('cam1', 'publish'), dynPub, desc)).start();
    const otherPub = participant();
    (await pm.addPublisher(req('other', 'publish'), otherPub, desc)).start();
    await pm.updatePathConfs(paths('paths:\n  "~^cam":\n  added:\n  all:\n'));
    assert.ok(gonePub.closedWith, 'removed entry');
    assert.ok(dynPub.closedWith, 'cam1 matches ~^cam now');
    assert.equal(otherPub.closedWith, undefined, 'other still matches all');
    assert.deepEqual(pm.list().map((p) => p.name).sort(), ['added', 'other']);
    await pm.close();
  });

  it('matches a name against the paths section in force: what it matched before a reload does not outlive it', async () => {
    const pm = manager('paths:\n  all:\n');
    for (let i = 0; i < 2; i++) await assert.rejects(pm.describe(req('cam1')), NoStreamAvailableError, 'matched by all, nobody publishes');
    await pm.updatePathConfs(paths('paths:\n  other:\n'));
    await assert.rejects(pm.describe(req('cam1')), PathNotConfiguredError, 'no entry matches it any more');
    for (let i = 0; i < 2; i++) await assert.rejects(pm.describe(req('a/../b')), InvalidPathNameError, 'an invalid name is refused every time');
    await pm.close();
  });

  it('starts the runOnInit of a literal path that a publisher made while the reload was closing other paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-reload-init-'));
    try {
      const src = new LingeringSource();
      const pm = manager('paths:\n  proxy:\n    source: rtsp://cam/x\n  cam:\n', [fakeFactory(src)]);
      const marker = join(dir, 'cam.init');
      while (src.runs === 0) await nextTurn();
      // proxy changes (closed, its run lingers) and cam gets a runOnInit (recreated).
      const reloading = pm.updatePathConfs(paths(`paths:\n  proxy:\n    source: rtsp://cam/y\n  cam:\n    runOnInit: touch ${marker}\n`));
      const lease = await pm.addPublisher(req('cam', 'publish'), participant(), desc);
      src.end();
      await reloading;
      const end = Date.now() + 3000;
      while (!existsSync(marker) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      assert.ok(existsSync(marker), 'runOnInit of cam ran');
      lease.release();
      await pm.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes no path when the manager closes while a reload waits for old paths to close', async () => {
    const src = new LingeringSource();
    const pm = manager('paths:\n  proxy:\n    source: rtsp://cam/x\n', [fakeFactory(src)]);
    while (src.runs === 0) await nextTurn();
    const reloading = pm.updatePathConfs(paths('paths:\n  proxy:\n    source: rtsp://cam/y\n  added:\n'));
    const closing = pm.close();
    src.end();
    await Promise.all([reloading, closing]);
    assert.deepEqual(pm.list(), [], 'a closed manager holds no path');
  });

  it('tells credentials apart from keys that need a recreate (camera settings restart the camera tool)', () => {
    const base = paths('paths:\n  cam:\n')['cam']!;
    assert.equal(pathChange(base, { ...base }), 'none');
    assert.equal(pathChange(base, { ...base, readUser: 'u', readIPs: ['10.0.0.0/8'] }), 'live');
    // The camera tool reads its options once: applied "live", the new brightness would never reach the camera.
    assert.equal(pathChange(base, { ...base, rpiCameraBrightness: 0.5 }), 'recreate');
    assert.equal(pathChange(base, { ...base, readUser: 'u', source: 'rtsp://x' }), 'recreate');
    assert.equal(pathChange(base, { ...base, runOnReady: 'echo' }), 'recreate');
  });
});

describe('Path static sources', () => {
  it('runs an always-on source, serves its stream, and retries it after it ends', async () => {
    const src = new FakeSource();
    const pm = manager('paths:\n  cam:\n    source: rtsp://camera/stream\n', [fakeFactory(src)]);
    await nextTurn();
    assert.equal(src.runs, 1, 'started with the path');
    await assert.rejects(pm.describe(req('cam')), NoStreamAvailableError, 'not ready before setReady');
    src.ctx!.setReady(desc);
    const reader = participant();
    const lease = await pm.addReader(req('cam'), reader);
    assert.equal(lease.stream.description, desc);
    const { readyTime, ...snapshot } = pm.list()[0]!;
    assert.ok(readyTime instanceof Date, 'ready since setReady');
    assert.deepEqual(snapshot, {
      name: 'cam', confName: 'cam', source: { type: 'rtspSource', id: 'src' }, sourceReady: true, tracks: ['H264'],
      trackDetails: [{ codec: 'H264', codecProps: { width: 0, height: 0, profile: '', level: '' } }], bytesReceived: 0, bytesSent: 0,
      framesInError: 0, readers: [reader.info],
    });
    src.ctx!.setNotReady();
    assert.ok(reader.closedWith, 'readers are closed when the source loses its stream');
    await pm.close();
    assert.ok(src.ctx!.signal.aborted, 'the source is stopped with the path');
  });

  it('starts an on-demand source for the first reader and makes it wait for setReady', async () => {
    const src = new FakeSource();
    const pm = manager('paths:\n  cam:\n    source: rtsp://camera/stream\n    sourceOnDemand: yes\n    sourceOnDemandCloseAfter: 1s\n', [fakeFactory(src)]);
    await nextTurn();
    assert.equal(src.runs, 0, 'not started without readers');
    let got = false;
    const reading = pm.addReader(req('cam'), participant()).then(() => { got = true; });
    await nextTurn();
    assert.equal(src.runs, 1, 'started by the reader');
    assert.equal(got, false, 'the reader waits');
    src.ctx!.setReady(desc);
    await reading;
    await pm.close();
  });

  it('refuses publishers on a static-source path and warns once about sources no factory handles', async () => {
    const lines: string[] = [];
    const log = Logger.create({ level: 'info', destinations: [], sink: (l) => lines.push(l) });
    const pm = new PathManager({ paths: paths('paths:\n  cam:\n    source: rtmp://x/y\n'), auth: { authenticate: async () => ({ user: '' }) }, log, rtspPort: 8554 });
    pm.start();
    await assert.rejects(pm.addPublisher(req('cam', 'publish'), participant(), desc), /assigned to a static source/);
    assert.equal(lines.filter((l) => /is not supported yet/.test(l)).length, 1, lines.join('\n'));
    await pm.close();
  });
});

describe('PathManager events', () => {
  it('emits ready, reader added/removed and not ready in order', async () => {
    const pm = manager('paths:\n  all:\n');
    const seen: string[] = [];
    pm.events.on('pathReady', (name) => seen.push(`ready ${name}`));
    pm.events.on('pathNotReady', (name) => seen.push(`notReady ${name}`));
    pm.events.on('readerAdded', (name, r) => seen.push(`+${r.id} ${name}`));
    pm.events.on('readerRemoved', (name, r) => seen.push(`-${r.id} ${name}`));
    const lease = await pm.addPublisher(req('cam', 'publish'), participant(), desc);
    assert.deepEqual(seen, [], 'nothing before start');
    lease.start();
    const reader = participant();
    const rl = await pm.addReader(req('cam'), reader);
    rl.release();
    lease.release();
    assert.deepEqual(seen, ['ready cam', `+${reader.info.id} cam`, `-${reader.info.id} cam`, 'notReady cam']);
    await pm.close();
  });
});
