import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { av1Format, h264Format, h265Format, type H264Format } from '../formats/index.ts';
import { unitRemuxer } from './unit-remuxer.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
const SPS = hex('6742c01e95a0508a');
const PPS = hex('68ce3c80');
const nalu = (type: number, fill = 1): Buffer => Buffer.from([type, fill, fill]);
const [AUD, SEI, IDR, SLICE] = [nalu(9), nalu(6), nalu(0x65), nalu(0x41)];
const IN_SPS = hex('6742c01e00'); // another SPS, in band
const IN_PPS = hex('68ce00');

describe('unit remuxer', () => {
  const h264 = unitRemuxer('h264')!;
  const known = h264Format(96, SPS, PPS);
  const unknown: H264Format = { codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() };

  // [name, format, access unit in, access unit out (undefined: nothing left)]
  const H264_CASES: readonly [string, H264Format, Buffer[], Buffer[] | undefined][] = [
    ['puts the format parameter sets before an IDR', known, [SEI, IDR], [SPS, PPS, SEI, IDR]],
    ['replaces in-band parameter sets by the format ones before an IDR', known, [IN_SPS, IN_PPS, IDR], [SPS, PPS, IDR]],
    ['drops access unit delimiters', known, [AUD, SLICE], [SLICE]],
    ['drops AUDs and parameter sets of a non-IDR access unit', known, [AUD, IN_SPS, IN_PPS, SLICE], [SLICE]],
    ['leaves an IDR alone when the format has no parameter sets', unknown, [AUD, IDR], [IDR]],
    ['leaves nothing of an access unit of parameter sets only', known, [AUD, IN_SPS, IN_PPS], undefined],
  ];
  for (const [name, f, au, want] of H264_CASES) {
    it(`H264: ${name}`, () => assert.deepEqual(h264(f, au, false), want));
  }

  it('H264: returns the same array when nothing changes (no copy per unit)', () => {
    const au = [SEI, SLICE];
    assert.equal(h264(known, au, false), au);
  });

  it('H265: VPS/SPS/PPS before each IRAP picture (IDR, CRA), AUDs dropped', () => {
    const ps = { vps: hex('4001 0c'), sps: hex('4201 01'), pps: hex('4401 c1') };
    const f = h265Format(96, ps);
    const [aud, idr, cra, trail] = [hex('4601 50'), hex('2601 af'), hex('2a01 af'), hex('0201 d0')];
    const h265 = unitRemuxer('h265')!;
    assert.deepEqual(h265(f, [aud, idr], true), [ps.vps, ps.sps, ps.pps, idr]);
    assert.deepEqual(h265(f, [cra], true), [ps.vps, ps.sps, ps.pps, cra]);
    assert.deepEqual(h265(f, [aud, trail], false), [trail]);
  });

  it('AV1: temporal delimiters dropped; the sequence header before a key frame that lacks it', () => {
    const seq = hex('0a0b 000000043cffbcdaf9 0040');
    const [td, frame] = [hex('1200'), hex('3203 5a5a5a')];
    const f = av1Format(96, { sequenceHeader: seq, header: { profile: 0, level: 0, tier: 0 } });
    const av1 = unitRemuxer('av1')!;
    assert.deepEqual(av1(f, [td, frame], true), [seq, frame]);
    assert.deepEqual(av1(f, [td, seq, frame], true), [seq, frame]);
    assert.deepEqual(av1(f, [td, frame], false), [frame]);
    const tu = [frame];
    assert.equal(av1(f, tu, false), tu, 'nothing to change: the same array');
    assert.equal(av1(f, [td, seq], false), undefined, 'a sequence header alone carries no picture');
  });

  it('has nothing to do for other codecs', () => {
    assert.equal(unitRemuxer('opus'), undefined);
    assert.equal(unitRemuxer('vp9'), undefined);
  });
});
