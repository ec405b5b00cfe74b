import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rescale } from './clock.ts';

describe('rescale', () => {
  // [value, from, to, truncated, rounded]
  const CASES: readonly [number, number, number, number, number][] = [
    [40, 1000, 90000, 3600, 3600],           // RTMP ms → 90 kHz
    [26, 1000, 44100, 1146, 1147],           // 1146.6 ticks
    [3003, 90000, 1000, 33, 33],             // 33.37 ms
    [3046, 90000, 1000, 33, 34],             // 33.84 ms
    [1152, 44100, 90000, 2351, 2351],        // an MP3 frame at 44.1 kHz in 90 kHz ticks
    [2 ** 40 + 7, 90000, 90000, 2 ** 40 + 7, 2 ** 40 + 7],
    [-3600, 90000, 1000, -40, -40],
  ];
  for (const [value, from, to, trunc, round] of CASES) {
    it(`${value} ticks of ${from} Hz are ${trunc} (truncated) or ${round} (rounded) ticks of ${to} Hz`, () => {
      assert.equal(rescale(value, from, to), trunc);
      assert.equal(rescale(value, from, to, 'round'), round);
    });
  }

  it('does not drift on large integer values', () => {
    const ms = 10 * 24 * 3600 * 1000 + 123; // ten days
    assert.equal(rescale(ms, 1000, 90000), ms * 90);
    assert.equal(rescale(rescale(ms, 1000, 90000), 90000, 1000), ms);
  });
});
