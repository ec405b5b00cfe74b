import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allocatePorts, logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { describeRun, run, start, waitFor, type Running } from '../support/process.ts';
import { join } from 'node:path';
import { startAuthServer, type FakeAuthServer } from '../support/auth-server.ts';
import { CHROMIUM_WHEP_OFFER } from '../support/webrtc-offers.ts';
import { publishRaw } from '../support/rtmp-raw-publisher.ts';
import { readIvf } from '../support/media-files.ts';
import { av1IsRandomAccess, buildAv1Config, splitAv1Obus } from '../../src/codecs/index.ts';
import { buildFlvExVideo, fourccNumber } from '../../src/protocols/rtmp/index.ts';
import { ffmpegDecodeHls, hlsUrl } from '../support/hls-media.ts';
import { launchChromium, type TestBrowser } from '../support/chromium.ts';
import { WEBRTC_CHROMIUM_ARGS, medianFrameDelayMs, peerStats, playoutDelayMs, startFrameClock, waitForStats } from '../support/webrtc-page.ts';

// Publishers run until the test stops them.
const LIVE_SECONDS = 300;
// The long-GOP publisher: a key frame every 10 s, so a viewer without the GOP cache would wait up to 10 s.
const LONG_GOP_FRAMES = 250;

/** The counts of a v3 `WebRTCSession` item this file checks. */
interface V3Counts {
  id: string; rtpPacketsSent: number; outboundRTPPackets: number; rtpPacketsReceived: number; inboundRTPPackets: number;
  rtpPacketsLost: number; rtcpPacketsReceived: number; inboundRTCPPackets: number; rtcpPacketsSent: number; state: string; path: string;
}

describe('WebRTC: Chromium watches with WHEP and publishes with WHIP', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let base: string;
  let api: string;
  const running: Running[] = [];

  before(async () => {
    // The WebRTC listener takes a port of a block of its own (test/support/server.ts has none for it).
    const spare = allocatePorts();
    const webrtcPort = spare.rtsp;
    api = `http://127.0.0.1:${spare.rtsps}`;
    // No STUN server: the tests run in a namespace with loopback only.
    server = await startServer(`webrtcAddress: 127.0.0.1:${webrtcPort}\nwebrtcICEServers: []\napi: yes\napiAddress: 127.0.0.1:${spare.rtsps}\npaths:\n  all:\n`, { MTX_WEBRTCDISABLE: 'no' }, { hls: true });
    await server.waitForLog(/\[WebRTC\] listener opened/);
    base = `http://127.0.0.1:${webrtcPort}`;
    browser = await launchChromium({ args: WEBRTC_CHROMIUM_ARGS });
    running.push(
      ffmpegPublish(server.url('rtsp'), { video: 'h264', audio: 'opus', seconds: LIVE_SECONDS }),
      ffmpegPublishRtmp(server.rtmpUrl('rtmp'), { seconds: LIVE_SECONDS }),
      start('ffmpeg', ['-nostdin', '-loglevel', 'warning', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', String(LIVE_SECONDS),
        '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(LONG_GOP_FRAMES), '-keyint_min', String(LONG_GOP_FRAMES),
        '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-f', 'rtsp', '-rtsp_transport', 'tcp', server.url('longgop')], { timeoutMs: (LIVE_SECONDS + 20) * 1000 }),
    );
    await server.waitForLog(/\[path rtsp\] stream is ready/, 20_000);
    await server.waitForLog(/\[path longgop\] stream is ready/, 20_000);
    await server.waitForLog(/\[path rtmp\] stream is ready/, 20_000);
  });
  after(async () => {
    await browser?.close();
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
  });

  it('the reader page decodes H264 video and Opus audio published with FFmpeg over RTSP', async () => {
    const page = await browser.open(`${base}/rtsp/`);
    try {
      const first = await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= 5, 'first frames', 20_000, () => logTail(server));
      const last = await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= first.inbound.video!.framesDecoded + 40
        && (s.inbound.audio?.packetsReceived ?? 0) > 50, '40 more frames and audio', 20_000, () => logTail(server));
      assert.equal(last.inbound.video!.frameWidth, 320);
      assert.match(last.pair, /127\.0\.0\.1/);
    } finally {
      await page.close();
    }
  });

  it('the reader page decodes H264 published over RTMP; the AAC track is left out with a log line', async () => {
    const page = await browser.open(`${base}/rtmp/`);
    try {
      const first = await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= 5, 'first frames', 20_000, () => logTail(server));
      await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= first.inbound.video!.framesDecoded + 40, '40 more frames', 20_000, () => logTail(server));
    } finally {
      await page.close();
    }
    await server.waitForLog(/track MPEG4-GENERIC left out: MPEG-4 Audio can't be sent over WebRTC/, 5_000);
  });

  const AUDIO_LABEL = { opus: 'Opus', pcm_mulaw: 'G711', g722: 'G722' } as const;
  for (const [video, audio] of [['vp8', 'opus'], ['vp9', 'opus'], ['h264', 'pcm_mulaw'], ['h264', 'g722']] as const) {
    it(`the reader page decodes ${video.toUpperCase()} + ${AUDIO_LABEL[audio]} published with FFmpeg over RTSP`, async () => {
      const path = `${video}-${audio}`;
      const pub = ffmpegPublish(server.url(path), { video, audio, seconds: LIVE_SECONDS });
      running.push(pub);
      await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 20_000);
      const page = await browser.open(`${base}/${path}/`);
      try {
        // A second of audio decoded (48 kHz playout): the packets were not only received but understood.
        await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= 40 && (s.inbound.audio?.samplesDecoded ?? 0) > 48_000,
          '40 frames and a second of decoded audio', 20_000, () => logTail(server));
      } finally {
        await page.close();
        await pub.stop();
      }
    });
  }

  it('the reader page decodes AV1 published over Enhanced RTMP', async () => {
    // FFmpeg 5.1 can't publish Enhanced RTMP: the project's raw publisher sends libaom's temporal units (as rtmp-enhanced.e2e).
    const src = join(server.dir, 'src-av1.ivf');
    const enc = await run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '4',
      '-c:v', 'libaom-av1', '-cpu-used', '8', '-usage', 'realtime', '-g', '25', '-b:v', '300k', '-f', 'ivf', src], { timeoutMs: 60_000 });
    assert.equal(enc.code, 0, describeRun('ffmpeg', enc));
    const tus = readIvf(src);
    const seq = splitAv1Obus(tus[0]!.data).find((o) => av1IsRandomAccess([o]))!;
    const pub = publishRaw(server.ports.rtmp, 'live', 'av1', {
      metadata: { videocodecid: fourccNumber('av01'), width: 320, height: 240 },
      headers: [{ ms: 0, type: 'video', body: buildFlvExVideo({ codec: 'av1', config: buildAv1Config(seq), isKeyframe: true, compositionTimeMs: 0 }) }],
      media: tus.map((tu, i) => ({ ms: i * 40, type: 'video' as const, body: buildFlvExVideo({ codec: 'av1', data: tu.data, isKeyframe: av1IsRandomAccess(splitAv1Obus(tu.data)), compositionTimeMs: 0 }) })),
      loop: true,
    });
    try {
      await server.waitForLog(/\[path live\/av1\] stream is ready/, 15_000);
      const page = await browser.open(`${base}/live/av1/`);
      try {
        await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= 40, '40 AV1 frames', 20_000, () => logTail(server));
      } finally {
        await page.close();
      }
    } finally {
      pub.socket.destroy();
    }
  });

  it('two viewers at once decode the same stream', async () => {
    const pages = await Promise.all([browser.open(`${base}/rtsp/`), browser.open(`${base}/rtsp/`)]);
    try {
      await Promise.all(pages.map((p) => waitForStats(p, (s) => (s.inbound.video?.framesDecoded ?? 0) >= 50, '50 frames', 20_000, () => logTail(server))));
      // The API lists both sessions in the v0.22.2 shape.
      const list = await (await fetch(`${api}/v1/webrtcconns/list`)).json() as { items: Record<string, { peerConnectionEstablished: boolean; bytesSent: number; remoteCandidate: string }> };
      const items = Object.values(list.items);
      assert.equal(items.length, 2, JSON.stringify(list));
      assert.ok(items.every((i) => i.peerConnectionEstablished && i.bytesSent > 10_000 && /^127\.0\.0\.1:\d+$/.test(i.remoteCandidate)), JSON.stringify(list));
      assert.ok(items.every((i) => !('rtpPacketsSent' in i)), 'the v0.22.2 shape has no RTP counts');
      // The v3 API reports each session's RTP/RTCP counts, and they grow while the viewers play.
      const sessions = async (): Promise<V3Counts[]> => ((await (await fetch(`${api}/v3/webrtcsessions/list`)).json()) as { items: V3Counts[] }).items;
      const before = await sessions();
      assert.equal(before.length, 2, JSON.stringify(before));
      for (const i of before) {
        assert.ok(i.rtpPacketsSent > 100 && i.outboundRTPPackets === i.rtpPacketsSent, JSON.stringify(i));
        // Chromium's receiver reports (RFC 3550 §6.4.2) come in, our sender reports go out.
        assert.ok(i.rtcpPacketsReceived > 0 && i.inboundRTCPPackets === i.rtcpPacketsReceived && i.rtcpPacketsSent > 0, JSON.stringify(i));
        assert.ok(i.rtpPacketsLost >= 0 && i.inboundRTPPackets === 0, JSON.stringify(i));
      }
      const received = await Promise.all(pages.map(async (p) => { const s = await peerStats(p); return (s.inbound.video?.packetsReceived ?? 0) + (s.inbound.audio?.packetsReceived ?? 0); }));
      // The counts grow while the viewers play: each session sends 50 more packets within a few seconds.
      const sentBefore = new Map(before.map((i) => [i.id, i.rtpPacketsSent]));
      let later = before;
      await waitFor(async () => {
        later = await sessions();
        return later.length === 2 && later.every((i) => i.rtpPacketsSent > (sentBefore.get(i.id) ?? Infinity) + 50);
      }, {
        timeoutMs: 10_000, what: 'each session to send 50 more RTP packets', detail: () => `${JSON.stringify(before)} then ${JSON.stringify(later)}`,
      });
      // What the browsers received is what was counted as sent, less any loss.
      const sent = later.map((i) => i.rtpPacketsSent);
      assert.ok(received[0]! + received[1]! <= sent[0]! + sent[1]!, `received ${received.join(', ')}, sent ${sent.join(', ')}`);
    } finally {
      await Promise.all(pages.map((p) => p.close()));
    }
  });

  it('a viewer joining mid-GOP (10 s GOP) sees a frame at once from the GOP cache, then plays at live delay', async () => {
    for (const waitMs of [2500, 6000]) {
      await new Promise((r) => setTimeout(r, waitMs));
      const t0 = Date.now();
      const page = await browser.open(`${base}/longgop/`);
      try {
        await startFrameClock(page);
        const first = await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= 1, 'a first frame', 8000, () => logTail(server));
        const firstFrameMs = Date.now() - t0;
        // A viewer without the GOP cache waits for the next key frame: up to 10 s here.
        assert.ok(firstFrameMs < 3000, `first frame after ${firstFrameMs} ms`);
        await new Promise((r) => setTimeout(r, 3000));
        const a = await peerStats(page);
        await new Promise((r) => setTimeout(r, 2000));
        const b = await peerStats(page);
        const delay = playoutDelayMs(a, b);
        const shownAfterMs = await medianFrameDelayMs(page);
        console.log(`mid-GOP join after ${waitMs} ms: first frame ${firstFrameMs} ms after opening the page (${first.inbound.video!.framesDecoded} decoded by then); `
          + `then jitter buffer ${delay.toFixed(0)} ms, arrival to display ${shownAfterMs.toFixed(0)} ms (median of 50 frames)`);
        // Had the burst been played at its own pace, every live frame would wait as long as the join was into the GOP.
        assert.ok(shownAfterMs < 300, `frames are shown ${shownAfterMs.toFixed(0)} ms after they arrive: not at live delay`);
        assert.ok(b.inbound.video!.framesDecoded - a.inbound.video!.framesDecoded >= 40, 'plays on at 25 fps');
        assert.ok(delay < 500, `the jitter buffer holds frames ${delay.toFixed(0)} ms on average: not at live delay`);
      } finally {
        await page.close();
      }
    }
  });

  for (const codec of ['H264', 'VP8'] as const) {
    it(`Chromium publishes a fake camera and microphone with WHIP (${codec} + Opus); FFmpeg reads it over RTSP`, async () => {
      const path = `whip${codec.toLowerCase()}`;
      const page = await browser.open(`${base}/${path}/publish?codec=${codec}&autostart`);
      try {
        await waitForStats(page, (s) => s.connected && (s.outbound.video?.framesEncoded ?? 0) > 10, 'the publisher to connect', 20_000, () => logTail(server));
        await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 10_000);
        const r = await ffmpegReadFrames(server.url(path), 'tcp', 2);
        assert.ok(r.frames >= 40, `${r.detail}\n${logTail(server)}`);
        assert.match(r.stderr, codec === 'H264' ? /Video: h264/ : /Video: vp8/);
        assert.match(r.stderr, /Audio: opus/);
        // The publisher's session counts what it received, and the receiver reports and PLIs it sent.
        const list = ((await (await fetch(`${api}/v3/webrtcsessions/list`)).json()) as { items: V3Counts[] }).items;
        const pub = list.find((i) => i.state === 'publish' && i.path === path);
        assert.ok(pub && pub.rtpPacketsReceived > 100 && pub.inboundRTPPackets === pub.rtpPacketsReceived && pub.rtcpPacketsSent > 0
          && pub.rtpPacketsSent === 0 && pub.rtpPacketsLost >= 0, JSON.stringify(list));
        if (codec === 'H264') {
          const rtmp = await ffmpegReadFrames(server.rtmpUrl(path), undefined, 2);
          assert.ok(rtmp.frames >= 40, `${rtmp.detail}\n${logTail(server)}`);
          const hls = await ffmpegDecodeHls(hlsUrl(server, path));
          assert.ok(hls.video >= 40 && hls.audio >= 40, `${hls.detail}\n${logTail(server)}`);
        }
        // A second browser page views the published stream with WHEP.
        const viewer = await browser.open(`${base}/${path}/`);
        try {
          await waitForStats(viewer, (s) => (s.inbound.video?.framesDecoded ?? 0) >= 30 && (s.inbound.audio?.packetsReceived ?? 0) > 30, 'the viewer to decode', 20_000, () => logTail(server));
        } finally {
          await viewer.close();
        }
      } finally {
        await page.close();
      }
    });
  }
});

describe('WebRTC on one UDP port (webrtcICEUDPMuxAddress)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let base: string;
  let muxPort: number;
  const running: Running[] = [];

  before(async () => {
    const spare = allocatePorts();
    muxPort = spare.rtsps;
    server = await startServer(`webrtcAddress: 127.0.0.1:${spare.rtsp}\nwebrtcICEServers: []\nwebrtcICEUDPMuxAddress: 127.0.0.1:${muxPort}\npaths:\n  all:\n`, { MTX_WEBRTCDISABLE: 'no' });
    await server.waitForLog(new RegExp(`\\[WebRTC\\] listener opened.*ICE on UDP port ${muxPort}`));
    base = `http://127.0.0.1:${spare.rtsp}`;
    browser = await launchChromium({ args: WEBRTC_CHROMIUM_ARGS });
    running.push(ffmpegPublish(server.url('cam'), { video: 'h264', audio: 'opus', seconds: LIVE_SECONDS }));
    await server.waitForLog(/\[path cam\] stream is ready/, 20_000);
  });
  after(async () => {
    await browser?.close();
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
  });

  it('two viewers decode with every session on the one port', async () => {
    const pages = await Promise.all([browser.open(`${base}/cam/`), browser.open(`${base}/cam/`)]);
    try {
      const stats = await Promise.all(pages.map((p) => waitForStats(p, (s) => (s.inbound.video?.framesDecoded ?? 0) >= 40, '40 frames', 20_000, () => logTail(server))));
      for (const s of stats) assert.match(s.pair, new RegExp(`<-> 127\\.0\\.0\\.1:${muxPort}$`), `the server side of the pair is the mux port: ${s.pair}`);
      // npm test builds the UDP batching addon (scripts/test.sh): the frames above went out in sendmmsg batches.
      await server.waitForLog(new RegExp(`ICE on UDP port ${muxPort} \\(sendmmsg batches\\)`), 5_000);
    } finally {
      await Promise.all(pages.map((p) => p.close()));
    }
  });
});

describe('WebRTC authentication (plain HTTP requests)', () => {
  let server: TestServer;
  let auth: FakeAuthServer;
  let base: string;
  const running: Running[] = [];

  before(async () => {
    auth = await startAuthServer((b) => b.user === 'viewer' && b.password === 'pw');
    const spare = allocatePorts();
    server = await startServer(`webrtcAddress: 127.0.0.1:${spare.rtsp}\nwebrtcICEServers: []\nexternalAuthenticationURL: ${auth.url}\npaths:\n  all:\n`, { MTX_WEBRTCDISABLE: 'no' });
    await server.waitForLog(/\[WebRTC\] listener opened/);
    base = `http://127.0.0.1:${spare.rtsp}`;
    // The publisher authenticates too: the auth server lets 'viewer' do anything.
    running.push(ffmpegPublish(server.url('cam', { user: 'viewer', pass: 'pw' }), { video: 'h264', audio: 'opus', seconds: LIVE_SECONDS }));
    await server.waitForLog(/\[path cam\] stream is ready/, 20_000);
  });
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
    await auth?.close();
  });

  const whep = (headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${base}/cam/whep?token=t1`, { method: 'POST', headers: { 'Content-Type': 'application/sdp', ...headers }, body: CHROMIUM_WHEP_OFFER });

  it('asks for credentials (401 + Basic challenge), then takes them, asking the external server with protocol webrtc', async () => {
    const r = await whep();
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), 'Basic realm="mediamtx"');
    const ok = await whep({ Authorization: `Basic ${Buffer.from('viewer:pw').toString('base64')}` });
    assert.equal(ok.status, 201, await ok.clone().text());
    const location = ok.headers.get('location')!;
    const asked = auth.bodies.find((b) => b.protocol === 'webrtc' && b.user === 'viewer');
    assert.ok(asked, JSON.stringify(auth.bodies));
    assert.equal(asked.action, 'read');
    assert.equal(asked.path, 'cam');
    assert.equal(asked.query, 'token=t1');
    assert.equal((await fetch(`${base}${location}`, { method: 'DELETE' })).status, 200);
  });
});
