import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MpegTsError, MpegTsMuxer, MpegTsStreamReader, MPEGTS_TIMESTAMP_MODULO, type MpegTsStreamEvent, type MpegTsUnit } from './index.ts';
import { FFMPEG_H264_AAC_TS, FFMPEG_H264_OPUS_TS, FFMPEG_H265_MP3_TS } from './mpegts-vectors.ts';
import { mpeg1VideoIsRandomAccess, mpeg4VideoConfig, mpeg4VideoIsRandomAccess, mpeg4VideoProfileLevel } from './mpeg-video-es.ts';
import { x264FixtureAccessUnits } from '../../../test/support/h264-fixture.ts';

function read(b: Uint8Array, r = new MpegTsStreamReader()): MpegTsStreamEvent[] {
  return [...r.push(b), ...r.flush()];
}
const units = (events: readonly MpegTsStreamEvent[]): MpegTsUnit[] => events.flatMap((e) => (e.kind === 'unit' ? [e.unit] : []));
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('MPEG-TS stream reader (MPEG-TS to description and units)', () => {
  it('describes FFmpeg streams with their parameter sets and gives every access unit in its format\'s clock', () => {
    const cases = [
      { ts: FFMPEG_H264_AAC_TS, codecs: ['h264', 'mpeg4Audio'], audioRate: 48000 },
      { ts: FFMPEG_H265_MP3_TS, codecs: ['h265', 'mpeg1Audio'], audioRate: 90000 },
      { ts: FFMPEG_H264_OPUS_TS, codecs: ['h264', 'opus'], audioRate: 48000 },
    ];
    for (const c of cases) {
      const events = read(c.ts);
      assert.deepEqual(events.filter((e) => e.kind === 'error'), []);
      const ready = events.find((e) => e.kind === 'ready');
      assert.ok(ready && ready.kind === 'ready');
      assert.deepEqual(ready.description.medias.map((m) => `${m.kind}:${m.formats[0]!.codec}`), [`video:${c.codecs[0]}`, `audio:${c.codecs[1]}`]);
      const video = ready.tracks[0]!.format;
      if (video.codec === 'h264') assert.ok(video.sps && video.pps, 'SPS and PPS from the first key frame');
      if (video.codec === 'h265') assert.ok(video.vps && video.sps && video.pps);
      assert.equal(ready.tracks[1]!.format.clockRate, c.audioRate);
      const all = units(events);
      const v = all.filter((u) => u.track === ready.tracks[0]);
      assert.equal(v.length, 6, 'every video access unit, the first one included (held while probing)');
      assert.ok(v[0]!.randomAccess);
      assert.ok(all.some((u) => u.track === ready.tracks[1]));
    }
  });

  it('keeps B-frame DTS apart from PTS, video only', () => {
    const v = units(read(FFMPEG_H264_AAC_TS)).filter((u) => u.track.format.codec === 'h264');
    assert.deepEqual(v.map((u) => `${u.dts}/${u.pts}`).slice(0, 3), ['126000/133200', '129600/144000', '133200/136800']);
  });

  it('makes timestamps continuous across the 2^33 wrap', () => {
    const au = x264FixtureAccessUnits();
    const mux = new MpegTsMuxer([{ codec: { codec: 'h264' } }]);
    const track = mux.tracks[0]!;
    const start = MPEGTS_TIMESTAMP_MODULO - 3 * 3600;
    const ts = Buffer.concat(au.slice(0, 8).map((nalus, i) => mux.writeVideo(track, { pts: start + i * 3600, dts: start + i * 3600, nalus })));
    const v = units(read(ts));
    assert.equal(v.length, 8);
    assert.deepEqual(v.map((u) => u.pts - start), [0, 3600, 7200, 10800, 14400, 18000, 21600, 25200]);
  });

  it('goes on without an audio track whose configuration never shows, after the probe time', () => {
    const au = x264FixtureAccessUnits();
    const mux = new MpegTsMuxer([{ codec: { codec: 'h264' } }, { codec: { codec: 'mpeg1Audio' } }]);
    const [video] = mux.tracks;
    // The PMT declares MPEG audio, but no audio PES ever comes: the video track must not wait for ever.
    const frames = Array.from({ length: 40 }, (_, i) => au[i % au.length]!);
    const ts = Buffer.concat(frames.map((nalus, i) => mux.writeVideo(video!, { pts: i * 3600 * 5, dts: i * 3600 * 5, nalus })));
    const events = read(ts, new MpegTsStreamReader({ probeTicks: 90_000 }));
    const ready = events.find((e) => e.kind === 'ready');
    assert.ok(ready && ready.kind === 'ready');
    assert.deepEqual(ready.description.medias.map((m) => m.formats[0]!.codec), ['h264']);
  });

  it('throws when the program changes its tracks after it was described', () => {
    const au = x264FixtureAccessUnits();
    const a = new MpegTsMuxer([{ codec: { codec: 'h264' } }]);
    const b = new MpegTsMuxer([{ codec: { codec: 'h265' } }]);
    const r = new MpegTsStreamReader();
    read(a.writeVideo(a.tracks[0]!, { pts: 0, dts: 0, nalus: au[0]! }), r);
    // Twice: the first tables of the second muxer repeat the continuity counters of the first, as duplicates do.
    assert.throws(() => r.push(Buffer.concat([b.writeTables(), b.writeTables()])), MpegTsError);
  });

  it('never throws on damaged input: damage is counted as error events', () => {
    fc.assert(fc.property(
      fc.constantFrom(FFMPEG_H264_AAC_TS, FFMPEG_H265_MP3_TS, FFMPEG_H264_OPUS_TS),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
      (ts, edits) => {
        const b = Buffer.from(ts);
        for (const [at, v] of edits) b[at % b.length] = v;
        // Damage can't change the PMT into another valid one (its CRC): no MpegTsError either.
        read(b);
      },
    ), { numRuns: 200 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4000 }), (b) => { read(b); }), { numRuns: 200 });
  });
});

describe('MPEG-4 Visual and MPEG-1/2 video start codes', () => {
  // VOS (profile 0xF5: Advanced Simple L5) + VO + VOL, then an I-VOP (coding type 00) and a P-VOP (01).
  const config = hex('000001B0F5 000001B50900000101 00000120008440');
  const iVop = hex('000001B6 10 AABB');
  const pVop = hex('000001B6 50 CCDD');

  it('takes the configuration in front of the first VOP, and its profile and level', () => {
    const frame = Buffer.concat([config, iVop]);
    assert.deepEqual(mpeg4VideoConfig(frame), config);
    assert.equal(mpeg4VideoProfileLevel(config), 0xf5);
    assert.equal(mpeg4VideoConfig(pVop), undefined);
  });

  it('tells intra VOPs and sequence headers', () => {
    assert.ok(mpeg4VideoIsRandomAccess(Buffer.concat([config, iVop])));
    assert.ok(!mpeg4VideoIsRandomAccess(pVop));
    assert.ok(mpeg1VideoIsRandomAccess(hex('000001B3 1400F0 000001B8 000001 00 0008')));
    assert.ok(!mpeg1VideoIsRandomAccess(hex('000001 00 0010 AABB')));
  });
});
