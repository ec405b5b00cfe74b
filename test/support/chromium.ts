import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/ensure-clients.sh installs it); playwright-core downloads no browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// The flags of docs/testing.md §Chromium: no GPU, no background traffic; autoplay as launchChromium says.
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--mute-audio',
];
// Autoplay with sound allowed (the tests' default). Without this flag Chromium applies its own policy: a fresh
// profile may not play sound before a user gesture, only muted media starts by itself.
const AUTOPLAY_ALLOWED = '--autoplay-policy=no-user-gesture-required';

/** A headless Chromium with a fresh profile; `close()` ends it and removes the profile. */
export interface TestBrowser {
  readonly context: BrowserContext;
  /** Opens `url` in a new tab. */
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/** How launchChromium starts the browser. */
export interface ChromiumOptions {
  ignoreHttpsErrors?: boolean;
  /** Answers HTTP Basic challenges. */
  credentials?: { username: string; password: string };
  /** Added to the flags. */
  args?: readonly string[];
  /**
   * false: without `--autoplay-policy=no-user-gesture-required`, so Chromium's own policy refuses sound before a
   * user gesture and a page must fall back to muted autoplay. Default true. (videoState reads the page without
   * lending it a user gesture, which Playwright's page.evaluate would.)
   */
  autoplayWithSound?: boolean;
}

/** Launches Chromium with a new empty --user-data-dir. */
export async function launchChromium(opts: ChromiumOptions = {}): Promise<TestBrowser> {
  const autoplay = opts.autoplayWithSound === false ? [] : [AUTOPLAY_ALLOWED];
  const profile = mkdtempSync(join(tmpdir(), 'mtx-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH, headless: true, args: [...ARGS, ...autoplay, ...(opts.args ?? [])], timeout: 30_000,
      ignoreHTTPSErrors: opts.ignoreHttpsErrors ?? false,
      ...(opts.credentials ? { httpCredentials: opts.credentials } : {}),
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    open: async (url) => {
      const page = await context.newPage();
      await page.goto(url, { timeout: 15_000, waitUntil: 'domcontentloaded' });
      return page;
    },
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What the page's `<video>` (and hls.js, when it plays through it) shows at one moment. */
export interface VideoState {
  readonly frames: number;
  readonly droppedFrames: number;
  readonly currentTime: number;
  readonly readyState: number;
  readonly paused: boolean;
  readonly muted: boolean;
  /** Bytes of audio Chromium decoded (non-standard `webkitAudioDecodedByteCount`): > 0 means an audio track plays. */
  readonly audioBytes: number;
  readonly videoWidth: number;
  /** hls.js's estimate of the distance to the live edge, in seconds, when hls.js plays. */
  readonly latency: number | undefined;
  readonly error: string | undefined;
  /** The page's message line (why the stream does not play). */
  readonly message: string;
}

// Runs in the page (a string: this project compiles without the DOM library).
const VIDEO_STATE_SCRIPT = `(() => {
  const v = document.querySelector('video');
  const q = v ? v.getVideoPlaybackQuality() : undefined;
  const latency = window.hls ? window.hls.latency : undefined;
  return {
    frames: q ? q.totalVideoFrames : 0, droppedFrames: q ? q.droppedVideoFrames : 0, currentTime: v ? v.currentTime : 0,
    readyState: v ? v.readyState : 0, paused: v ? v.paused : true, muted: v ? v.muted : false,
    audioBytes: v && v.webkitAudioDecodedByteCount ? v.webkitAudioDecodedByteCount : 0, videoWidth: v ? v.videoWidth : 0,
    latency: typeof latency === 'number' && Number.isFinite(latency) ? latency : undefined,
    error: v && v.error ? v.error.code + ': ' + v.error.message : undefined,
    message: document.getElementById('message') ? document.getElementById('message').textContent : '',
  };
})()`;

// One DevTools session per page, for videoState.
const sessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * Reads the state of the first `<video>` of the page. Through DevTools' Runtime.evaluate without a user gesture:
 * Playwright's page.evaluate runs as one, which would let the page play sound as if the user had clicked.
 */
export async function videoState(page: Page): Promise<VideoState> {
  let session = sessions.get(page);
  if (!session) { session = page.context().newCDPSession(page); sessions.set(page, session); }
  const r = await (await session).send('Runtime.evaluate', { expression: VIDEO_STATE_SCRIPT, returnByValue: true, userGesture: false });
  if (r.exceptionDetails) throw new Error(`reading the video state failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
  return r.result.value as VideoState;
}

/** One line for assertion messages. */
export function describeVideo(s: VideoState | undefined): string {
  if (!s) return 'no video state';
  return `frames=${s.frames} dropped=${s.droppedFrames} currentTime=${s.currentTime.toFixed(2)} readyState=${s.readyState} paused=${s.paused} `
    + `audioBytes=${s.audioBytes} width=${s.videoWidth} latency=${s.latency?.toFixed(2) ?? '-'} error=${s.error ?? '-'} message='${s.message}'`;
}

/**
 * Waits until the page has decoded `minFrames` more frames and `currentTime` advanced by `minAdvanceS` seconds since
 * the first look (and audio was decoded, with `audio`); resolves with the first and last states, or rejects after
 * `timeoutMs` with what was seen.
 */
export async function waitForPlayback(page: Page, o: { minFrames: number; minAdvanceS: number; audio?: boolean; timeoutMs: number }): Promise<{ first: VideoState; last: VideoState }> {
  const end = Date.now() + o.timeoutMs;
  let first: VideoState | undefined;
  let last: VideoState | undefined;
  for (;;) {
    last = await videoState(page);
    // The first look is taken once something plays, so that time spent loading does not count as advance.
    if (!first && last.frames > 0) first = last;
    if (first && last.frames - first.frames >= o.minFrames && last.currentTime - first.currentTime >= o.minAdvanceS && (!o.audio || last.audioBytes > 0)) {
      return { first, last };
    }
    if (last.error !== undefined) throw new Error(`the video failed: ${describeVideo(last)}`);
    if (Date.now() > end) throw new Error(`timed out after ${o.timeoutMs} ms waiting for playback\nfirst: ${describeVideo(first)}\nlast:  ${describeVideo(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
