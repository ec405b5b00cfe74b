import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RemoteSocket } from './remote-socket.ts';

const tick = (): Promise<void> => new Promise((r) => process.nextTick(r));

/** A RemoteSocket whose link records the calls, in order. */
function remote(): { r: RemoteSocket; calls: string[] } {
  const calls: string[] = [];
  const r = new RemoteSocket({ write: (b) => calls.push(`write ${b.toString()}`), end: () => calls.push('end'), close: () => calls.push('close') });
  return { r, calls };
}

describe('RemoteSocket', () => {
  it('end(): asks the shard once, sends nothing after it, and closes only when the shard reports the socket gone', async () => {
    const { r, calls } = remote();
    let closes = 0;
    r.on('close', () => { closes++; });
    r.write(Buffer.from('a'));
    r.end();
    r.end();
    r.write(Buffer.from('b'));
    assert.deepEqual(calls, ['write a', 'end']);
    await tick();
    assert.equal(closes, 0, 'still open until the shard says so');
    assert.equal(r.destroyed, false);
    r.ended();
    await tick();
    assert.equal(closes, 1);
    assert.equal(r.destroyed, true);
  });

  it('destroy() after end() still closes the socket on the shard', async () => {
    const { r, calls } = remote();
    r.end();
    r.destroy();
    assert.deepEqual(calls, ['end', 'close']);
  });

  it('a socket the shard closed with an error is closed when its error listener runs: destroying it asks nothing of the shard', async () => {
    const { r, calls } = remote();
    const order: string[] = [];
    r.on('error', (e: Error) => { order.push(`error ${e.message}`); assert.equal(r.destroyed, true); r.destroy(); });
    r.on('close', () => order.push('close'));
    r.ended('write timeout');
    await tick();
    assert.deepEqual(order, ['error write timeout', 'close']);
    assert.deepEqual(calls, []);
  });
});
