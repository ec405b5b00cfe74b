import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
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

  it('appends to the log file destination', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'log-')), 'mediamtx.log');
    const log = Logger.create({ level: 'info', destinations: ['file'], file });
    log.info('hello');
    log.info('world');
    assert.match(readFileSync(file, 'utf8'), /INF hello\n.*INF world\n$/);
  });

  it('formats local time with zero padding', () => {
    assert.equal(formatTime(new Date(2026, 0, 2, 3, 4, 5)), '2026/01/02 03:04:05');
  });
});
