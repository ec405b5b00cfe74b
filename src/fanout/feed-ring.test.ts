import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FeedRing } from './feed-ring.ts';

const b = (s: string | number): Buffer => Buffer.from(String(s));

describe('FeedRing', () => {
  it('is empty before any record', () => {
    const r = new FeedRing(4);
    assert.equal(r.started, false);
    assert.equal(r.end, 0);
    assert.equal(r.oldest, 0);
    for (let s = 0; s < 8; s++) assert.equal(r.get(s), undefined);
  });

  it('gets each record by its seq', () => {
    const r = new FeedRing(4);
    r.put(0, b('a'));
    r.put(1, b('b'));
    r.put(2, b('c'));
    assert.equal(r.started, true);
    assert.equal(r.end, 3);
    assert.equal(r.oldest, 0);
    assert.deepEqual([0, 1, 2, 3].map((s) => r.get(s)?.toString()), ['a', 'b', 'c', undefined]);
  });

  it('starts at the first seq it receives, not at 0', () => {
    const r = new FeedRing(4);
    r.put(100, b(100));
    assert.equal(r.started, true);
    assert.equal(r.end, 101);
    assert.equal(r.oldest, 97);
    assert.equal(r.get(100)?.toString(), '100');
    assert.equal(r.get(96), undefined);
    assert.equal(r.get(99), undefined);
  });

  it('overwrites the oldest records after its capacity', () => {
    const r = new FeedRing(4);
    for (let s = 0; s < 10; s++) r.put(s, b(s));
    assert.equal(r.end, 10);
    assert.equal(r.oldest, 6);
    assert.deepEqual([...Array(10).keys()].map((s) => r.get(s)?.toString()),
      [undefined, undefined, undefined, undefined, undefined, undefined, '6', '7', '8', '9']);
  });

  it('leaves gaps undefined, also where the slot holds an older record', () => {
    const r = new FeedRing(4);
    r.put(0, b(0));
    r.put(1, b(1));
    r.put(3, b(3)); // 2 was dropped by the main process
    assert.equal(r.end, 4);
    assert.equal(r.get(2), undefined);
    r.put(6, b(6)); // 4 and 5 dropped: slots 0 and 1 still hold records 0 and 1
    assert.equal(r.end, 7);
    assert.equal(r.oldest, 3);
    assert.equal(r.get(4), undefined, 'slot 0 holds record 0, not 4');
    assert.equal(r.get(5), undefined, 'slot 1 holds record 1, not 5');
    assert.equal(r.get(3)?.toString(), '3');
    assert.equal(r.get(6)?.toString(), '6');
    assert.equal(r.get(2), undefined, 'record 2 was replaced by 6');
  });

  it('never moves its end back', () => {
    const r = new FeedRing(8);
    r.put(5, b(5));
    r.put(3, b(3)); // late
    assert.equal(r.end, 6);
    assert.equal(r.get(3)?.toString(), '3');
    assert.equal(r.get(5)?.toString(), '5');
  });

  it('matches a map of what was put, within [oldest, end), for increasing seqs with gaps', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 16 }), fc.nat({ max: 1000 }), fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 80 }), (capacity, first, steps) => {
      const r = new FeedRing(capacity);
      const model = new Map<number, Buffer>();
      let seq = first;
      for (const step of steps) {
        const body = b(`r${seq}`);
        r.put(seq, body);
        model.set(seq, body);
        assert.equal(r.end, seq + 1);
        assert.equal(r.oldest, Math.max(0, seq + 1 - capacity));
        for (let s = Math.max(0, first - capacity); s < seq + capacity; s++) {
          const got = r.get(s);
          if (s >= r.oldest && s < r.end) assert.equal(got, model.get(s), `seq ${s}`);
          else if (got !== undefined) assert.equal(got, model.get(s), `seq ${s} outside the window is its own record or nothing`);
        }
        seq += step;
      }
    }));
  });
});
