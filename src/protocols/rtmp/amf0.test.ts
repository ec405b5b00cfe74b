import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeAmf0, encodeAmf0, encodeAmf0EcmaArray, type AmfValue } from './amf0.ts';
import { AmfError } from './rtmp-errors.ts';

const f64 = (v: number): number[] => { const b = Buffer.alloc(8); b.writeDoubleBE(v); return [...b]; };
const num = (v: number): number[] => [0x00, ...f64(v)];
const key = (s: string): number[] => { const b = Buffer.from(s, 'utf8'); return [b.length >> 8, b.length & 0xff, ...b]; };
const str = (s: string): number[] => [0x02, ...key(s)];
const END = [0x00, 0x00, 0x09];

/** Throws unless `fn` throws an AmfError (and nothing else: no RangeError, TypeError, …). */
const onlyAmfError = (fn: () => unknown): void => {
  try { fn(); } catch (e) { assert.ok(e instanceof AmfError, `expected AmfError, got ${String(e)}`); }
};

const amfValue = fc.letrec<{ v: AmfValue }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' },
    fc.double(), fc.boolean(), fc.string({ maxLength: 20, unit: 'grapheme' }), fc.constant(null), fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8, unit: 'grapheme' }), tie('v'), { maxKeys: 4, noNullPrototype: true })),
})).v;

describe('AMF0', () => {
  // Hand-written from the AMF0 spec §2: marker byte, then the type's payload.
  const VECTORS: [string, AmfValue, number[]][] = [
    ['number 1.5', 1.5, num(1.5)],
    ['number -0', -0, num(-0)],
    ['number Infinity', Infinity, num(Infinity)],
    ['boolean true', true, [0x01, 0x01]],
    ['boolean false', false, [0x01, 0x00]],
    ['string', 'ab', str('ab')],
    ['empty string', '', [0x02, 0, 0]],
    ['UTF-8 string (length in bytes)', 'é€', [0x02, 0, 5, 0xc3, 0xa9, 0xe2, 0x82, 0xac]],
    ['null', null, [0x05]],
    ['undefined', undefined, [0x06]],
    ['date (ms since epoch, then a u16 time zone)', new Date(86_400_000), [0x0b, ...f64(86_400_000), 0, 0]],
    ['object', { a: 1 }, [0x03, ...key('a'), ...num(1), ...END]],
    ['empty object', {}, [0x03, ...END]],
    ['nested object', { a: { b: null }, c: 'x' }, [0x03, ...key('a'), 0x03, ...key('b'), 0x05, ...END, ...key('c'), ...str('x'), ...END]],
    ['strict array', [1, 'x'], [0x0a, 0, 0, 0, 2, ...num(1), ...str('x')]],
    ['empty strict array', [], [0x0a, 0, 0, 0, 0]],
  ];
  for (const [name, value, bytes] of VECTORS) {
    it(`${name}: encodes to and decodes from the spec bytes`, () => {
      assert.deepEqual([...encodeAmf0(value)], bytes);
      assert.deepEqual(decodeAmf0(Buffer.from(bytes)), [value]);
    });
  }

  it('ECMA array (0x08, u32 count, properties, end marker): encodes and decodes to a plain object', () => {
    const bytes = [0x08, 0, 0, 0, 2, ...key('width'), ...num(320), ...key('live'), 0x01, 0x01, ...END];
    assert.deepEqual([...encodeAmf0EcmaArray({ width: 320, live: true })], bytes);
    assert.deepEqual(decodeAmf0(Buffer.from(bytes)), [{ width: 320, live: true }]);
    // The count is only a hint: a wrong one must neither break decoding nor allocate.
    assert.deepEqual(decodeAmf0(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, ...key('a'), 0x05, ...END])), [{ a: null }]);
  });

  it('long string (0x0c, u32 length) decodes, and strings beyond 65535 UTF-8 bytes encode as one', () => {
    assert.deepEqual(decodeAmf0(Buffer.from([0x0c, 0, 0, 0, 2, 0x68, 0x69])), ['hi']);
    const long = 'é'.repeat(40_000); // 80 000 bytes, 40 000 UTF-16 units
    const enc = encodeAmf0(long);
    assert.deepEqual([...enc.subarray(0, 5)], [0x0c, 0, 0x01, 0x38, 0x80]);
    assert.deepEqual(decodeAmf0(enc), [long]);
    assert.equal(encodeAmf0('x'.repeat(0xffff))[0], 0x02);
  });

  it('decodes a sequence of values, as in a command message body', () => {
    const body = [...str('connect'), ...num(1), 0x03, ...key('app'), ...str('live'), ...END, 0x05];
    assert.deepEqual(decodeAmf0(Buffer.from(body)), ['connect', 1, { app: 'live' }, null]);
    assert.deepEqual([...encodeAmf0('connect', 1, { app: 'live' }, null)], body);
    assert.deepEqual(decodeAmf0(Buffer.alloc(0)), []);
  });

  it('round-trips generated values', () => {
    fc.assert(fc.property(fc.array(amfValue, { maxLength: 4 }), (vs) => {
      assert.deepEqual(decodeAmf0(encodeAmf0(...vs)), vs);
    }));
  });

  it('refuses every strict prefix of an encoded value with AmfError', () => {
    fc.assert(fc.property(amfValue, (v) => {
      const enc = encodeAmf0(v);
      for (let i = 1; i < enc.length; i++) assert.throws(() => decodeAmf0(enc.subarray(0, i)), AmfError);
    }), { numRuns: 300 });
  });

  it('keeps a `__proto__` key from the wire as a plain property', () => {
    const v = decodeAmf0(Buffer.from([0x03, ...key('__proto__'), ...num(1), ...END]))[0] as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('decodes moderate nesting (32 levels of objects and arrays)', () => {
    let v: AmfValue = 'leaf';
    for (let i = 0; i < 32; i++) v = i % 2 ? [v] : { k: v };
    assert.deepEqual(decodeAmf0(encodeAmf0(v)), [v]);
  });

  for (const [name, unit] of [
    ['objects', [0x03, ...key('a')]],
    ['ECMA arrays', [0x08, 0, 0, 0, 1, ...key('a')]],
    ['strict arrays', [0x0a, 0, 0, 0, 1]],
  ] as const) {
    it(`refuses 100 000 nested ${name} with AmfError, quickly and without overflowing the stack`, () => {
      const deep = Buffer.concat(Array.from({ length: 100_000 }, () => Buffer.from(unit)));
      const t0 = performance.now();
      assert.throws(() => decodeAmf0(deep), (e: unknown) => e instanceof AmfError && /nesting/.test(e.message));
      assert.ok(performance.now() - t0 < 200, 'the depth limit stops decoding early');
    });
  }

  it('refuses to encode 100 000 nested values with AmfError (no RangeError)', () => {
    let arr: AmfValue = null;
    let obj: AmfValue = null;
    for (let i = 0; i < 100_000; i++) { arr = [arr]; obj = { o: obj }; }
    assert.throws(() => encodeAmf0(arr), AmfError);
    assert.throws(() => encodeAmf0(obj), AmfError);
    assert.throws(() => encodeAmf0EcmaArray({ o: obj }), AmfError);
  });

  it('refuses truncated data, unknown markers, object-end at top level and huge declared lengths', () => {
    for (const bytes of [
      [0x00, 0, 0], [0x01], [0x02, 0, 5, 0x61], [0x0c, 0xff, 0xff, 0xff, 0xff], [0x03, ...key('a')], [0x03, 0, 0],
      [0x0b, ...f64(0)], [0x0a, 0xff, 0xff, 0xff, 0xff], [0x0a, 0, 0, 0, 2, 0x05], [0x09], [0x04], [0x0d], [0x11], [0xff],
    ]) assert.throws(() => decodeAmf0(Buffer.from(bytes)), AmfError, `bytes ${bytes.join(',')}`);
  });

  it('throws AmfError and nothing else on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => onlyAmfError(() => decodeAmf0(Buffer.from(b)))), { numRuns: 5000 });
    // Biased towards container markers, so that the decoder goes deep into nested structures.
    const biased = fc.array(fc.oneof(fc.constantFrom(0x00, 0x02, 0x03, 0x08, 0x09, 0x0a, 0x0b, 0x0c), fc.integer({ min: 0, max: 255 })), { maxLength: 200 });
    fc.assert(fc.property(biased, (b) => onlyAmfError(() => decodeAmf0(Buffer.from(b)))), { numRuns: 3000 });
  });
});
