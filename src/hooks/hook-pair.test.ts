import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../lib/index.ts';
import { startHookPair } from './hook-pair.ts';
import { ConnectionHooks } from './connection-hooks.ts';
import { readWhenWritten } from '../../test/support/hook-files.ts';

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }), lines };
}


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('startHookPair', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'mtx-hook-pair-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the first command until stop(), then launches the counterpart once with the same variables', async () => {
    const { log, lines } = capture();
    const pair = startHookPair({
      name: 'runOnRead', command: `sh -c 'echo "$MTX_READER_ID" > ${dir}/on.txt; exec sleep 30'`, restart: false,
      offName: 'runOnUnread', offCommand: `sh -c 'echo "$MTX_READER_ID $G1" >> ${dir}/off.txt'`,
      env: { MTX_READER_ID: 'r1', G1: 'g' }, log,
    });
    assert.equal(await readWhenWritten(join(dir, 'on.txt')), 'r1\n');
    await sleep(100);
    assert.equal(existsSync(join(dir, 'off.txt')), false, 'the counterpart waits for stop()');
    const t0 = performance.now();
    await pair.stop('reader left');
    assert.ok(performance.now() - t0 < 1500, 'the first command was stopped (sleep 30 would not end by itself)');
    await pair.stop('again');
    assert.equal(await readWhenWritten(join(dir, 'off.txt')), 'r1 g\n');
    await sleep(200);
    assert.equal(readFileSync(join(dir, 'off.txt'), 'utf8'), 'r1 g\n', 'launched once');
    assert.deepEqual(lines.filter((l) => /runOn(Read|Unread) command/.test(l)).map((l) => l.replace(/^.*(runOn)/, '$1')),
      ['runOnRead command started', 'runOnRead command stopped: reader left', 'runOnUnread command launched']);
  });

  it('launches the counterpart even without a first command, and never restarts it', async () => {
    const { log, lines } = capture();
    const pair = startHookPair({
      name: 'runOnDemand', command: '', restart: true, offName: 'runOnUnDemand', offCommand: `sh -c 'echo ran >> ${dir}/undemand.txt'`,
      env: {}, log, restartPauseMs: 10,
    });
    await sleep(100);
    assert.equal(existsSync(join(dir, 'undemand.txt')), false);
    await pair.stop();
    assert.equal(await readWhenWritten(join(dir, 'undemand.txt')), 'ran\n');
    await sleep(200);
    assert.equal(readFileSync(join(dir, 'undemand.txt'), 'utf8'), 'ran\n', 'restart applies to the first command only');
    assert.ok(!lines.some((l) => l.includes('runOnDemand command')), lines.join('\n'));
  });

  it('does nothing when both commands are empty', async () => {
    const { log, lines } = capture();
    await startHookPair({ name: 'a', command: ' ', restart: false, offName: 'b', offCommand: '', env: {}, log }).stop();
    assert.deepEqual(lines, []);
  });
});

describe('ConnectionHooks', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'mtx-conn-hooks-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('launches runOnDisconnect with MTX_CONN_TYPE, MTX_CONN_ID and RTSP_PORT when a connection closes', async () => {
    const hooks = new ConnectionHooks<string>({ command: '', restart: false, offCommand: `sh -c 'echo "$MTX_CONN_TYPE $MTX_CONN_ID $RTSP_PORT" >> ${dir}/$MTX_CONN_ID.txt'`, rtspPort: 8555 });
    hooks.open('a', Logger.silent(), { type: 'rtspConn', id: 'id-a' });
    hooks.open('b', Logger.silent(), { type: 'rtmpConn', id: 'id-b' });
    await sleep(100);
    assert.equal(existsSync(join(dir, 'id-a.txt')), false, 'nothing before the connection closes');
    hooks.close('a');
    hooks.close('a');
    assert.equal(await readWhenWritten(join(dir, 'id-a.txt')), 'rtspConn id-a 8555\n');
    // A reload changes the command for connections opened from then on; b keeps the one it opened with.
    hooks.update({ command: '', restart: false, offCommand: `sh -c 'echo new >> ${dir}/$MTX_CONN_ID.txt'` });
    hooks.open('c', Logger.silent(), { type: 'rtspConn', id: 'id-c' });
    await hooks.closeAll();
    assert.equal(await readWhenWritten(join(dir, 'id-b.txt')), 'rtmpConn id-b 8555\n', 'server close disconnects open connections');
    assert.equal(await readWhenWritten(join(dir, 'id-c.txt')), 'new\n');
    await sleep(200);
    assert.equal(readFileSync(join(dir, 'id-a.txt'), 'utf8'), 'rtspConn id-a 8555\n', 'once per connection');
  });
});
