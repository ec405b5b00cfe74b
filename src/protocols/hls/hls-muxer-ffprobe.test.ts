import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HlsMuxer, type HlsVariant } from './index.ts';
import { encodeIvf, encodeTs, probe, type EncodedMedia } from './test-support/hls-media.ts';
import { runChecked, segmentDurations, segmentNames } from './test-support/hls-run.ts';
import { bodyOf, FakeClock, get, testOptions } from './test-support/hls-units.ts';

// FFmpeg encodes the media, our muxer writes it, and FFmpeg reads it back: the init segment and every segment of
// the playlist, one after the other, as a player appends them. ffprobe must find the codecs and increasing
// timestamps, and decode every frame without an error.

interface Case { readonly name: string; readonly media: () => EncodedMedia; readonly codecs: readonly string[]; readonly variants: readonly HlsVariant[] }

const CASES: readonly Case[] = [
  { name: 'H264 + AAC', media: () => encodeTs('h264', 'aac', 3.2), codecs: ['h264', 'aac'], variants: ['lowLatency', 'fmp4', 'mpegts'] },
  { name: 'H264 + MP3', media: () => encodeTs('h264', 'mp3', 3.2), codecs: ['h264', 'mp3'], variants: ['lowLatency', 'mpegts'] },
  { name: 'H265 + Opus', media: () => encodeTs('h265', 'opus', 3.2), codecs: ['hevc', 'opus'], variants: ['lowLatency'] },
  { name: 'VP9', media: () => encodeIvf('vp9', 3.2), codecs: ['vp9'], variants: ['fmp4'] },
  { name: 'AV1', media: () => encodeIvf('av1', 3.2), codecs: ['av1'], variants: ['lowLatency'] },
];

/** The files a player appends, in order: the init segment (fMP4) and every listed segment. */
async function appended(m: HlsMuxer, playlist: string, variant: HlsVariant): Promise<Buffer> {
  const files = [...(variant === 'mpegts' ? [] : ['init.mp4']), ...segmentNames(playlist)];
  return Buffer.concat(await Promise.all(files.map(async (f) => bodyOf(await get(m, f)))));
}

describe('HLS output read back by FFmpeg', () => {
  for (const c of CASES) {
    let encoded: EncodedMedia | undefined; // encoded once per case, by its first test
    for (const variant of c.variants) {
      it(`${c.name}, ${variant}: codecs, increasing timestamps, every frame decoded`, async () => {
        const media = (encoded ??= c.media());
        const clock = new FakeClock();
        const m = new HlsMuxer({ medias: media.medias }, testOptions(clock, { variant, segmentCount: 20 }));
        assert.deepEqual(m.skipped, []);
        const last = (await runChecked(m, clock, media.units)).at(-1)!;
        // Key frames every second: segments end at one once 1 s passed in decode time (B-frames can make that 2 s).
        const seconds = segmentDurations(last).reduce((a, b) => a + b, 0);
        assert.ok(seconds >= 2.9 && seconds <= 3.2, `${seconds} s of complete segments`);
        const p = probe(await appended(m, last, variant), variant === 'mpegts' ? 'ts' : 'mp4');
        assert.equal(p.errors, '');
        assert.deepEqual(p.streams.map((s) => s.codec_name), c.codecs);
        for (let i = 0; i < p.streams.length; i++) {
          const dts = p.packets.filter((x) => x.stream_index === i).map((x) => Number(x.dts_time));
          assert.ok(dts.length > 0 && dts.every((d, j) => j === 0 || d > dts[j - 1]!), `stream ${i}: increasing decode times`);
        }
        const frames = p.streams.map((s) => Number(s.nb_read_frames));
        assert.equal(frames[0], Math.round(seconds * 25), 'every frame of the segments decoded, at 25 fps');
        if (c.codecs.length > 1) assert.ok(frames[1]! > 0, 'audio decoded');
        m.close();
      });
    }
  }
});
