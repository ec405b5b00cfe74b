import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { annexBToNalus } from './annexb.ts';

const hex = (ns: Uint8Array[]): string[] => ns.map((n) => Buffer.from(n).toString('hex'));

describe('Annex B', () => {
  it('splits on 3- and 4-byte start codes, dropping trailing zeros and empty units', () => {
    assert.deepEqual(hex(annexBToNalus(Buffer.from('00000001674200000001680000016500000165aa', 'hex'))), ['6742', '68', '65', '65aa']);
  });

  it('stops at the first NAL unit past maxNalus, before viewing the rest of the buffer', () => {
    const many = Buffer.alloc(4 * 100_000);
    for (let i = 0; i < many.length; i += 4) many.set([0, 0, 1, 9], i);
    assert.throws(() => annexBToNalus(many, 50), { name: 'CodecError', message: /more than 50 NAL units/ });
    assert.equal(annexBToNalus(many.subarray(0, 4 * 50), 50).length, 50);
  });

  it('gives the same units with any limit at least their count', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 6 }), { maxLength: 12 }), (units) => {
      const b = Buffer.concat(units.flatMap((u) => [Buffer.from([0, 0, 0, 1]), Buffer.from(u)]));
      const all = annexBToNalus(b);
      assert.deepEqual(hex(annexBToNalus(b, all.length)), hex(all));
      if (all.length > 0) assert.throws(() => annexBToNalus(b, all.length - 1), { name: 'CodecError' });
    }), { numRuns: 300 });
  });
});
