import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseH264Sps } from './h264-sps.ts';

/** Bits written MSB first, with ue(v) (H.264 §9.1), into an SPS NAL unit with RBSP trailing bits. */
function sps(fields: (string | number)[]): Buffer {
  let bits = '';
  for (const f of fields) bits += typeof f === 'string' ? f : `${'0'.repeat((f + 1).toString(2).length - 1)}${(f + 1).toString(2)}`;
  bits += '1';
  while (bits.length % 8) bits += '0';
  const out = [0x67];
  for (let i = 0; i < bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(out);
}

// Baseline (66), level 3.0, POC type 2, 20×15 macroblocks (320×240), progressive, no VUI, then the cropping offsets.
const baseline = (crop?: [number, number, number, number]): Buffer => sps([
  '01000010', '00000000', '00011110', 0, 0, 2, 1, '0', 19, 14, '1', '1', crop ? '1' : '0', ...(crop ?? []), '0',
]);

describe('H264 SPS', () => {
  it('picture size with and without frame cropping (4:2:0 crop units of 2 luma samples)', () => {
    assert.deepEqual([parseH264Sps(baseline()).width, parseH264Sps(baseline()).height], [320, 240]);
    const cropped = parseH264Sps(baseline([0, 4, 0, 4]));
    assert.deepEqual([cropped.width, cropped.height], [312, 232]);
  });

  it('ignores cropping that leaves no picture, as FFmpeg does, instead of giving a size of 0 or less', () => {
    const s = parseH264Sps(baseline([0, 200, 0, 0]));
    assert.deepEqual([s.width, s.height], [320, 240]);
    const t = parseH264Sps(baseline([0, 0, 60, 2 ** 31]));
    assert.deepEqual([t.width, t.height], [320, 240]);
  });
});
