import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ApiError } from './api-error.ts';
import { paginate } from './v3-paginate.ts';

const q = (s: string): URLSearchParams => new URLSearchParams(s);
const items = Array.from({ length: 7 }, (_, i) => i);

describe('v3 paginate', () => {
  it('gives 100 items per page from page 0 by default, and 0 pages for no items', () => {
    assert.deepEqual(paginate(items, q('')), { itemCount: 7, pageCount: 1, items });
    assert.deepEqual(paginate(Array.from({ length: 250 }, (_, i) => i), q('')).pageCount, 3);
    assert.deepEqual(paginate([], q('')), { itemCount: 0, pageCount: 0, items: [] });
  });

  it('cuts pages by itemsPerPage and page, the last one short and pages past the end empty', () => {
    assert.deepEqual(paginate(items, q('itemsPerPage=3')), { itemCount: 7, pageCount: 3, items: [0, 1, 2] });
    assert.deepEqual(paginate(items, q('itemsPerPage=3&page=2')), { itemCount: 7, pageCount: 3, items: [6] });
    assert.deepEqual(paginate(items, q('itemsPerPage=3&page=9')), { itemCount: 7, pageCount: 3, items: [] });
  });

  it('refuses itemsPerPage=0 and values that are not unsigned 31-bit decimals with 400', () => {
    for (const bad of ['itemsPerPage=0', 'itemsPerPage=-1', 'itemsPerPage=1.5', 'page=x', 'page=2147483648', 'itemsPerPage=0x10']) {
      assert.throws(() => paginate(items, q(bad)), (e: unknown) => e instanceof ApiError && e.status === 400, bad);
    }
  });

  it('always returns every item exactly once across its pages', () => {
    fc.assert(fc.property(fc.nat(300), fc.integer({ min: 1, max: 50 }), (n, per) => {
      const all = Array.from({ length: n }, (_, i) => i);
      const first = paginate(all, q(`itemsPerPage=${per}`));
      const seen = Array.from({ length: first.pageCount }, (_, p) => paginate(all, q(`itemsPerPage=${per}&page=${p}`)).items).flat();
      assert.deepEqual(seen, all);
      assert.equal(first.itemCount, n);
    }));
  });
});
