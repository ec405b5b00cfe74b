import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SharedJoin, SHARED_JOIN_MAX_BYTES, SHARED_JOIN_MAX_PARTS } from './shared-join.ts';

const bytesOf = (parts: readonly Buffer[]): number => parts.reduce((n, p) => n + p.length, 0);

test('the same parts (the same objects) give the same joined buffer; equal bytes in other objects do not', () => {
  const j = new SharedJoin();
  const a = Buffer.from('audio');
  const v = Buffer.from('video');
  const first = j.join([a, v], 10);
  assert.equal(first.toString(), 'audiovideo');
  assert.equal(j.join([a, v], 10), first, 'a second reader with the same batch gets the same buffer');
  const other = j.join([Buffer.from('audio'), v], 10);
  assert.notEqual(other, first, 'identity, not content, decides: a part made elsewhere is not assumed the same');
  assert.equal(other.toString(), 'audiovideo');
  assert.notEqual(j.join([v, a], 10), first, 'order matters');
  assert.notEqual(j.join([a, v, a], 15), first, 'length matters');
});

test('it remembers the last four batches, then forgets the oldest; clear forgets all', () => {
  const j = new SharedJoin();
  const batches = Array.from({ length: 5 }, (_, i) => [Buffer.from(`a${i}`), Buffer.from(`v${i}`)]);
  const joined = batches.map((b) => j.join(b, 4));
  for (let i = 1; i < 5; i++) assert.equal(j.join(batches[i]!, 4), joined[i], `batch ${i} is remembered`);
  assert.notEqual(j.join(batches[0]!, 4), joined[0], 'the oldest was replaced');
  j.clear();
  assert.notEqual(j.join(batches[4]!, 4), joined[4]);
});

test('fits: more than one part, at most the part and byte limits', () => {
  const one = Buffer.alloc(1);
  assert.equal(SharedJoin.fits([one], 1), false, 'a single part is written as it is');
  assert.equal(SharedJoin.fits([one, one], 2), true);
  assert.equal(SharedJoin.fits(Array<Buffer>(SHARED_JOIN_MAX_PARTS).fill(one), SHARED_JOIN_MAX_PARTS), true);
  assert.equal(SharedJoin.fits(Array<Buffer>(SHARED_JOIN_MAX_PARTS + 1).fill(one), SHARED_JOIN_MAX_PARTS + 1), false);
  assert.equal(SharedJoin.fits([one, one], SHARED_JOIN_MAX_BYTES + 1), false);
});

test('property: a join is the parts concatenated, whatever was joined before', () => {
  fc.assert(fc.property(
    fc.array(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }),
    fc.array(fc.nat(), { maxLength: 12 }),
    (batches, repeats) => {
      const j = new SharedJoin();
      const made = batches.map((b) => b.map((u) => Buffer.from(u)));
      // Join each batch, and some earlier ones again (as readers that lag would).
      const order = [...made.keys(), ...repeats.map((r) => r % made.length)];
      for (const i of order) {
        const parts = made[i]!;
        assert.deepEqual(j.join(parts, bytesOf(parts)), Buffer.concat(parts));
      }
    },
  ));
});
