import type { Page } from 'playwright-core';
import { waitFor } from './process.ts';

/** Chromium flags for WebRTC on loopback (docs/testing.md §Chromium): loopback candidates, no mDNS names, fake devices. */
export const WEBRTC_CHROMIUM_ARGS = [
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
] as const;

/** What the server's pages expose of their peer connection: state and getStats() RTP counters per kind. */
export interface PeerStats {
  readonly connected: boolean;
  readonly message: string;
  readonly inbound: Readonly<Record<string, {
    packetsReceived: number; framesDecoded: number; packetsLost: number; frameWidth: number;
    /** Seconds frames (or samples) spent in the jitter buffer in total, and how many left it: their ratio is the playout delay. */
    jitterBufferDelay: number; jitterBufferEmittedCount: number;
    /** Audio samples the decoder produced from received packets (totalSamplesReceived less the concealed ones): > 0 means audio was decoded. */
    samplesDecoded: number;
  }>>;
  readonly outbound: Readonly<Record<string, { packetsSent: number; framesEncoded: number }>>;
  readonly pair: string;
}

// Runs in the page (a string: the project compiles without the DOM library).
const STATS_SCRIPT = `(async () => {
  const pc = window.webrtcPc;
  const out = { connected: !!(window.webrtcState && window.webrtcState.connected), message: (document.getElementById('message') || {}).textContent || '', inbound: {}, outbound: {}, pair: '' };
  if (!pc) return out;
  const stats = await pc.getStats();
  const byId = new Map(); stats.forEach((s) => byId.set(s.id, s));
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp') out.inbound[s.kind] = { packetsReceived: s.packetsReceived || 0, framesDecoded: s.framesDecoded || 0, packetsLost: s.packetsLost || 0, frameWidth: s.frameWidth || 0, jitterBufferDelay: s.jitterBufferDelay || 0, jitterBufferEmittedCount: s.jitterBufferEmittedCount || 0, samplesDecoded: (s.totalSamplesReceived || 0) - (s.concealedSamples || 0) };
    if (s.type === 'outbound-rtp') out.outbound[s.kind] = { packetsSent: s.packetsSent || 0, framesEncoded: s.framesEncoded || 0 };
    if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
      const l = byId.get(s.localCandidateId), r = byId.get(s.remoteCandidateId);
      out.pair = (l ? l.address + ':' + l.port : '?') + ' <-> ' + (r ? r.address + ':' + r.port : '?');
    }
  });
  return out;
})()`;

/** Reads the page's peer connection state and RTP counters. */
export async function peerStats(page: Page): Promise<PeerStats> {
  return page.evaluate(STATS_SCRIPT) as Promise<PeerStats>;
}

/** Waits until `ok(stats)` holds (polling every ~250 ms); the error names the last stats seen. */
export async function waitForStats(page: Page, ok: (s: PeerStats) => boolean, what: string, timeoutMs = 20_000, detail: () => string = () => ''): Promise<PeerStats> {
  let last: PeerStats | undefined;
  await waitFor(async () => {
    await new Promise((r) => setTimeout(r, 200));
    last = await peerStats(page);
    return ok(last);
  }, {
    timeoutMs, what, detail: () => `last stats: ${JSON.stringify(last)}\n${detail()}`,
  });
  return last!;
}

/** Average time (ms) video frames waited in the jitter buffer between two stats readings. */
export function playoutDelayMs(a: PeerStats, b: PeerStats): number {
  const x = a.inbound.video;
  const y = b.inbound.video;
  if (!x || !y || y.jitterBufferEmittedCount <= x.jitterBufferEmittedCount) return NaN;
  return ((y.jitterBufferDelay - x.jitterBufferDelay) / (y.jitterBufferEmittedCount - x.jitterBufferEmittedCount)) * 1000;
}

// Runs in the page: records, for each video frame shown, how long after its last packet arrived it is displayed
// (requestVideoFrameCallback metadata of WebRTC frames: receiveTime, expectedDisplayTime).
const FRAME_CLOCK_SCRIPT = `(() => {
  const v = document.querySelector('video');
  window.frameDelays = [];
  const cb = (_now, m) => {
    if (m.receiveTime !== undefined) window.frameDelays.push(m.expectedDisplayTime - m.receiveTime);
    if (window.frameDelays.length > 1000) window.frameDelays.shift();
    v.requestVideoFrameCallback(cb);
  };
  v.requestVideoFrameCallback(cb);
})()`;

/** Starts recording, per displayed frame, the time between its arrival and its display. */
export async function startFrameClock(page: Page): Promise<void> { await page.evaluate(FRAME_CLOCK_SCRIPT); }

/** The median arrival-to-display time (ms) of the last `n` frames shown, NaN when none were. */
export async function medianFrameDelayMs(page: Page, n = 50): Promise<number> {
  const d = (await page.evaluate(`(window.frameDelays || []).slice(-${n})`)) as number[];
  if (d.length === 0) return NaN;
  const s = [...d].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
