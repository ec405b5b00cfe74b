import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { watchReadIdle } from './read-idle-watch.ts';

/** Advances the mocked clock in steps of a check, so each check sees its own time. */
const advance = (ms: number): void => { for (let t = 0; t < ms; t += 250) mock.timers.tick(250); };

describe('watchReadIdle', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'Date'] }));
  afterEach(() => mock.timers.reset());

  it('fires once after the timeout of silence, not before, and at most a quarter of it late', () => {
    const socket = { bytesRead: 0 };
    let fired = 0;
    watchReadIdle(socket, 1000, () => fired++);
    advance(750);
    assert.equal(fired, 0);
    advance(250);
    assert.equal(fired, 1);
    advance(5000);
    assert.equal(fired, 1, 'fires once');
  });

  it('bytes received restart the count, however they are spread', () => {
    const socket = { bytesRead: 0 };
    let fired = 0;
    watchReadIdle(socket, 1000, () => fired++);
    for (let i = 0; i < 20; i++) { advance(500); socket.bytesRead += 10; }
    assert.equal(fired, 0, 'a byte every half timeout keeps it alive');
    advance(1000);
    assert.equal(fired, 0, 'the last bytes were seen at the check after them: silence counts from there');
    advance(250);
    assert.equal(fired, 1);
  });

  it('stops when asked', () => {
    const socket = { bytesRead: 0 };
    let fired = 0;
    const stop = watchReadIdle(socket, 1000, () => fired++);
    advance(500);
    stop();
    advance(5000);
    assert.equal(fired, 0);
  });
});
