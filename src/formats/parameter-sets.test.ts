import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { H264Format, H265Format } from './format.ts';
import { cacheFormatParameters, parseH264Sprop, parseH265Sprop, setH264ParameterSets, setH265ParameterSets } from './parameter-sets.ts';
import { parseFmtpParams } from './sdp/index.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
const b64 = (b: Buffer): string => b.toString('base64');
// FFmpeg 5.1 / libx264 High profile level 1.2 (the SDP of sdp.test.ts), and a Baseline 3.0 pair.
const SPS_HIGH = Buffer.from('Z2QADKzZQUH7ARAAAAMAEAAAAwMg8UKZYA==', 'base64');
const PPS_HIGH = Buffer.from('aOvjyyLA', 'base64');
const SPS_BASE = hex('6742c01e95a0508a');
const PPS_BASE = hex('68ce3c80');
// H265 parameter sets: NAL headers of types 32, 33, 34 with filler (only lengths are checked here).
const VPS = hex('4001 0c01ffff016000000300b0000003000003005d');
const SPS265 = hex('4201 01016000000300b0000003000003005da00280802d1650')
const PPS265 = hex('4401 c172b46240');

function h264(fmtp: string | undefined): H264Format {
  return { codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, ...(fmtp !== undefined ? { fmtp } : {}), params: parseFmtpParams(fmtp ?? '') };
}
function h265(fmtp: string | undefined): H265Format {
  return { codec: 'h265', payloadType: 96, encoding: 'H265', clockRate: 90000, ...(fmtp !== undefined ? { fmtp } : {}), params: parseFmtpParams(fmtp ?? '') };
}

describe('H264 sprop-parameter-sets (RFC 6184 §8.1)', () => {
  // fmtp → parameter sets (undefined: none usable).
  const PARSE: readonly [string, string, { sps: Buffer; pps: Buffer } | undefined][] = [
    ['FFmpeg', `packetization-mode=1; sprop-parameter-sets=${b64(SPS_HIGH)},${b64(PPS_HIGH)}; profile-level-id=64000C`, { sps: SPS_HIGH, pps: PPS_HIGH }],
    ['a camera with 4-byte Annex-B start codes', `sprop-parameter-sets=${b64(Buffer.concat([hex('00000001'), SPS_BASE]))},${b64(Buffer.concat([hex('00000001'), PPS_BASE]))}`, { sps: SPS_BASE, pps: PPS_BASE }],
    ['a camera with 3-byte start codes', `sprop-parameter-sets=${b64(Buffer.concat([hex('000001'), SPS_BASE]))},${b64(Buffer.concat([hex('000001'), PPS_BASE]))}`, { sps: SPS_BASE, pps: PPS_BASE }],
    ['extra NAL units after the PPS', `sprop-parameter-sets=${b64(SPS_BASE)},${b64(PPS_BASE)},BgUA`, { sps: SPS_BASE, pps: PPS_BASE }],
    ['no PPS', `sprop-parameter-sets=${b64(SPS_BASE)}`, undefined],
    ['an SPS too short to hold a profile', `sprop-parameter-sets=Z0LA,${b64(PPS_BASE)}`, undefined],
    ['none', 'packetization-mode=1', undefined],
  ];
  for (const [name, fmtp, want] of PARSE) {
    it(`parses ${name}`, () => assert.deepEqual(parseH264Sprop(parseFmtpParams(fmtp)), want));
  }

  // fmtp before, new parameter sets → fmtp after: everything else stays byte for byte.
  const SET: readonly [string, string | undefined, { sps: Buffer; pps: Buffer }, string][] = [
    ['FFmpeg, new profile', `packetization-mode=1; sprop-parameter-sets=${b64(SPS_HIGH)},${b64(PPS_HIGH)}; profile-level-id=64000C`, { sps: SPS_BASE, pps: PPS_BASE },
      `packetization-mode=1; sprop-parameter-sets=${b64(SPS_BASE)},${b64(PPS_BASE)}; profile-level-id=42C01E`],
    ['compact, no sprop, same profile in lower case', 'packetization-mode=1;profile-level-id=42c01e', { sps: SPS_BASE, pps: PPS_BASE },
      `packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=${b64(SPS_BASE)},${b64(PPS_BASE)}`],
    ['no fmtp', undefined, { sps: SPS_BASE, pps: PPS_BASE }, `sprop-parameter-sets=${b64(SPS_BASE)},${b64(PPS_BASE)}`],
    ['key spelling and spacing of the sender', `Sprop-Parameter-Sets = ${b64(SPS_HIGH)},${b64(PPS_HIGH)} ;packetization-mode=1`, { sps: SPS_BASE, pps: PPS_BASE },
      `Sprop-Parameter-Sets = ${b64(SPS_BASE)},${b64(PPS_BASE)} ;packetization-mode=1`],
  ];
  for (const [name, before, ps, after] of SET) {
    it(`writes new parameter sets into the fmtp: ${name}`, () => {
      const f = h264(before);
      setH264ParameterSets(f, ps);
      assert.equal(f.fmtp, after);
      assert.deepEqual(parseH264Sprop(f.params), ps, 'and back');
      assert.deepEqual([f.sps, f.pps], [ps.sps, ps.pps]);
    });
  }

  it('caches what the fmtp carries on the format once, and keeps what is already there', () => {
    const f = h264(`sprop-parameter-sets=${b64(SPS_HIGH)},${b64(PPS_HIGH)}`);
    cacheFormatParameters(f);
    assert.deepEqual([f.sps, f.pps], [SPS_HIGH, PPS_HIGH]);
    f.sps = SPS_BASE;
    cacheFormatParameters(f);
    assert.equal(f.sps, SPS_BASE, 'a later call does not go back to the fmtp');
  });

  it('round-trips any parameter sets through the fmtp (property)', () => {
    const nalu = (type: number, min: number): fc.Arbitrary<Buffer> => fc.uint8Array({ minLength: min, maxLength: 64 }).map((b) => Buffer.concat([Buffer.from([type]), b]));
    fc.assert(fc.property(nalu(0x67, 3), nalu(0x68, 1), fc.constantFrom(undefined, 'packetization-mode=1', 'a=b;c=d'), (sps, pps, fmtp) => {
      const f = h264(fmtp);
      setH264ParameterSets(f, { sps, pps });
      assert.deepEqual(parseH264Sprop(parseFmtpParams(f.fmtp!)), { sps, pps });
    }), { numRuns: 300 });
  });
});

describe('H265 sprop-vps/sps/pps (RFC 7798 §7.1)', () => {
  const FMTP = `sprop-vps=${b64(VPS)}; sprop-sps=${b64(SPS265)}; sprop-pps=${b64(PPS265)}`;
  const PARSE: readonly [string, string, { vps: Buffer; sps: Buffer; pps: Buffer } | undefined][] = [
    ['FFmpeg', FMTP, { vps: VPS, sps: SPS265, pps: PPS265 }],
    ['a camera with start codes', `sprop-vps=${b64(Buffer.concat([hex('00000001'), VPS]))}; sprop-sps=${b64(Buffer.concat([hex('00000001'), SPS265]))}; sprop-pps=${b64(Buffer.concat([hex('000001'), PPS265]))}`,
      { vps: VPS, sps: SPS265, pps: PPS265 }],
    ['no PPS', `sprop-vps=${b64(VPS)}; sprop-sps=${b64(SPS265)}`, undefined],
  ];
  for (const [name, fmtp, want] of PARSE) {
    it(`parses ${name}`, () => assert.deepEqual(parseH265Sprop(parseFmtpParams(fmtp)), want));
  }

  it('writes new parameter sets into the fmtp, keeping the other parameters', () => {
    const f = h265(`${FMTP}; sprop-max-don-diff=0`);
    const sps = Buffer.concat([SPS265, hex('80')]);
    setH265ParameterSets(f, { vps: VPS, sps, pps: PPS265 });
    assert.equal(f.fmtp, `sprop-vps=${b64(VPS)}; sprop-sps=${b64(sps)}; sprop-pps=${b64(PPS265)}; sprop-max-don-diff=0`);
    assert.deepEqual(parseH265Sprop(f.params), { vps: VPS, sps, pps: PPS265 });
    const bare = h265(undefined);
    setH265ParameterSets(bare, { vps: VPS, sps, pps: PPS265 });
    assert.equal(bare.fmtp, `sprop-vps=${b64(VPS)}; sprop-sps=${b64(sps)}; sprop-pps=${b64(PPS265)}`);
  });
});
