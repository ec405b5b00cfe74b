import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loopBusy } from './loop-load.ts';

const spin = (ms: number): void => { const end = performance.now() + ms; while (performance.now() < end); };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('loopBusy (the event loop\'s busy share, for fan-out on demand)', () => {
  it('is near 1 after a second of running code, near 0 after a second of waiting, and holds between windows', async () => {
    loopBusy();
    await sleep(1100);
    const idle = loopBusy();
    assert.ok(idle < 0.3, `idle: ${idle}`);
    spin(1100);
    const busy = loopBusy();
    assert.ok(busy > 0.8, `busy: ${busy}`);
    // Inside the next window the last measure stands.
    assert.equal(loopBusy(), busy);
    await sleep(1100);
    assert.ok(loopBusy() < 0.3, 'back to idle');
  });
});
