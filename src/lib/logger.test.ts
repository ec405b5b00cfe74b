import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, formatTime } from './logger.ts';

describe('Logger', () => {
  it('prints MediaMTX\'s line format with the prefix chain', () => {
    const lines: string[] = [];
    const log = Logger.create({ level: 'info', destinations: ['stdout'], sink: (l) => lines.push(l) });
    log.child('[RTSP]').child('[conn 127.0.0.1:5000]').info('opened');
    assert.match(lines[0]!, /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} INF \[RTSP\] \[conn 127\.0\.0\.1:5000\] opened$/);
  });

  it('filters by level and tags each level as MediaMTX does', () => {
    const lines: string[] = [];
    const log = Logger.create({ level: 'warn', destinations: ['stdout'], sink: (l) => lines.push(l) });
    log.debug('d'); log.info('i'); log.warn('w'); log.error('e');
    assert.deepEqual(lines.map((l) => l.slice(20)), ['WAR w', 'ERR e']);
    assert.equal(log.enabled('info'), false);
  });

  it('takes a new level for itself and its children when reconfigured', () => {
    const lines: string[] = [];
    const log = Logger.create({ level: 'warn', destinations: ['stdout'], sink: (l) => lines.push(l) });
    const child = log.child('[RTSP]');
    child.info('before');
    log.reconfigure({ level: 'debug', destinations: ['stdout'] });
    child.debug('after');
    assert.deepEqual(lines.map((l) => l.slice(20)), ['DEB [RTSP] after']);
  });

  it('appends to the log file destination', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-log-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'mediamtx.log');
    const log = Logger.create({ level: 'info', destinations: ['file'], file });
    log.info('hello');
    log.info('world');
    assert.match(readFileSync(file, 'utf8'), /INF hello\n.*INF world\n$/);
  });

  it('formats local time with zero padding', () => {
    assert.equal(formatTime(new Date(2026, 0, 2, 3, 4, 5)), '2026/01/02 03:04:05');
  });
});

describe('Logger redaction', () => {
  it('never prints a URL password, a credential query value or an Authorization header', () => {
    const lines: string[] = [];
    const log = Logger.create({ level: 'debug', destinations: ['stdout'], sink: (l) => lines.push(l) });
    log.child('[RTSP]').debug('[c->s] ANNOUNCE rtsp://pub:TopSecret1@127.0.0.1:8554/cam?pass=TopSecret2');
    log.warn('command \'ffmpeg -i rtsp://u:TopSecret3@cam/x\' not started');
    log.debug('Authorization: Basic ' + Buffer.from('u:TopSecret4').toString('base64'));
    const all = lines.join('\n');
    assert.doesNotMatch(all, /TopSecret|VG9wU2VjcmV0/, all);
    assert.match(all, /ANNOUNCE rtsp:\/\/pub:xxxxx@127\.0\.0\.1:8554\/cam\?pass=xxxxx/);
  });
});
