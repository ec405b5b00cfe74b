import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RingBuffer } from './ring-buffer.ts';

describe('RingBuffer', () => {
  it('returns items in insertion order', () => {
    const r = new RingBuffer<number>(4);
    for (const n of [1, 2, 3]) assert.equal(r.push(n), true);
    assert.deepEqual([r.shift(), r.shift(), r.shift(), r.shift()], [1, 2, 3, undefined]);
  });
  it('refuses items when full and accepts again after a shift', () => {
    const r = new RingBuffer<number>(2);
    assert.equal(r.push(1), true);
    assert.equal(r.push(2), true);
    assert.equal(r.push(3), false);
    assert.equal(r.shift(), 1);
    assert.equal(r.push(4), true);
    assert.deepEqual([r.shift(), r.shift()], [2, 4]);
  });
  it('rejects a non-positive capacity', () => {
    assert.throws(() => new RingBuffer(0), RangeError);
  });
});
