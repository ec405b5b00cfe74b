import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CodecError, H264_MAX_AU_BYTES, nalusToAnnexB } from '../../codecs/index.ts';
import { x264FixtureAccessUnits } from '../../../test/support/h264-fixture.ts';
import { H264ByteStreamSplitter } from './h264-byte-stream.ts';

const hex = (aus: Buffer[][]): string[][] => aus.map((au) => au.map((n) => n.toString('hex')));

function splitAll(chunks: readonly Uint8Array[]): Buffer[][] {
  const s = new H264ByteStreamSplitter();
  const out = chunks.flatMap((c) => s.push(c));
  return [...out, ...s.flush()];
}

// NAL units by hand: SPS, PPS, SEI, AUD, IDR and non-IDR slices whose first_mb_in_slice is 0 (top bit set) or not.
const SPS = Buffer.from('6742c01e', 'hex');
const PPS = Buffer.from('68ce3c80', 'hex');
const SEI = Buffer.from('0605ff', 'hex');
const AUD = Buffer.from('0910', 'hex');
const IDR = Buffer.from('65888040', 'hex');
const IDR_SLICE2 = Buffer.from('65 4c 80'.replace(/ /g, ''), 'hex'); // first_mb_in_slice ≠ 0: same picture
const P1 = Buffer.from('419a0102', 'hex');
const P2 = Buffer.from('419a0304', 'hex');

const VECTORS: readonly { name: string; stream: Buffer; aus: Buffer[][] }[] = [
  { name: '4-byte start codes, parameter sets with the IDR', stream: nalusToAnnexB([SPS, PPS, IDR, P1, P2]), aus: [[SPS, PPS, IDR], [P1], [P2]] },
  {
    name: '3-byte start codes and garbage before the first one',
    stream: Buffer.concat([Buffer.from('ffee', 'hex'), ...[SPS, PPS, IDR, P1].flatMap((n) => [Buffer.from([0, 0, 1]), n])]),
    aus: [[SPS, PPS, IDR], [P1]],
  },
  { name: 'a second slice of the same picture stays in its access unit', stream: nalusToAnnexB([SPS, PPS, IDR, IDR_SLICE2, P1]), aus: [[SPS, PPS, IDR, IDR_SLICE2], [P1]] },
  { name: 'AUD and SEI begin the next access unit', stream: nalusToAnnexB([AUD, SPS, PPS, IDR, AUD, SEI, P1, SEI, P2]), aus: [[AUD, SPS, PPS, IDR], [AUD, SEI, P1], [SEI, P2]] },
  { name: 'trailing zero bytes belong to the next start code', stream: Buffer.concat([nalusToAnnexB([IDR]), Buffer.from([0, 0]), nalusToAnnexB([P1])]), aus: [[IDR], [P1]] },
  { name: 'parameter sets alone make no access unit', stream: nalusToAnnexB([SPS, PPS]), aus: [] },
];

describe('H264ByteStreamSplitter', () => {
  for (const v of VECTORS) {
    it(`splits: ${v.name}`, () => {
      assert.deepEqual(hex(splitAll([v.stream])), hex(v.aus));
    });
  }

  it('returns each access unit when the first NAL unit of the next one arrives', () => {
    const s = new H264ByteStreamSplitter();
    assert.deepEqual(s.push(nalusToAnnexB([SPS, PPS, IDR])), []);
    assert.deepEqual(hex(s.push(nalusToAnnexB([P1]))), hex([[SPS, PPS, IDR]]));
    assert.deepEqual(hex(s.flush()), hex([[P1]]));
  });

  it('splits x264 output (B-frames) into the same access units as the fixture', () => {
    const aus = x264FixtureAccessUnits();
    assert.deepEqual(hex(splitAll([nalusToAnnexB(aus.flat())])), hex(aus));
  });

  it('gives the same access units however the pipe cuts the stream (property)', () => {
    const aus = x264FixtureAccessUnits();
    const stream = nalusToAnnexB(aus.flat());
    const expected = hex(aus);
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
      const chunks = points.slice(1).map((end, i) => stream.subarray(points[i], end));
      assert.deepEqual(hex(splitAll(chunks)), expected);
    }), { numRuns: 200 });
  });

  it('never throws anything but CodecError on arbitrary bytes (property)', () => {
    const bytes = fc.uint8Array({ maxLength: 300 }).map((b) => b.map((x) => (x < 96 ? [0, 0, 1][x % 3]! : x)));
    fc.assert(fc.property(fc.array(bytes, { maxLength: 8 }), (chunks) => {
      try {
        splitAll(chunks);
      } catch (err) {
        assert.ok(err instanceof CodecError, String(err));
      }
    }));
  });

  it('refuses a NAL unit larger than the access unit limit instead of buffering it', () => {
    const s = new H264ByteStreamSplitter();
    s.push(nalusToAnnexB([IDR]));
    const chunk = Buffer.alloc(1024 * 1024, 0x55);
    assert.throws(() => { for (let n = 0; n <= H264_MAX_AU_BYTES / chunk.length; n++) s.push(chunk); }, CodecError);
  });

  it('refuses an access unit of too many NAL units', () => {
    const many = Array.from({ length: 60 }, () => SEI);
    assert.throws(() => splitAll([nalusToAnnexB([...many, IDR])]), CodecError);
  });
});
