import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchConfFile } from './conf-watcher.ts';

async function settle(ms: number): Promise<void> { await new Promise((r) => setTimeout(r, ms)); }

/** Waits up to `ms` for `cond`. */
async function until(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await settle(20);
  return cond();
}

describe('watchConfFile', () => {
  it('reports an in-place edit once, a burst of writes at most once, and not a rewrite with the same content', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-watch-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'mediamtx.yml');
    writeFileSync(file, 'logLevel: info\n');
    let changes = 0;
    const w = watchConfFile({ file, debounceMs: 100, onChange: () => changes++ });
    t.after(() => w.close());
    writeFileSync(file, 'logLevel: debug\n');
    assert.equal(await until(() => changes === 1), true, `one change seen (${changes})`);
    for (let i = 0; i < 10; i++) writeFileSync(file, `logLevel: warn\n# ${i}\n`);
    assert.equal(await until(() => changes === 2), true, `the burst gives one more change (${changes})`);
    writeFileSync(file, 'logLevel: warn\n# 9\n');
    await settle(300);
    assert.equal(changes, 2, 'same content: no reload');
  });

  it('follows a rename-replace (editors) and a symlinked directory swap (Kubernetes ConfigMap)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-watch-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // ConfigMap layout: mediamtx.yml -> ..data/mediamtx.yml, ..data -> ..2026_1
    mkdirSync(join(dir, '..v1'));
    writeFileSync(join(dir, '..v1', 'mediamtx.yml'), 'logLevel: info\n');
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync(join('..data', 'mediamtx.yml'), join(dir, 'mediamtx.yml'));
    const file = join(dir, 'mediamtx.yml');
    let changes = 0;
    const w = watchConfFile({ file, debounceMs: 100, onChange: () => changes++ });
    t.after(() => w.close());
    mkdirSync(join(dir, '..v2'));
    writeFileSync(join(dir, '..v2', 'mediamtx.yml'), 'logLevel: debug\n');
    symlinkSync('..v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    assert.equal(await until(() => changes === 1), true, `the swap is seen (${changes})`);
    // An editor's save: write a temporary file, then rename it over the configuration.
    const direct = join(dir, 'plain.yml');
    writeFileSync(direct, 'a: 1\n');
    let directChanges = 0;
    const w2 = watchConfFile({ file: direct, debounceMs: 100, onChange: () => directChanges++ });
    t.after(() => w2.close());
    writeFileSync(join(dir, 'plain.yml.tmp'), 'a: 2\n');
    renameSync(join(dir, 'plain.yml.tmp'), direct);
    assert.equal(await until(() => directChanges === 1), true, `the rename-replace is seen (${directChanges})`);
  });
});
