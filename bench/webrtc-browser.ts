/**
 * `npm run bench -- --protocol webrtc --measure start [--trials 10 --gop 2 --size 640x360 --kbps 1500]`: what a viewer
 * in Chromium sees when it opens the reader page (`http://host:8889/path`) of a stream that is flowing: the time from
 * the navigation's start to the first decoded frame (requestVideoFrameCallback, on the page's clock), and to the peer
 * connection reaching "connected". The server runs in its own process (src/main.ts, loopback ports, no STUN), a test
 * file with a key frame every `--gop` seconds (2 by default) is published over RTSP in a loop, and each trial opens
 * the page at a random phase of the GOP: without the GOP cache a viewer would wait for the next key frame, on average
 * half a GOP after the connection is up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from '../test/support/chromium.ts';
import { start, waitFor } from '../test/support/process.ts';
import { WEBRTC_CHROMIUM_ARGS } from '../test/support/webrtc-page.ts';
import { argOf, hlsTestFile, percentile, publishLoop, type HlsTestMedia } from './hls-media.ts';

const TRIALS = Math.min(50, Number(argOf('trials', '10')));
const MEDIA: HlsTestMedia = { size: argOf('size', '640x360'), kbps: Number(argOf('kbps', '1500')), gopS: Number(argOf('gop', '2')) };
const RTSP_PORT = Number(argOf('port', '29854'));
const WEBRTC_PORT = RTSP_PORT + 1;

// Records, on the page's clock (0 = start of the navigation), when the video presents its first frame and when the
// first RTCPeerConnection becomes connected.
const PAGE_HOOK = `(() => {
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...a) {
    const pc = new Native(...a);
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected' && window.__connectedMs === undefined) window.__connectedMs = performance.now();
    });
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  document.addEventListener('DOMContentLoaded', () => {
    const v = document.querySelector('video');
    if (v && v.requestVideoFrameCallback) v.requestVideoFrameCallback((now) => { window.__firstFrameMs = now; });
  });
})();`;

interface Trial { readonly firstFrameMs: number; readonly connectedMs: number }

async function measureStart(): Promise<Trial[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mtx-webrtc-browser-'));
  const conf = join(dir, 'bench.yml');
  writeFileSync(conf, `logLevel: info\nrtspAddress: 127.0.0.1:${RTSP_PORT}\nprotocols: [tcp]\nrtmpDisable: yes\nhlsDisable: yes\n`
    + `webrtcAddress: 127.0.0.1:${WEBRTC_PORT}\nwebrtcICEServers: []\npaths:\n  all:\n`);
  const root = resolve(import.meta.dirname, '..');
  const server = start(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/main.ts'), conf], { timeoutMs: 1_800_000, cwd: dir });
  const pub = { current: undefined as ReturnType<typeof publishLoop> | undefined };
  const browser = await launchChromium({ args: WEBRTC_CHROMIUM_ARGS });
  const out: Trial[] = [];
  try {
    await waitFor(() => /\[WebRTC\] listener opened/.test(server.output().stdout), { timeoutMs: 30_000, what: 'the server', detail: () => server.output().stderr });
    pub.current = publishLoop(hlsTestFile(tmpdir(), MEDIA), `rtsp://127.0.0.1:${RTSP_PORT}/bench`);
    await waitFor(() => /\[path bench\] stream is ready/.test(server.output().stdout), { timeoutMs: 30_000, what: 'the published stream', detail: () => server.output().stderr });
    await browser.context.addInitScript(PAGE_HOOK);
    for (let i = 0; i < TRIALS; i++) {
      await new Promise((r) => setTimeout(r, 500 + Math.random() * MEDIA.gopS * 1000)); // a random phase of the GOP
      const page = await browser.open(`http://127.0.0.1:${WEBRTC_PORT}/bench`);
      try {
        await waitFor(async () => await page.evaluate('window.__firstFrameMs !== undefined') as boolean,
          { timeoutMs: 20_000, what: 'the first frame', detail: () => server.output().stdout.slice(-2000) });
        out.push({
          firstFrameMs: Math.round(await page.evaluate('window.__firstFrameMs') as number),
          connectedMs: Math.round(await page.evaluate('window.__connectedMs ?? NaN') as number),
        });
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await pub.current?.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const fmt = (v: number[]): string => `p50 ${percentile(v, 50)} ms, p95 ${percentile(v, 95)} ms, min ${Math.min(...v)}, max ${Math.max(...v)}`;

console.log(`stream: ${MEDIA.size} 30 fps, ${MEDIA.kbps} kbit/s, a key frame every ${MEDIA.gopS} s; ${TRIALS} page opens at random GOP phases`);
const trials = await measureStart();
const first = trials.map((t) => t.firstFrameMs);
const connected = trials.map((t) => t.connectedMs);
console.log(`peer connection connected after the page request: ${fmt(connected)}`);
console.log(`first decoded frame after the page request:       ${fmt(first)}  [${first.join(', ')}]`);
console.log(`first frame after connected:                      ${fmt(trials.map((t) => t.firstFrameMs - t.connectedMs))}`);
