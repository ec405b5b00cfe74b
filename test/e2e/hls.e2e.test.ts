import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish } from '../support/media.ts';
import { ffmpegPublishRtmp, vlcRecord } from '../support/rtmp-media.ts';
import { describeRunning, type Running } from '../support/process.ts';
import { launchChromium, waitForPlayback, type TestBrowser } from '../support/chromium.ts';
import { ffmpegDecodeHls, fetchHttp, gstPlayHls, hlsUrl } from '../support/hls-media.ts';

// Publishers run until the test stops them (see rtmp.e2e.test.ts).
const LIVE_SECONDS = 300;
const VARIANTS = ['lowLatency', 'fmp4', 'mpegts'] as const;

for (const variant of VARIANTS) {
  describe(`HLS ${variant}: real players read streams published with FFmpeg over RTSP and RTMP`, () => {
    let server: TestServer;
    let browser: TestBrowser;
    const running: Running[] = [];
    const pubs = new Map<string, Running>();
    /** What a failed read needs besides the reader's own story: the publisher's state and the server's log. */
    const context = (path: string): string => `${pubs.has(path) ? describeRunning('publisher', pubs.get(path)!) : ''}\n${logTail(server)}`;

    before(async () => {
      server = await startServer(`hlsVariant: ${variant}\npaths:\n  all:\n`, {}, { hls: true });
      browser = await launchChromium();
      const rtsp = ffmpegPublish(server.url('viartsp'), { video: 'h264', audio: 'aac', seconds: LIVE_SECONDS });
      const rtmp = ffmpegPublishRtmp(server.rtmpUrl('viartmp'), { seconds: LIVE_SECONDS });
      running.push(rtsp, rtmp);
      pubs.set('viartsp', rtsp).set('viartmp', rtmp);
      await server.waitForLog(/\[path viartsp\] stream is ready/, 20_000);
      await server.waitForLog(/\[path viartmp\] stream is ready/, 20_000);
    });
    after(async () => {
      await browser?.close();
      await Promise.all(running.map((r) => r.stop()));
      await server?.stop();
    });

    for (const path of ['viartsp', 'viartmp']) {
      it(`Chromium plays the page of a stream published over ${path === 'viartsp' ? 'RTSP' : 'RTMP'} (frames decoded, time advancing, audio)`, async () => {
        const page = await browser.open(hlsUrl(server, path, ''));
        try {
          const { first, last } = await waitForPlayback(page, { minFrames: 25, minAdvanceS: 1.5, audio: true, timeoutMs: 30_000 })
            .catch((err: Error) => { throw new Error(`${err.message}\n${context(path)}`); });
          assert.ok(last.frames - first.frames >= 25, `frames grew from ${first.frames} to ${last.frames}`);
          assert.ok(last.videoWidth === 320, `320x240 video decoded (width ${last.videoWidth})`);
          assert.ok(last.audioBytes > 0, 'audio decoded');
        } finally {
          await page.close();
        }
        await server.waitForLog(new RegExp(`\\[HLS\\] \\[muxer ${path}\\] created \\(requested by 127\\.0\\.0\\.1\\)`), 5_000);
      });

      it(`FFmpeg reads the stream published over ${path === 'viartsp' ? 'RTSP' : 'RTMP'} and decodes video and audio`, async () => {
        const d = await ffmpegDecodeHls(hlsUrl(server, path));
        assert.ok(d.video >= 40, `${d.detail}\n${context(path)}`);
        assert.ok(d.audio >= 40, `${d.detail}\n${context(path)}`);
        assert.ok(d.codecs.includes('h264') && d.codecs.includes('aac'), d.detail);
      });
    }

    if (variant === 'lowLatency') {
      it('GStreamer (playbin) plays the default variant', async () => {
        const g = await gstPlayHls(hlsUrl(server, 'viartsp'));
        assert.ok(g.ok, `${g.detail}\n${context('viartsp')}`);
      });

      it('VLC (cvlc as nobody) plays the default variant', async () => {
        const v = await vlcRecord(hlsUrl(server, 'viartmp'), 5);
        assert.deepEqual(v.map((s) => s.codec).sort(), ['aac', 'h264'], `${v.detail}\n${context('viartmp')}`);
        assert.ok(v.every((s) => s.frames >= 20), `VLC: at least 20 frames per stream wanted\n${v.detail}\n${context('viartmp')}`);
      });
    }

    it('answers 404 to a path nobody publishes, without making a muxer', async () => {
      const r = await fetchHttp(hlsUrl(server, 'nobody'));
      assert.equal(r.status, 404, r.text);
      assert.doesNotMatch(server.logs(), /\[muxer nobody\]/);
    });
  });
}
