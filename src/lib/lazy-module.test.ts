import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lazyModule } from './lazy-module.ts';

describe('lazyModule', () => {
  it('imports once and shares the pending promise between callers', async () => {
    let imports = 0;
    const m = lazyModule('test module', async () => { imports++; return { value: 42 }; });
    assert.equal(m.loaded, undefined);
    const [a, b] = await Promise.all([m.load(), m.load()]);
    assert.equal(a, b);
    assert.equal(await m.load(), a);
    assert.equal(m.loaded, a);
    assert.equal(m.get().value, 42);
    assert.equal(imports, 1);
  });
  it('rejects every waiting caller with an error naming the module, then tries again', async () => {
    let imports = 0;
    const m = lazyModule('RTSP connections', async () => {
      imports++;
      if (imports === 1) throw new Error('ENOENT: no such file');
      return { value: 1 };
    });
    const results = await Promise.allSettled([m.load(), m.load()]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.match((r.reason as Error).message, /^cannot load RTSP connections: ENOENT/);
    }
    assert.equal(imports, 1);
    assert.equal(m.loaded, undefined);
    assert.equal((await m.load()).value, 1);
    assert.equal(imports, 2);
  });
  it('refuses get() before a load succeeded', () => {
    const m = lazyModule('HLS requests', async () => ({}));
    assert.throws(() => m.get(), /HLS requests used before it was loaded/);
  });
  it('loads a real module with a dynamic import', async () => {
    const m = lazyModule('ring buffer', () => import('./ring-buffer.ts'));
    assert.equal(typeof (await m.load()).RingBuffer, 'function');
  });
});
