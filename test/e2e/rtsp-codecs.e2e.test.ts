import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, probeAndDecode, type TestCodec } from '../support/media.ts';
import { describeRunning } from '../support/process.ts';

// Codec published by FFmpeg → codec name ffprobe must report on the reader side.
const CASES: [TestCodec, 'video' | 'audio', string][] = [
  ['h264', 'video', 'h264'], ['hevc', 'video', 'hevc'], ['vp8', 'video', 'vp8'], ['vp9', 'video', 'vp9'],
  ['mpeg4', 'video', 'mpeg4'], ['mpeg2video', 'video', 'mpeg2video'], ['mjpeg', 'video', 'mjpeg'],
  ['aac', 'audio', 'aac'], ['opus', 'audio', 'opus'], ['mp3', 'audio', 'mp3'], ['pcm_mulaw', 'audio', 'pcm_mulaw'],
  ['pcm_alaw', 'audio', 'pcm_alaw'], ['g722', 'audio', 'adpcm_g722'], ['pcm_s16be', 'audio', 'pcm_s16be'],
];

describe('codecs pass through RTSP unchanged (FFmpeg publishes, FFmpeg reads, ffprobe decodes)', () => {
  let server: TestServer;
  before(async () => { server = await startServer('paths:\n  all:\n'); });
  after(async () => { await server.stop(); });

  for (const [codec, kind, probeName] of CASES) {
    it(`${codec}`, async () => {
      const path = `codec-${codec}`;
      // Publishes until stopped in finally: a fixed 10 s could end before a slow ffprobe and decode are done.
      const pub = ffmpegPublish(server.url(path), { [kind]: codec, transport: 'tcp', seconds: 300 });
      try {
        await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 15_000);
        const r = await probeAndDecode(server.url(path), 2);
        const why = `${r.detail}\n${describeRunning('publisher', pub)}\n${logTail(server)}`;
        assert.deepEqual(r.codecs, [probeName], why);
        assert.ok(r.frames >= 10, why);
      } finally {
        await pub.stop();
      }
    });
  }
});
