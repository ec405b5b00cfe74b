import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { describeRun, describeRunning, run, type Running } from '../support/process.ts';

/** Codecs ffprobe finds at `url` and the frames FFmpeg decodes there in 3 s, per stream index. */
async function probeDecode(url: string): Promise<{ codecs: string[]; frames: number[]; stderr: string; detail: string }> {
  const rtsp = url.startsWith('rtsp:') ? ['-rtsp_transport', 'tcp'] : [];
  const p = await run('ffprobe', ['-v', 'error', ...rtsp, '-show_entries', 'stream=codec_name,sample_rate', '-of', 'csv=p=0', url], { timeoutMs: 25_000 });
  const d = await run('ffmpeg', ['-nostdin', '-v', 'error', ...rtsp, '-i', url, '-t', '3', '-map', '0', '-f', 'framecrc', '-'], { timeoutMs: 25_000 });
  const frames: number[] = [];
  for (const l of d.stdout.split('\n')) {
    if (l === '' || l.startsWith('#')) continue;
    const i = Number(l.split(',')[0]);
    frames[i] = (frames[i] ?? 0) + 1;
  }
  const codecs = p.stdout.trim().split('\n').map((l) => l.replace(/,+$/, '')).filter((l) => l !== '');
  const detail = `${url}: ffprobe found ${JSON.stringify(codecs)}; FFmpeg decoded ${frames[0] ?? 0} video and ${frames[1] ?? 0} audio frames in 3 s\n${describeRun('ffprobe', p, 400)}\n${describeRun('ffmpeg', d, 400)}`;
  return { codecs, frames, stderr: p.stderr + d.stderr, detail };
}

// Publishers run until the test stops them, so a slow reader never sees them leave.
const LIVE_SECONDS = 300;

// MP3 and G711 travel in legacy FLV (SoundFormat 2, 7, 8), so FFmpeg 5.1 is the peer on both sides.
describe('RTMP with MP3 and G711 audio (legacy FLV)', () => {
  let server: TestServer;
  const running: Running[] = [];
  before(async () => { server = await startServer('paths:\n  all:\n'); });
  after(async () => { await Promise.all(running.map((r) => r.stop())); await server?.stop(); });

  for (const audio of ['mp3', 'pcm_alaw'] as const) {
    it(`FFmpeg publishes H264 + ${audio} over RTMP; FFmpeg reads and decodes both tracks over RTSP and RTMP`, async () => {
      const path = `live/rtmp-${audio}`;
      const pub = ffmpegPublishRtmp(server.rtmpUrl(path), { seconds: LIVE_SECONDS, audioCodec: audio });
      running.push(pub);
      await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 15_000);
      const rate = audio === 'mp3' ? '44100' : '8000';
      for (const url of [server.url(path), server.rtmpUrl(path)]) {
        const r = await probeDecode(url);
        const why = `${r.detail}\n${describeRunning('publisher', pub)}\n${logTail(server)}`;
        assert.deepEqual(r.codecs, ['h264', `${audio},${rate}`], why);
        assert.ok((r.frames[0] ?? 0) >= 40, why);
        // 3 s of audio: MP3 has 26 ms frames; G711 comes in packets of 20 ms or more.
        assert.ok((r.frames[1] ?? 0) >= 40, why);
      }
      await pub.stop(); // frees the CPU for the next tests (after() stops it when an assertion failed)
    });
  }

  for (const audio of ['mp3', 'pcm_mulaw'] as const) {
    it(`FFmpeg publishes H264 + ${audio} over RTSP; FFmpeg reads and decodes both tracks over RTMP`, async () => {
      const path = `live/rtsp-${audio}`;
      const pub = ffmpegPublish(server.url(path), { video: 'h264', audio, seconds: LIVE_SECONDS });
      running.push(pub);
      await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 15_000);
      const r = await probeDecode(server.rtmpUrl(path));
      const why = `${r.detail}\n${describeRunning('publisher', pub)}\n${logTail(server)}`;
      assert.deepEqual(r.codecs, ['h264', `${audio},${audio === 'mp3' ? '44100' : '8000'}`], why);
      assert.ok((r.frames[0] ?? 0) >= 40 && (r.frames[1] ?? 0) >= 40, why);
      await pub.stop();
    });
  }
});
