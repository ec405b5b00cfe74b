import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { boxesIn, type BoxView } from './fmp4-boxes.ts';
import {
  FMP4_MAX_SAMPLES_PER_TRUN, parseFmp4Init, parseFmp4Parts, writeFmp4Init, writeFmp4Part,
  type Fmp4Init, type Fmp4Part, type Fmp4Sample,
} from './index.ts';
import { FFMPEG_H264_AAC_MP4, FFMPEG_H264_AAC_SAMPLES, FFMPEG_H265_OPUS_MP4, FFMPEG_H265_OPUS_SAMPLES, PART_VECTORS } from './fmp4-vectors.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

/** "dts/pts/size[/K]" per sample of each track, as the vectors list ffprobe's packets. */
function describeSamples(parts: readonly Fmp4Part[]): Record<number, string> {
  const out: Record<number, string[]> = {};
  for (const p of parts) for (const t of p.tracks) {
    (out[t.id] ??= []).push(...t.samples.map((s) => `${s.dts}/${s.dts + s.ptsOffset}/${s.data.length}${s.isSync ? '/K' : ''}`));
  }
  return Object.fromEntries(Object.entries(out).map(([id, s]) => [id, s.join(' ')]));
}

/** The bytes of the box at a path of types, `trak#1` meaning the second trak. */
function boxAt(buf: Buffer, path: readonly string[]): Buffer {
  let range: { payload: number; end: number } = { payload: 0, end: buf.length };
  let found: BoxView | undefined;
  for (const step of path) {
    const [type, index] = step.split('#') as [string, string | undefined];
    // Sample entries hold their child boxes after fixed fields; stsd after version, flags and entry_count.
    const skip = found?.type === 'stsd' ? 8 : ['mp4a', 'Opus'].includes(found?.type ?? '') ? 28 : ['avc1', 'hvc1', 'av01', 'vp09'].includes(found?.type ?? '') ? 78 : 0;
    found = [...boxesIn(buf, range.payload + skip, range.end)].filter((b) => b.type === type)[Number(index ?? 0)];
    assert.ok(found, `no ${path.join('/')}`);
    range = found;
  }
  return buf.subarray(found!.start, found!.end);
}

const ffmpegH264Aac = parseFmp4Init(FFMPEG_H264_AAC_MP4);
const ffmpegH265Opus = parseFmp4Init(FFMPEG_H265_OPUS_MP4);

describe('fMP4 parts (ISO/IEC 14496-12 §8.8: moof, traf, tfhd, tfdt, trun, mdat)', () => {
  it('vectors: writes the hand-derived parts byte for byte and reads them back', () => {
    for (const v of PART_VECTORS) {
      assert.deepEqual(writeFmp4Part(v.part), v.bytes, v.name);
      const [read] = parseFmp4Parts(v.bytes);
      assert.deepEqual(read!.sequenceNumber, v.part.sequenceNumber);
      assert.deepEqual(read!.tracks.map((t) => ({ id: t.id, samples: t.samples.map((s) => ({ ...s, data: Buffer.from(s.data) })) })), v.part.tracks, v.name);
    }
  });

  it('reads FFmpeg fragments (tfhd defaults, first_sample_flags, two fragments) as ffprobe does', () => {
    assert.deepEqual(describeSamples(parseFmp4Parts(FFMPEG_H264_AAC_MP4, ffmpegH264Aac)), FFMPEG_H264_AAC_SAMPLES);
    assert.deepEqual(describeSamples(parseFmp4Parts(FFMPEG_H265_OPUS_MP4, ffmpegH265Opus)), FFMPEG_H265_OPUS_SAMPLES);
    assert.deepEqual(parseFmp4Parts(FFMPEG_H264_AAC_MP4).map((p) => p.sequenceNumber), [1, 2]);
  });

  it('rewrites FFmpeg fragments in its own layout with the same samples', () => {
    for (const [file, init] of [[FFMPEG_H264_AAC_MP4, ffmpegH264Aac], [FFMPEG_H265_OPUS_MP4, ffmpegH265Opus]] as const) {
      const parts = parseFmp4Parts(file, init);
      const again = parseFmp4Parts(Buffer.concat(parts.map(writeFmp4Part)));
      assert.deepEqual(describeSamples(again), describeSamples(parts));
      assert.deepEqual(again.flatMap((p) => p.tracks.flatMap((t) => t.samples.map((s) => Buffer.from(s.data)))),
        parts.flatMap((p) => p.tracks.flatMap((t) => t.samples.map((s) => Buffer.from(s.data)))));
    }
  });

  it('round trip: any samples written come back equal', () => {
    const sample = fc.record({ ptsOffset: fc.integer({ min: -90000, max: 90000 }), duration: fc.integer({ min: 0, max: 2 ** 32 - 1 }), isSync: fc.boolean(), data: fc.uint8Array({ maxLength: 20 }) });
    const track = fc.record({ id: fc.integer({ min: 1, max: 2 ** 32 - 1 }), start: fc.integer({ min: 0, max: 2 ** 40 }), samples: fc.array(sample, { maxLength: 6 }) });
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.array(track, { maxLength: 3 }), (sequenceNumber, tracks) => {
      const part: Fmp4Part = {
        sequenceNumber,
        tracks: tracks.map((t) => {
          let dts = t.start;
          return { id: t.id, samples: t.samples.map((s): Fmp4Sample => { const out = { ...s, dts, data: Buffer.from(s.data) }; dts += s.duration; return out; }) };
        }),
      };
      const [read] = parseFmp4Parts(writeFmp4Part(part));
      const expected = part.tracks.filter((t) => t.samples.length > 0);
      assert.deepEqual(read!.tracks.map((t) => ({ id: t.id, samples: t.samples.map((s) => ({ ...s, data: Buffer.from(s.data) })) })), expected);
    }), { numRuns: 300 });
  });

  it('holds trun at 19,200 samples both ways, checking the count before reading entries', () => {
    const samples = (n: number): Fmp4Sample[] => Array.from({ length: n }, (_, i) => ({ dts: i, ptsOffset: 0, duration: 1, isSync: true, data: hex('00') }));
    const full = writeFmp4Part({ sequenceNumber: 1, tracks: [{ id: 1, samples: samples(FMP4_MAX_SAMPLES_PER_TRUN) }] });
    assert.equal(parseFmp4Parts(full)[0]!.tracks[0]!.samples.length, FMP4_MAX_SAMPLES_PER_TRUN);
    assert.throws(() => writeFmp4Part({ sequenceNumber: 1, tracks: [{ id: 1, samples: samples(FMP4_MAX_SAMPLES_PER_TRUN + 1) }] }), { name: 'Fmp4Error' });
    // sample_count sits after moof(8) mfhd(16) traf(8) tfhd(16) tfdt(16) and the trun header (12).
    const patched = Buffer.from(full);
    patched.writeUInt32BE(FMP4_MAX_SAMPLES_PER_TRUN + 1, 76);
    assert.throws(() => parseFmp4Parts(patched), /19201 samples/);
    patched.writeUInt32BE(0xffffffff, 76);
    assert.throws(() => parseFmp4Parts(patched), { name: 'Fmp4Error' });
  });

  it('refuses samples it cannot write', () => {
    const s = { dts: 0, ptsOffset: 0, duration: 10, isSync: true, data: hex('00') };
    for (const samples of [[s, { ...s, dts: 11 }], [{ ...s, dts: -1 }], [{ ...s, duration: 1.5 }], [{ ...s, ptsOffset: 2 ** 31 }], [{ ...s, dts: 2 ** 53 }]]) {
      assert.throws(() => writeFmp4Part({ sequenceNumber: 1, tracks: [{ id: 1, samples }] }), { name: 'Fmp4Error' }, JSON.stringify(samples));
    }
    assert.throws(() => writeFmp4Part({ sequenceNumber: -1, tracks: [] }), { name: 'Fmp4Error' });
  });

  it('reads 64-bit and to-the-end box sizes, and refuses boxes larger than the buffer', () => {
    const v = PART_VECTORS[0]!;
    const moofLength = v.bytes.readUInt32BE(0);
    const mdat = v.bytes.subarray(moofLength);
    // mdat with a 64-bit largesize: its header grows by 8 bytes, so both trun data_offsets (at 80 and 172) move by 8.
    const large = Buffer.concat([v.bytes.subarray(0, moofLength), hex('00000001 6d646174 00000000 00000016'), mdat.subarray(8)]);
    large.writeInt32BE(large.readInt32BE(80) + 8, 80);
    large.writeInt32BE(large.readInt32BE(172) + 8, 172);
    const samplesOf = (b: Buffer): string[] => parseFmp4Parts(b)[0]!.tracks.map((t) => t.samples.map((x) => Buffer.from(x.data).toString('hex')).join(','));
    assert.deepEqual(samplesOf(v.bytes), ['010203,04', '0506']);
    assert.deepEqual(samplesOf(large), ['010203,04', '0506']);
    const toEnd = Buffer.from(v.bytes);
    toEnd.writeUInt32BE(0, moofLength);
    assert.deepEqual(samplesOf(toEnd), ['010203,04', '0506']);
    const tooLarge = Buffer.from(v.bytes);
    tooLarge.writeUInt32BE(15, moofLength);
    assert.throws(() => parseFmp4Parts(tooLarge), { name: 'Fmp4Error' });
    assert.throws(() => parseFmp4Parts(v.bytes.subarray(0, 100)), { name: 'Fmp4Error' });
  });

  it('readers raise only Fmp4Error on arbitrary bytes and on damaged FFmpeg files', () => {
    const onlyFmp4Error = (f: () => unknown): void => { try { f(); } catch (e) { assert.equal((e as Error).name, 'Fmp4Error', (e as Error).stack); } };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      onlyFmp4Error(() => parseFmp4Parts(b));
      onlyFmp4Error(() => parseFmp4Init(b));
    }), { numRuns: 2000 });
    const damaged = fc.tuple(fc.constantFrom(FFMPEG_H264_AAC_MP4, FFMPEG_H265_OPUS_MP4), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat());
    fc.assert(fc.property(damaged, ([file, edits, cut]) => {
      const b = Buffer.from(file);
      for (const [at, v] of edits) b[at % b.length] = v;
      const bytes = b.subarray(0, b.length - (cut % 64));
      onlyFmp4Error(() => parseFmp4Parts(bytes, ffmpegH264Aac));
      onlyFmp4Error(() => parseFmp4Init(bytes));
    }), { numRuns: 2000 });
  });
});

// Codec configurations from FFmpeg output: H264 and H265 parameter sets of the fixtures; libaom's 64x48 sequence
// header OBU and the av1C FFmpeg wrote for it; the vpcC FFmpeg wrote for 64x48 libvpx-vp9 (profile 0, 8 bits, 4:2:0).
const AV1_SEQUENCE_HEADER = hex('0a0a00000002aff79b5f2008');
const FFMPEG_AV1C = hex('00000018 61763143 81000c00 0a0a00000002aff79b5f2008');
const FFMPEG_VPCC = hex('00000014 76706343 01000000 00 0a 82 02 02 02 0000');
const h264 = ffmpegH264Aac.tracks[0]!.codec;
const h265 = ffmpegH265Opus.tracks[0]!.codec;
const EVERY_CODEC: Fmp4Init = {
  tracks: [
    { id: 1, timeScale: 90000, codec: h264, sampleDefaults: { duration: 3000, size: 0, flags: 0x01010000 } },
    { id: 2, timeScale: 90000, codec: h265 },
    { id: 3, timeScale: 90000, codec: { codec: 'av1', sequenceHeader: AV1_SEQUENCE_HEADER } },
    { id: 4, timeScale: 90000, codec: { codec: 'vp9', width: 64, height: 48, profile: 0, bitDepth: 8, subsamplingX: 1, subsamplingY: 1, fullRange: false } },
    { id: 5, timeScale: 44100, codec: { codec: 'mpeg4Audio', config: hex('1210') } },
    { id: 6, timeScale: 44100, codec: { codec: 'mpeg1Audio', sampleRate: 44100, channels: 2 } },
    { id: 7, timeScale: 48000, codec: { codec: 'opus', channels: 2, preSkip: 312 } },
  ],
};

describe('fMP4 initialization segments (ftyp, moov, mvex)', () => {
  it('writes the boxes FFmpeg writes for the same tracks byte for byte (all but the video sample entry and mvhd)', () => {
    const cases = [
      { ffmpeg: FFMPEG_H264_AAC_MP4, init: ffmpegH264Aac, audio: 'mp4a', bitrate: 24000 },
      { ffmpeg: FFMPEG_H265_OPUS_MP4, init: ffmpegH265Opus, audio: 'Opus', bitrate: 24000 },
    ];
    for (const c of cases) {
      const init: Fmp4Init = { tracks: c.init.tracks.map((t, i) => (i === 1 ? { ...t, maxBitrate: c.bitrate, avgBitrate: c.bitrate } : t)) };
      const ours = writeFmp4Init(init);
      const paths = [
        ['tkhd'], ['mdia', 'mdhd'], ['mdia', 'hdlr'], ['mdia', 'minf', 'dinf'],
        ...['stts', 'stsc', 'stsz', 'stco'].map((b) => ['mdia', 'minf', 'stbl', b]),
      ];
      for (const trak of ['trak#0', 'trak#1']) {
        for (const p of paths) assert.deepEqual(boxAt(ours, ['moov', trak, ...p]), boxAt(c.ffmpeg, ['moov', trak, ...p]), `${trak}/${p.join('/')}`);
      }
      assert.deepEqual(boxAt(ours, ['moov', 'trak#0', 'mdia', 'minf', 'vmhd']), boxAt(c.ffmpeg, ['moov', 'trak#0', 'mdia', 'minf', 'vmhd']));
      assert.deepEqual(boxAt(ours, ['moov', 'trak#1', 'mdia', 'minf', 'smhd']), boxAt(c.ffmpeg, ['moov', 'trak#1', 'mdia', 'minf', 'smhd']));
      // The audio sample entry: mp4a + esds + btrt, or Opus + dOps + btrt. For mp4a FFmpeg writes channelcount 2,
      // the template value of ISO/IEC 14496-12 §12.2.3, where we write the real count as mediacommon does.
      const stsd = ['moov', 'trak#1', 'mdia', 'minf', 'stbl', 'stsd'];
      const [ourStsd, theirStsd] = [Buffer.from(boxAt(ours, stsd)), Buffer.from(boxAt(c.ffmpeg, stsd))];
      if (c.audio === 'mp4a') {
        assert.equal(ourStsd.readUInt16BE(16 + 8 + 16), 1);
        ourStsd.writeUInt16BE(2, 16 + 8 + 16);
      }
      assert.deepEqual(ourStsd, theirStsd, c.audio);
      assert.deepEqual(boxAt(ours, ['moov', 'mvex']), boxAt(c.ffmpeg, ['moov', 'mvex']));
      assert.deepEqual(parseFmp4Init(ours), c.init); // bit rates are written, not read back
    }
  });

  it('reads FFmpeg initialization segments: IDs, time scales, parameter sets, trex defaults', () => {
    assert.deepEqual(ffmpegH264Aac.tracks.map((t) => [t.id, t.timeScale, t.codec.codec]), [[1, 12800, 'h264'], [2, 48000, 'mpeg4Audio']]);
    assert.deepEqual(ffmpegH264Aac.tracks[1]!.codec, { codec: 'mpeg4Audio', config: hex('118856e500') });
    assert.equal(ffmpegH264Aac.tracks[0]!.sampleDefaults, undefined); // FFmpeg's trex are all zero
    assert.equal(ffmpegH265Opus.tracks[0]!.codec.codec, 'h265');
    assert.deepEqual(ffmpegH265Opus.tracks[1]!.codec, { codec: 'opus', channels: 2, preSkip: 312 });
  });

  it('round trip of every sample entry; av1C and vpcC as FFmpeg writes them; picture sizes from the parameter sets', () => {
    const bytes = writeFmp4Init(EVERY_CODEC);
    assert.deepEqual(parseFmp4Init(bytes), EVERY_CODEC);
    const stsd = (i: number): string[] => ['moov', `trak#${i}`, 'mdia', 'minf', 'stbl', 'stsd'];
    assert.deepEqual(boxAt(bytes, [...stsd(2), 'av01', 'av1C']), FFMPEG_AV1C);
    assert.deepEqual(boxAt(bytes, [...stsd(3), 'vp09', 'vpcC']), FFMPEG_VPCC);
    const sizes = [0, 1, 2, 3].map((i) => { const t = boxAt(bytes, ['moov', `trak#${i}`, 'tkhd']); return [t.readUInt32BE(84) / 65536, t.readUInt32BE(88) / 65536]; });
    assert.deepEqual(sizes, [[32, 32], [32, 32], [64, 48], [64, 48]]);
  });

  it('refuses initialization segments it cannot write', () => {
    const t = EVERY_CODEC.tracks[0]!;
    const bad: Fmp4Init[] = [
      { tracks: [] },
      { tracks: [t, t] },
      { tracks: [{ ...t, timeScale: 0 }] },
      { tracks: [{ ...t, id: 0 }] },
      { tracks: [{ ...t, codec: { codec: 'opus', channels: 6 } }] },
      { tracks: [{ ...t, codec: { codec: 'h264', sps: hex('6764'), pps: hex('68') } }] },
      { tracks: [{ ...t, codec: { codec: 'mpeg4Audio', config: hex('00') } }] },
    ];
    for (const init of bad) assert.throws(() => writeFmp4Init(init), { name: 'Fmp4Error' }, JSON.stringify(init));
  });
});
