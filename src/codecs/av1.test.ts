import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  av1IsRandomAccess, av1ObuType, av1ObuWithoutSize, av1ObuWithSize, buildAv1Config, parseAv1Config, parseAv1SequenceHeader, splitAv1Obus,
} from './av1.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
// Sequence header OBUs written by Debian's FFmpeg 5.1 (libaom 3.6, SVT-AV1 1.4), 320x240 testsrc.
const SEQ = {
  aom420: hex('0a0b 000000043cffbcdaf9 0040'),
  aom444: hex('0a0a 200000043cffbcdaf9 02'),
  aom10bit: hex('0a0b 000000043cffbcdaf9 4040'),
  svt420: hex('0a0b 000000043cffbcfbf9 0040'),
};

describe('AV1 OBUs (AV1 spec §5.3)', () => {
  it('splits a low-overhead temporal unit and keeps each OBU whole', () => {
    const tu = Buffer.concat([hex('1200'), SEQ.aom420, hex('3203 aabbcc')]);
    const obus = splitAv1Obus(tu);
    assert.deepEqual(obus.map((o) => av1ObuType(o)), [2, 1, 6]);
    assert.deepEqual(obus[2], hex('3203aabbcc'));
    assert.equal(av1IsRandomAccess(obus), true);
    assert.equal(av1IsRandomAccess([obus[2]!]), false);
  });

  it('adds and removes the size field, extension header included', () => {
    assert.deepEqual(av1ObuWithoutSize(hex('3203aabbcc')), hex('30aabbcc'));
    assert.deepEqual(av1ObuWithSize(hex('30aabbcc')), hex('3203aabbcc'));
    assert.deepEqual(av1ObuWithSize(hex('3203aabbcc')), hex('3203aabbcc'));
    assert.deepEqual(av1ObuWithoutSize(hex('36 28 02 aabb')), hex('34 28 aabb')); // extension byte stays
    assert.deepEqual(av1ObuWithSize(hex('34 28 aabb')), hex('36 28 02 aabb'));
  });

  it('round-trips OBUs through both forms; arbitrary bytes raise only CodecError', () => {
    const obu = fc.tuple(fc.integer({ min: 1, max: 15 }), fc.boolean(), fc.uint8Array({ maxLength: 300 }))
      .map(([t, ext, body]) => Buffer.from([(t << 3) | (ext ? 4 : 0), ...(ext ? [0x28] : []), ...body]));
    fc.assert(fc.property(fc.array(obu, { maxLength: 6 }), (obus) => {
      const tu = Buffer.concat(obus.map(av1ObuWithSize));
      assert.deepEqual(splitAv1Obus(tu).map(av1ObuWithoutSize), obus);
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
      for (const fn of [splitAv1Obus, av1ObuWithSize, av1ObuWithoutSize, parseAv1SequenceHeader, parseAv1Config]) {
        try { fn(Buffer.from(b)); } catch (e) { assert.equal((e as Error).name, 'CodecError', String(e)); }
      }
    }), { numRuns: 3000 });
  });
});

describe('AV1 sequence header and AV1CodecConfigurationRecord', () => {
  it('reads profile, bit depth and chroma subsampling of encoder output', () => {
    const cases: [Buffer, number, boolean, number, number][] = [
      [SEQ.aom420, 0, false, 1, 1], [SEQ.aom444, 1, false, 0, 0], [SEQ.aom10bit, 0, true, 1, 1], [SEQ.svt420, 0, false, 1, 1],
    ];
    for (const [obu, profile, highBitdepth, sx, sy] of cases) {
      const h = parseAv1SequenceHeader(obu);
      assert.deepEqual([h.profile, h.highBitdepth, h.subsamplingX, h.subsamplingY, h.monochrome, h.tier], [profile, highBitdepth, sx, sy, false, 0], obu.toString('hex'));
      assert.ok(h.level <= 31);
    }
  });

  it('builds the av1C that FFmpeg writes for the same stream, and parses it back', () => {
    // FFmpeg's av1C for aom420: 81 | profile 0, level 0 | 4:2:0 (0x0c) | 0, then the sequence header OBU.
    const c = buildAv1Config(SEQ.aom420);
    assert.deepEqual(c.subarray(0, 4), hex('81000c00'));
    assert.deepEqual(c.subarray(4), SEQ.aom420);
    assert.deepEqual(buildAv1Config(SEQ.aom444).subarray(0, 4), hex('81200000'));
    assert.deepEqual(buildAv1Config(SEQ.aom10bit).subarray(0, 4), hex('81004c00'));
    const parsed = parseAv1Config(c);
    assert.deepEqual(parsed.sequenceHeader, SEQ.aom420);
    assert.equal(parsed.header.profile, 0);
    // A sequence header without its size field (as RTP carries it) gets one.
    assert.deepEqual(buildAv1Config(av1ObuWithoutSize(SEQ.svt420)).subarray(4), SEQ.svt420);
  });

  it('refuses a record without a sequence header or with a wrong marker', () => {
    assert.throws(() => parseAv1Config(hex('81000c00 3203aabbcc')), { name: 'CodecError' });
    assert.throws(() => parseAv1Config(Buffer.concat([hex('01000c00'), SEQ.aom420])), { name: 'CodecError' });
  });
});
