import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RemoteSocket } from './remote-socket.ts';

const tick = (): Promise<void> => new Promise((r) => process.nextTick(r));

/** A RemoteSocket whose link records the calls, in order. */
function remote(): { r: RemoteSocket; calls: string[] } {
  const calls: string[] = [];
  const r = new RemoteSocket({ write: (b) => calls.push(`write ${b.toString()}`), end: () => calls.push('end'), close: () => calls.push('close'),
    hold: () => calls.push('hold'), resume: (seq) => calls.push(`resume ${seq}`) });
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
  it('holdFeed()/resumeFeed(): asked of the shard in order with the writes, and not after end() or a close', () => {
    const { r, calls } = remote();
    r.holdFeed();
    r.write(Buffer.from('200 PAUSE'));
    r.write(Buffer.from('200 PLAY'));
    r.resumeFeed(42);
    r.end();
    r.holdFeed();
    r.resumeFeed(43);
    assert.deepEqual(calls, ['hold', 'write 200 PAUSE', 'write 200 PLAY', 'resume 42', 'end']);
  });
  it('reported(): adds the counters and calls onBytes and onDrops with what changed, only when it did', () => {
    const { r } = remote();
    const bytes: number[] = [];
    const drops: number[] = [];
    r.onBytes = (n) => bytes.push(n);
    r.onDrops = (n) => drops.push(n);
    r.reported(100, 0, 5);
    r.reported(0, 3, 0);
    r.reported(7, 2, 1);
    assert.deepEqual(bytes, [100, 7]);
    assert.deepEqual(drops, [3, 2]);
    assert.equal(r.bytesWritten, 107);
    assert.equal(r.discarded, 5);
    assert.equal(r.writableLength, 1);
  });
});
