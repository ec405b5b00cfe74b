import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
