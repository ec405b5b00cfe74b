import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { abortSourceOf, BlockedRequests, type AbortSource } from './blocked-requests.ts';

/** The abort source of `controller`'s signal, counting how often it was hooked and unhooked. */
function counted(controller = new AbortController()): AbortSource & { reads: number; unhooks: number } {
  const source = abortSourceOf(controller.signal);
  return {
    reads: 0, unhooks: 0,
    onAbort(cb) {
      this.reads++;
      const unhook = source.onAbort(cb);
      return unhook && (() => { this.unhooks++; unhook(); });
    },
  };
}

describe('BlockedRequests', () => {
  it('answers a request that is ready at once without hooking its abort', async () => {
    const b = new BlockedRequests();
    const abort = counted();
    assert.equal(await b.wait(() => true, abort, 1000), 'ready');
    assert.equal(abort.reads, 0);
    assert.equal(b.size, 0);
  });

  it('holds a request until wake() finds it ready, with no polling', async () => {
    const b = new BlockedRequests();
    let ready = false;
    let checks = 0;
    const waiting = b.wait(() => { checks++; return ready; }, counted(), 10_000);
    assert.equal(b.size, 1);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(checks, 1, 'checked once on entry, then only by wake()');
    b.wake();
    assert.equal(b.size, 1, 'still not ready');
    ready = true;
    b.wake();
    assert.equal(await waiting, 'ready');
    assert.equal(b.size, 0);
  });

  it('ends a wait on timeout, on abort and on close, releasing the waiter each time', async () => {
    const b = new BlockedRequests();
    // The wait's timer does not keep the process alive (the request's socket does): a ref'd sleep stands in for it.
    const [timedOut] = await Promise.all([b.wait(() => false, counted(), 20), new Promise((r) => setTimeout(r, 60))]);
    assert.equal(timedOut, 'timeout');
    const controller = new AbortController();
    const abortable = counted(controller);
    const aborted = b.wait(() => false, abortable, 10_000);
    controller.abort();
    assert.equal(await aborted, 'aborted');
    const readied = counted();
    let ready = false;
    const woken = b.wait(() => ready, readied, 10_000);
    ready = true;
    b.wake();
    assert.equal(await woken, 'ready');
    assert.deepEqual([abortable.reads, readied.reads, readied.unhooks], [1, 1, 1], 'hooked once per wait, unhooked once settled');
    const gone = new AbortController();
    gone.abort();
    assert.equal(await b.wait(() => false, counted(gone), 10_000), 'aborted', 'a client already gone does not wait');
    const closed = b.wait(() => false, counted(), 10_000);
    b.close();
    assert.equal(await closed, 'closed');
    assert.equal(await b.wait(() => false, counted(), 10_000), 'closed', 'later waits end at once');
    assert.equal(b.size, 0);
  });
});
