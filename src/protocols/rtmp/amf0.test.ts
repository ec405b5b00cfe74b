import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeAmf0, encodeAmf0, encodeAmf0EcmaArray, type AmfValue } from './amf0.ts';

const num = (v: number): number[] => { const b = Buffer.alloc(8); b.writeDoubleBE(v); return [0x00, ...b]; };
const str = (s: string): number[] => [0x02, 0, s.length, ...Buffer.from(s)];

describe('AMF0', () => {
  const VECTORS: [string, AmfValue, number[]][] = [
    ['number', 1.5, num(1.5)],
    ['boolean', true, [0x01, 1]],
    ['string', 'ab', str('ab')],
    ['null', null, [0x05]],
    ['object', { a: 1 }, [0x03, 0, 1, 0x61, ...num(1), 0, 0, 0x09]],
    ['strict array', [1, 'x'], [0x0a, 0, 0, 0, 2, ...num(1), ...str('x')]],
  ];
  for (const [name, value, bytes] of VECTORS) {
    it(`${name}: encodes and decodes (AMF0 spec §2)`, () => {
      assert.deepEqual([...encodeAmf0(value)], bytes);
      assert.deepEqual(decodeAmf0(Buffer.from(bytes)), [value]);
    });
  }

  it('decodes undefined, ECMA arrays and dates', () => {
    assert.deepEqual(decodeAmf0(Buffer.from([0x06])), [undefined]);
    assert.deepEqual(decodeAmf0(Buffer.concat([encodeAmf0EcmaArray({ w: 320 })])), [{ w: 320 }]);
    const date = decodeAmf0(Buffer.from([0x0b, ...num(86_400_000).slice(1), 0, 0]))[0];
    assert.ok(date instanceof Date && date.getTime() === 86_400_000);
  });

  it('round-trips generated values', () => {
    const value = fc.letrec<{ v: AmfValue }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.double({ noNaN: true }), fc.boolean(), fc.string({ maxLength: 20 }), fc.constant(null),
        fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('v'), { maxKeys: 4, noNullPrototype: true })),
    })).v;
    fc.assert(fc.property(fc.array(value, { maxLength: 4 }), (vs) => {
      assert.deepEqual(decodeAmf0(encodeAmf0(...vs)), vs);
    }));
  });

  it('keeps a `__proto__` key from the wire as a plain property', () => {
    const v = decodeAmf0(Buffer.from([0x03, 0, 9, ...Buffer.from('__proto__'), ...num(1), 0, 0, 0x09]))[0] as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ['__proto__']);
  });

  it('refuses 100 000 levels of nesting quickly, without overflowing the stack', () => {
    const deep = Buffer.alloc(100_000 * 5, Buffer.from([0x0a, 0, 0, 0, 1]));
    const t0 = performance.now();
    assert.throws(() => decodeAmf0(deep), { name: 'AmfError', message: /nesting/ });
    assert.ok(performance.now() - t0 < 100);
    assert.throws(() => decodeAmf0(Buffer.alloc(100_000, 0x03)), { name: 'AmfError' });
  });

  it('throws AmfError and nothing else on arbitrary bytes, also for huge declared counts', () => {
    assert.throws(() => decodeAmf0(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff])), { name: 'AmfError' });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      try { decodeAmf0(Buffer.from(b)); } catch (e) { assert.equal((e as Error).name, 'AmfError'); }
    }), { numRuns: 5000 });
  });
});
