import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFile, MP4BoxBuffer, type Movie, type Sample } from 'mp4box';
import { ffprobe } from '../test-support/ffprobe.ts';
import { parseFmp4Init, parseFmp4Parts, writeFmp4Init, writeFmp4Part, type Fmp4Init, type Fmp4Part } from './index.ts';
import { FFMPEG_H264_AAC_MP4, FFMPEG_H265_OPUS_MP4 } from './fmp4-vectors.ts';

// Independent checks of what we write: the FFmpeg fixtures are read, their video moved to a 90 kHz time scale,
// rewritten by writeFmp4Init/writeFmp4Part, and the result handed to mp4box.js (GPAC's parser) and to ffprobe.
// In the H265 file every decode time is moved 7200 ticks later, so B-frames get negative composition offsets and
// the trun is written in version 1.

interface Rewritten { readonly init: Fmp4Init; readonly parts: readonly Fmp4Part[]; readonly bytes: Buffer }

function rewrite(file: Buffer, dtsShift: number): Rewritten {
  const source = parseFmp4Init(file);
  const videoId = source.tracks[0]!.id;
  // 12800 Hz → 90 kHz: FFmpeg's video timestamps are multiples of 512 ticks, 3600 at 90 kHz.
  const scale = (v: number): number => (v * 90000) / 12800;
  const init: Fmp4Init = { tracks: source.tracks.map((t) => (t.id === videoId ? { ...t, timeScale: 90000 } : t)) };
  const parts = parseFmp4Parts(file, source).map((p): Fmp4Part => ({
    ...p,
    tracks: p.tracks.map((t) => (t.id !== videoId ? t : {
      id: t.id,
      samples: t.samples.map((s) => ({
        ...s, dts: scale(s.dts) + dtsShift, ptsOffset: scale(s.ptsOffset) - dtsShift, duration: scale(s.duration),
      })),
    })),
  }));
  return { init, parts, bytes: Buffer.concat([writeFmp4Init(init), ...parts.map(writeFmp4Part)]) };
}

/**
 * "dts/pts/size[/K]" per sample, per track ID, from what we wrote. With `ffmpegPtsShift`, a track's pts move later by
 * its most negative composition offset: FFmpeg's MP4 demuxer does so (mov.c dts_shift) to keep pts ≥ dts.
 */
function expected(r: Rewritten, ffmpegPtsShift = false): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const p of r.parts) for (const t of p.tracks) {
    const list = out.get(t.id) ?? [];
    const shift = ffmpegPtsShift ? Math.max(0, ...r.parts.flatMap((q) => q.tracks.filter((u) => u.id === t.id).flatMap((u) => u.samples.map((s) => -s.ptsOffset)))) : 0;
    list.push(...t.samples.map((s) => `${s.dts}/${s.dts + s.ptsOffset + shift}/${s.data.length}${s.isSync ? '/K' : ''}`));
    out.set(t.id, list);
  }
  return out;
}

function mp4box(bytes: Buffer): { info: Movie; samples: Map<number, string[]>; errors: string[] } {
  const file = createFile();
  const samples = new Map<number, string[]>();
  const errors: string[] = [];
  let info: Movie | undefined;
  file.onError = (module: string, message: string) => errors.push(`${module}: ${message}`);
  file.onReady = (movie: Movie) => {
    info = movie;
    for (const t of movie.tracks) file.setExtractionOptions(t.id, undefined, { nbSamples: 100_000 });
    file.start();
  };
  file.onSamples = (id: number, _user: unknown, list: Sample[]) => {
    samples.set(id, [...(samples.get(id) ?? []), ...list.map((s) => `${s.dts}/${s.cts}/${s.size}${s.is_sync ? '/K' : ''}`)]);
  };
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, 0));
  file.flush();
  assert.ok(info, 'mp4box found no moov');
  return { info, samples, errors };
}

const H264_AAC = rewrite(FFMPEG_H264_AAC_MP4, 0);
const H265_OPUS = rewrite(FFMPEG_H265_OPUS_MP4, 7200);

describe('fMP4 output checked by mp4box.js and ffprobe', () => {
  it('the H265 rewrite has negative composition offsets (trun version 1)', () => {
    const offsets = H265_OPUS.parts.flatMap((p) => p.tracks[0]!.samples.map((s) => s.ptsOffset));
    assert.ok(offsets.some((o) => o < 0), offsets.join(' '));
  });

  it('mp4box reads codecs, time scales, picture sizes, audio parameters and every sample', () => {
    const cases = [
      { r: H264_AAC, codecs: ['avc1.64000a', 'mp4a.40.2'], audio: { sample_rate: 48000, channel_count: 1, sample_size: 16 } },
      { r: H265_OPUS, codecs: ['hvc1.1.6.L30.90', 'Opus'], audio: { sample_rate: 48000, channel_count: 2, sample_size: 16 } },
    ];
    for (const c of cases) {
      const { info, samples, errors } = mp4box(c.r.bytes);
      assert.deepEqual(errors, []);
      assert.equal(info.isFragmented, true);
      assert.deepEqual(info.tracks.map((t) => t.codec), c.codecs);
      assert.deepEqual(info.tracks.map((t) => t.timescale), [90000, 48000]);
      assert.deepEqual([info.tracks[0]!.track_width, info.tracks[0]!.track_height], [32, 32]);
      assert.deepEqual(info.tracks[1]!.audio, c.audio);
      assert.deepEqual(samples, expected(c.r));
    }
  });

  it('ffprobe reads codecs, sizes, rates and every packet without an error', () => {
    const cases = [
      { r: H264_AAC, codecs: ['h264', 'aac'], channels: 1 },
      { r: H265_OPUS, codecs: ['hevc', 'opus'], channels: 2 },
    ];
    for (const c of cases) {
      const probe = ffprobe(c.r.bytes, 'mp4');
      assert.equal(probe.stderr, '');
      assert.deepEqual(probe.streams.map((s) => s['codec_name']), c.codecs);
      assert.deepEqual([probe.streams[0]!['width'], probe.streams[0]!['height'], probe.streams[0]!['time_base']], [32, 32, '1/90000']);
      assert.deepEqual([probe.streams[1]!['sample_rate'], probe.streams[1]!['channels']], ['48000', c.channels]);
      const want = expected(c.r, true);
      for (const [index, id] of [[0, 1], [1, 2]] as const) {
        const got = probe.packets.filter((p) => p.stream_index === index)
          .map((p) => `${p.dts}/${p.pts}/${p.size}${p.flags.startsWith('K') ? '/K' : ''}`);
        assert.deepEqual(got, want.get(id), `${c.codecs[index]} packets`);
      }
    }
  });
});
