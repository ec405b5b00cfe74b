import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildHevcConfig, h265IsRandomAccess, h265NaluType, H265NaluType, parseHevcConfig } from './h265.ts';

/** Parameter sets libx265 wrote for 64x64 testsrc (RGB in, so 4:4:4 and the RExt profile; ffmpeg -c:v libx265 -f hevc). */
export const X265_PS = {
  vps: Buffer.from('40010c01ffff0408000003009e0800000300001e959409', 'hex'),
  sps: Buffer.from('4201010408000003009e0800000300001e90041020b2caca94985e02dc080800100000030010000003019080', 'hex'),
  pps: Buffer.from('4401c07318300890', 'hex'),
};

describe('H265 NAL units', () => {
  it('reads NAL unit types from the 2-byte header', () => {
    assert.deepEqual([X265_PS.vps, X265_PS.sps, X265_PS.pps].map(h265NaluType), [H265NaluType.Vps, H265NaluType.Sps, H265NaluType.Pps]);
  });

  it('flags IRAP access units (types 16–23) as random access, and nothing else', () => {
    const nal = (t: number): Buffer => Buffer.from([t << 1, 1, 0xaf]);
    for (let t = 0; t < 41; t++) assert.equal(h265IsRandomAccess([X265_PS.vps, nal(t)]), t >= 16 && t <= 23, `type ${t}`);
  });
});

describe('HEVCDecoderConfigurationRecord', () => {
  it('copies profile, tier, level, chroma format and bit depth from the SPS and round-trips the parameter sets', () => {
    const c = buildHevcConfig(X265_PS);
    assert.equal(c[0], 1);
    assert.equal(c[1], 0x04); // general_profile_space 0, tier 0, profile_idc 4 (format range extensions)
    assert.equal(c.readUInt32BE(2), 0x08000000); // compatibility flag of profile 4 (emulation prevention byte removed)
    assert.equal(c[12], 0x1e); // general_level_idc 30 (level 1)
    assert.deepEqual([c[16]! & 3, c[17]! & 7, c[18]! & 7], [3, 0, 0]); // 4:4:4, 8 bit
    assert.equal(c[21]! & 3, 3); // 4-byte NAL lengths
    const p = parseHevcConfig(c);
    assert.deepEqual([p.vps, p.sps, p.pps, p.lengthSize], [X265_PS.vps, X265_PS.sps, X265_PS.pps, 4]);
  });

  it('throws CodecError and nothing else on arbitrary or truncated records', () => {
    const good = buildHevcConfig(X265_PS);
    for (let n = 0; n < good.length; n++) assert.throws(() => parseHevcConfig(good.subarray(0, n)), { name: 'CodecError' });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      try { parseHevcConfig(Buffer.from(b)); } catch (e) { assert.equal((e as Error).name, 'CodecError'); }
    }), { numRuns: 2000 });
  });
});
