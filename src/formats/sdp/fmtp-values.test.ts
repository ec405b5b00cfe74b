import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFmtpValues, type FmtpValue } from './fmtp-values.ts';

const set = (key: string, value: string): FmtpValue => ({ key, value, isAddedWhenMissing: true });
const ifPresent = (key: string, value: string): FmtpValue => ({ key, value, isAddedWhenMissing: false });

describe('setFmtpValues', () => {
  // [fmtp before, values, fmtp after]
  const CASES: readonly [string | undefined, FmtpValue[], string][] = [
    ['a=1; b=2; c=3', [set('b', '9')], 'a=1; b=9; c=3'],
    ['a=1;b=2;c=3', [set('B', '9')], 'a=1;b=9;c=3'],
    ['a=1; B = 2 ;c=3', [set('b', '9')], 'a=1; B = 9 ;c=3'],
    ['a=1;b=2', [set('d', '4')], 'a=1;b=2;d=4'],
    ['a=1; b=2', [set('d', '4'), set('e', '5')], 'a=1; b=2; d=4; e=5'],
    ['a=1', [set('d', '4')], 'a=1; d=4'],
    ['a=1;', [set('d', '4')], 'a=1;d=4'],
    [undefined, [set('d', '4')], 'd=4'],
    ['', [set('d', '4'), set('e', '5')], 'd=4; e=5'],
    ['a=1; b=2', [ifPresent('c', '3'), ifPresent('a', '7')], 'a=7; b=2'],
    ['a=1; flag; b=2', [set('b', '3')], 'a=1; flag; b=3'],
  ];
  for (const [before, values, after] of CASES) {
    it(`'${before}' with ${values.map((v) => `${v.key}=${v.value}`).join(', ')} → '${after}'`, () => {
      assert.equal(setFmtpValues(before, values), after);
    });
  }
});
