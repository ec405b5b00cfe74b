import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteQueue } from './byte-queue.ts';

const queueOf = (...pieces: number[][]): ByteQueue => {
  const q = new ByteQueue();
  for (const p of pieces) q.push(Buffer.from(p));
  return q;
};

describe('ByteQueue', () => {
  it('reads integers that straddle pieces as if the pieces were joined', () => {
    const q = queueOf([1], [2, 3], [], [4, 5, 6]);
    assert.equal(q.length, 6);
    assert.equal(q.at(3), 4);
    assert.equal(q.uintBE(0, 3), 0x010203);
    assert.equal(q.uintBE(2, 4), 0x03040506);
    assert.equal(q.uint32LE(1), 0x05040302);
    assert.throws(() => q.at(6), RangeError);
  });

  it('takes whole pieces as themselves and cut pieces as views, without copying', () => {
    const a = Buffer.from([1, 2, 3]);
    const b = Buffer.from([4, 5, 6, 7]);
    const q = new ByteQueue();
    q.push(a);
    q.push(b);
    q.skip(1);
    const parts: Buffer[] = [];
    q.take(4, parts);
    assert.deepEqual(parts.map((p) => [...p]), [[2, 3], [4, 5]]);
    assert.equal(parts[0]!.buffer, a.buffer);
    assert.equal(parts[1]!.buffer, b.buffer);
    const rest: Buffer[] = [];
    q.take(2, rest);
    assert.deepEqual(rest.map((p) => [...p]), [[6, 7]]);
    assert.equal(q.length, 0);
    const whole = Buffer.from([8, 9]);
    q.push(whole);
    const again: Buffer[] = [];
    q.take(2, again);
    assert.equal(again[0], whole);
  });

  it('keeps its order across the bulk drop of consumed pieces (hundreds of one-byte pieces, pushes between takes)', () => {
    const q = new ByteQueue();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 40; i++) q.push(Buffer.from([next++ & 0xff]));
      const parts: Buffer[] = [];
      q.take(Math.min(q.length, 30 + (round % 7)), parts);
      for (const p of parts) out.push(...p);
      if (q.length > 0) assert.equal(q.at(0), out.length & 0xff);
    }
    const rest: Buffer[] = [];
    q.take(q.length, rest);
    for (const p of rest) out.push(...p);
    assert.deepEqual(out, Array.from({ length: 2000 }, (_, i) => i & 0xff));
  });

  it('refuses to take more than it holds, and keeps its bytes', () => {
    const q = queueOf([1, 2]);
    assert.throws(() => q.skip(3), RangeError);
    assert.equal(q.length, 2);
    assert.equal(q.uintBE(0, 2), 0x0102);
  });

  it('gives the same bytes and integers as the joined buffer, for any pieces and any skips', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 8 }), fc.array(fc.nat(6), { maxLength: 10 }),
      (arrays, steps) => {
        const q = new ByteQueue();
        for (const a of arrays) q.push(Buffer.from(a));
        let joined = Buffer.concat(arrays.map((a) => Buffer.from(a)));
        for (const step of steps) {
          assert.equal(q.length, joined.length);
          for (let i = 0; i < joined.length; i++) assert.equal(q.at(i), joined[i]);
          for (let size = 1; size <= 4; size++) {
            for (let i = 0; i + size <= joined.length; i++) assert.equal(q.uintBE(i, size), joined.readUIntBE(i, size));
          }
          for (let i = 0; i + 4 <= joined.length; i++) assert.equal(q.uint32LE(i), joined.readUInt32LE(i));
          const n = Math.min(step, joined.length);
          const parts: Buffer[] = [];
          q.take(n, parts);
          assert.deepEqual(Buffer.concat(parts), joined.subarray(0, n));
          assert.ok(parts.every((p) => p.length > 0));
          joined = joined.subarray(n);
        }
      }), { numRuns: 500 });
  });
});
