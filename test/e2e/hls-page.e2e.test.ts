import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish } from '../support/media.ts';
import { describeRunning, waitFor, type Running } from '../support/process.ts';
import { describeVideo, launchChromium, videoState, waitForPlayback, type TestBrowser, type VideoState } from '../support/chromium.ts';
import { hlsUrl } from '../support/hls-media.ts';

const LIVE_SECONDS = 300;

describe('the HLS page in Chromium where sound may not autoplay (no user gesture)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  const running: Running[] = [];
  before(async () => {
    server = await startServer('paths:\n  later:\n', {}, { hls: true });
    browser = await launchChromium({ autoplayWithSound: false });
  });
  after(async () => {
    await browser?.close();
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
  });

  /** Waits until the page's message line matches `want`; returns the state seen then. */
  async function waitForMessage(page: Parameters<typeof videoState>[0], want: RegExp): Promise<VideoState> {
    let state: VideoState | undefined;
    await waitFor(async () => want.test((state = await videoState(page)).message), {
      timeoutMs: 20_000, what: `the page's message to match ${want}`, detail: () => `${describeVideo(state)}\n${logTail(server)}`,
    });
    return state!;
  }

  it('opened before the stream exists, says it is waiting, then plays (muted) once a publisher starts', async () => {
    const page = await browser.open(hlsUrl(server, 'later', ''));
    try {
      const waiting = await waitForMessage(page, /^Waiting for the stream to start/);
      assert.equal(waiting.frames, 0, `nothing plays yet: ${describeVideo(waiting)}`);
      const pub = ffmpegPublish(server.url('later'), { video: 'h264', audio: 'aac', seconds: LIVE_SECONDS });
      running.push(pub);
      // The page tries again every 2 s; hls.js then loads the playlist and starts.
      const { last } = await waitForPlayback(page, { minFrames: 25, minAdvanceS: 1, timeoutMs: 45_000 })
        .catch((err: Error) => { throw new Error(`${err.message}\n${describeRunning('publisher', pub)}\n${logTail(server)}`); });
      assert.equal(last.paused, false, `playing: ${describeVideo(last)}`);
      // The page starts unmuted; Chromium refuses that without a gesture, so playing means the muted fallback ran.
      assert.equal(last.muted, true, `autoplay fell back to muted: ${describeVideo(last)}`);
      assert.equal(last.message, '', `the message is gone once it plays: ${describeVideo(last)}`);
      assert.equal(last.videoWidth, 320, `320x240 decoded: ${describeVideo(last)}`);
    } finally {
      await page.close();
    }
  });

  it('says that a path which is not configured does not exist', async () => {
    const page = await browser.open(hlsUrl(server, 'nowhere', ''));
    try {
      const s = await waitForMessage(page, /does not exist/);
      assert.match(s.message, /^This stream does not exist \(path 'nowhere' is not configured\)\.$/, describeVideo(s));
      assert.equal(s.frames, 0, `nothing plays: ${describeVideo(s)}`);
    } finally {
      await page.close();
    }
  });
});
