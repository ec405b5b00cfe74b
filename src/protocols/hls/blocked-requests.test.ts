import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlockedRequests, type AbortSource } from './blocked-requests.ts';

/** An abort source that counts how often its signal was asked for. */
function counted(controller = new AbortController()): AbortSource & { reads: number } {
  return { reads: 0, get signal() { this.reads++; return controller.signal; } };
}

describe('BlockedRequests', () => {
  it('answers a request that is ready at once without asking for its signal', async () => {
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
    const aborted = b.wait(() => false, counted(controller), 10_000);
    controller.abort();
    assert.equal(await aborted, 'aborted');
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
