import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { describeRunning, type Running } from '../support/process.ts';
import { launchChromium, waitForPlayback, type TestBrowser } from '../support/chromium.ts';
import { ffmpegDecodeHls, hlsUrl } from '../support/hls-media.ts';

const LIVE_SECONDS = 300;

/** Starts a server of `variant`, publishes with `publish` and waits for the path; returns what the tests need. */
function serverWith(variant: string): { get: () => TestServer; running: Running[]; ready: (path: string, pub: Running) => Promise<Running> } {
  let server: TestServer | undefined;
  const running: Running[] = [];
  before(async () => { server = await startServer(`hlsVariant: ${variant}\npaths:\n  all:\n`, {}, { hls: true }); });
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
  });
  return {
    get: () => server!, running,
    ready: async (path, pub) => {
      running.push(pub);
      await server!.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 20_000)
        .catch((err: Error) => { throw new Error(`${err.message}\n${describeRunning('publisher', pub)}`); });
      return pub;
    },
  };
}

describe('HLS codecs: fMP4 carries H265, VP9 and Opus; MPEG-TS carries MP3; tracks HLS cannot carry are named', () => {
  describe('fmp4', () => {
    const s = serverWith('fmp4');
    let browser: TestBrowser;
    before(async () => { browser = await launchChromium(); });
    after(() => browser?.close());

    it('H265 + Opus published over RTSP are read back by FFmpeg (both decoded)', async () => {
      const pub = await s.ready('hevc', ffmpegPublish(s.get().url('hevc'), { video: 'hevc', audio: 'opus', seconds: LIVE_SECONDS }));
      const d = await ffmpegDecodeHls(hlsUrl(s.get(), 'hevc'));
      const why = `${d.detail}\n${describeRunning('publisher', pub)}\n${logTail(s.get())}`;
      assert.deepEqual([...d.codecs].sort(), ['hevc', 'opus'], why);
      assert.ok(d.video >= 40 && d.audio >= 40, why);
    });

    it('VP9 + Opus published over RTSP play in Chromium', async () => {
      const pub = await s.ready('vp9', ffmpegPublish(s.get().url('vp9'), { video: 'vp9', audio: 'opus', seconds: LIVE_SECONDS }));
      const page = await browser.open(hlsUrl(s.get(), 'vp9', ''));
      try {
        await waitForPlayback(page, { minFrames: 25, minAdvanceS: 1.5, audio: true, timeoutMs: 30_000 })
          .catch((err: Error) => { throw new Error(`${err.message}\n${describeRunning('publisher', pub)}\n${logTail(s.get())}`); });
      } finally {
        await page.close();
      }
    });

    it('a track HLS cannot carry (G711) is left out with a log line; the video still plays', async () => {
      const pub = await s.ready('g711', ffmpegPublish(s.get().url('g711'), { video: 'h264', audio: 'pcm_mulaw', seconds: LIVE_SECONDS }));
      const d = await ffmpegDecodeHls(hlsUrl(s.get(), 'g711'));
      const why = `${d.detail}\n${describeRunning('publisher', pub)}\n${logTail(s.get())}`;
      assert.deepEqual(d.codecs, ['h264'], why);
      assert.ok(d.video >= 40, why);
      await s.get().waitForLog(/\[HLS\] \[muxer g711\] .*(PCMU|G711)/, 5_000);
      await s.get().waitForLog(/\[muxer g711\] is converting into HLS, 1 track \(H264\)/, 5_000);
    });
  });

  describe('mpegts', () => {
    const s = serverWith('mpegts');

    it('H264 + MP3 published over RTMP are read back by FFmpeg (both decoded)', async () => {
      const pub = await s.ready('mp3', ffmpegPublishRtmp(s.get().rtmpUrl('mp3'), { seconds: LIVE_SECONDS, audioCodec: 'mp3' }));
      const d = await ffmpegDecodeHls(hlsUrl(s.get(), 'mp3'));
      const why = `${d.detail}\n${describeRunning('publisher', pub)}\n${logTail(s.get())}`;
      assert.deepEqual([...d.codecs].sort(), ['h264', 'mp3'], why);
      assert.ok(d.video >= 40 && d.audio >= 20, why);
    });
  });
});
