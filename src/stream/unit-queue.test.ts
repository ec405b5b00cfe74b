import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
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

  it('starts small and grows to its capacity only when deliveries wait', () => {
    const q = new UnitQueue(512);
    const out: QueuedUnit = { cb, unit: { pts: -1 }, bytes: 0 };
    // A reader that keeps up: a few units at a time never grow it.
    for (let i = 0; i < 10_000; i++) { q.push(cb, { pts: i }, 1); q.push(cb, { pts: i }, 1); q.shiftInto(out); q.shiftInto(out); }
    assert.equal(q.slots, 16);
    for (let i = 0; i < 600; i++) assert.equal(q.push(cb, { pts: i }, i), i < 512, `push ${i}`);
    assert.equal(q.slots, 512);
    assert.equal(new UnitQueue(5).slots, 5);
  });

  it('behaves as an array bounded at its capacity, for any pushes and shifts', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), fc.array(fc.boolean(), { maxLength: 400 }), (capacity, ops) => {
      const q = new UnitQueue(capacity);
      const model: number[] = [];
      const out: QueuedUnit = { cb, unit: { pts: -1 }, bytes: 0 };
      let next = 0;
      for (const isPush of ops) {
        if (isPush) {
          const ok = q.push(cb, { pts: next }, next * 2);
          assert.equal(ok, model.length < capacity);
          if (ok) model.push(next);
          next++;
        } else {
          const had = q.shiftInto(out);
          assert.equal(had, model.length > 0);
          if (had) { const want = model.shift()!; assert.equal(out.unit.pts, want); assert.equal(out.bytes, want * 2); }
        }
        assert.equal(q.size, model.length);
        assert.ok(q.slots <= capacity);
      }
    }));
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
