import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Conf } from '../conf/index.ts';
import { loadConf } from '../conf/index.ts';
import { Logger } from '../lib/index.ts';
import { LISTENERS, startAppFromFile } from '../../test/support/app.ts';
import { httpPost } from '../../test/support/http.ts';
import { watchAndReload } from './conf-reloader.ts';

let dirs: string[] = [];
afterEach(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); dirs = []; });

describe('watchAndReload beside API changes written to the file (apiPersist)', () => {
  it('never applies a copy of the file read before an API change in flight was written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-reload-')); dirs.push(dir);
    const file = join(dir, 'mediamtx.yml');
    writeFileSync(file, `${LISTENERS}\napi: yes\napiPersist: yes\npaths:\n  cam:\n`);
    const srv = await startAppFromFile(file);
    const lines: string[] = [];
    const watcher = watchAndReload({
      app: srv.app, file, debounceMs: 20, load: () => loadConf({ path: file, env: {} }),
      log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }),
    });
    // Applying takes 150 ms here (as closing a publisher can): the file watcher's timer for the add's write fires
    // while the removal is being applied, before the removal is written.
    const apply = srv.app.applyConf.bind(srv.app);
    srv.app.applyConf = async (next: Conf) => { await sleep(150); return apply(next); };
    try {
      assert.equal((await httpPost(srv.apiPort, '/v1/config/paths/add/added', {})).status, 200);
      assert.equal((await httpPost(srv.apiPort, '/v1/config/paths/remove/added', {})).status, 200);
      // Watch what is in force until both writes have been reloaded (20 ms quiet time + 150 ms apply each).
      const seen = new Set<string>();
      for (const end = Date.now() + 800; Date.now() < end; await sleep(5)) seen.add(Object.keys(srv.app.currentConf.paths).join(','));
      assert.deepEqual([...seen], ['cam'], 'the removed path never comes back');
      assert.ok(lines.some((l) => l.includes('configuration file changed, reloading')), `the watcher reloaded: ${lines.join('\n')}`);
    } finally {
      watcher.close();
      await srv.close();
    }
  });
});
