import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UnitQueue, type QueuedUnit } from './unit-queue.ts';

const cb = (): void => undefined;

describe('UnitQueue', () => {
  it('delivers in order, refuses when full, and wraps around its arrays', () => {
    const q = new UnitQueue(3);
    const out: QueuedUnit = { cb, unit: { pts: -1 }, bytes: 0 };
    const got: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 4; i++) assert.equal(q.push(cb, { pts: round * 10 + i }, i), i < 3, `round ${round} push ${i}`);
      assert.equal(q.size, 3);
      while (q.shiftInto(out)) got.push(out.unit.pts, out.bytes);
    }
    assert.deepEqual(got, [0, 0, 1, 1, 2, 2, 10, 0, 11, 1, 12, 2, 20, 0, 21, 1, 22, 2, 30, 0, 31, 1, 32, 2]);
    assert.equal(q.shiftInto(out), false);
  });

  it('drops everything on clear', () => {
    const q = new UnitQueue(2);
    q.push(cb, { pts: 1 }, 1);
    q.clear();
    assert.equal(q.size, 0);
    assert.equal(q.shiftInto({ cb, unit: { pts: 0 }, bytes: 0 }), false);
    assert.throws(() => new UnitQueue(0), RangeError);
  });
});
