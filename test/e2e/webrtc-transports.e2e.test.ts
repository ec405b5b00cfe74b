import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allocatePorts, logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish } from '../support/media.ts';
import type { Running } from '../support/process.ts';
import { launchChromium, type TestBrowser } from '../support/chromium.ts';
import { WEBRTC_CHROMIUM_ARGS, waitForStats } from '../support/webrtc-page.ts';
import { onlyTcpCandidates, relayOnly, selectedPair, startCoturn, type TurnAuth } from '../support/webrtc-transports.ts';

// Publishers run until the test stops them.
const LIVE_SECONDS = 300;

/** Starts a server with the WebRTC listener and `extra` keys, and an FFmpeg RTSP publisher (H264 + Opus) on `cam`. */
async function serverWithStream(extra: string): Promise<{ server: TestServer; base: string; pub: Running; spare: ReturnType<typeof allocatePorts> }> {
  const spare = allocatePorts();
  const server = await startServer(`webrtcAddress: 127.0.0.1:${spare.rtsp}\n${extra}paths:\n  all:\n`, { MTX_WEBRTCDISABLE: 'no' });
  await server.waitForLog(/\[WebRTC\] listener opened/);
  const pub = ffmpegPublish(server.url('cam'), { video: 'h264', audio: 'opus', seconds: LIVE_SECONDS });
  await server.waitForLog(/\[path cam\] stream is ready/, 20_000);
  return { server, base: `http://127.0.0.1:${spare.rtsp}`, pub, spare };
}

describe('WebRTC transports: ICE over the one TCP port, and TURN relays, with Chromium', () => {
  let browser: TestBrowser;
  before(async () => { browser = await launchChromium({ args: WEBRTC_CHROMIUM_ARGS }); });
  after(async () => { await browser?.close(); });

  it('webrtcICETCPMuxAddress: the reader page decodes over ICE-TCP on the shared port when only TCP candidates are left', async () => {
    const tcpPort = allocatePorts().rtsp;
    const { server, base, pub } = await serverWithStream(`webrtcICEServers: []\nwebrtcICETCPMuxAddress: 127.0.0.1:${tcpPort}\n`);
    try {
      await server.waitForLog(new RegExp(`ICE on TCP port ${tcpPort}`), 5_000);
      assert.doesNotMatch(server.logs(), /not implemented/i);
      const page = await browser.context.newPage();
      try {
        await onlyTcpCandidates(page);
        await page.goto(`${base}/cam/`, { timeout: 15_000, waitUntil: 'domcontentloaded' });
        const first = await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= 5, 'first frames over TCP', 20_000, () => logTail(server));
        await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= first.inbound.video!.framesDecoded + 40
          && (s.inbound.audio?.packetsReceived ?? 0) > 50, '40 more frames and audio over TCP', 20_000, () => logTail(server));
        const pair = await selectedPair(page);
        assert.equal(pair?.local.protocol, 'tcp', JSON.stringify(pair));
        assert.equal(pair?.remote.address, `127.0.0.1:${tcpPort}`, JSON.stringify(pair));
        await server.waitForLog(new RegExp(`peer connection established, local candidate: 127\\.0\\.0\\.1:${tcpPort}`), 5_000);
      } finally {
        await page.close();
      }
    } finally {
      await pub.stop();
      await server.stop();
    }
  });

  const turnCases: [string, TurnAuth, (port: number) => string][] = [
    ['static credentials (turn:user:pass:host:port)', { user: 'viewer', pass: 'p4ss' }, (port) => `turn:viewer:p4ss:127.0.0.1:${port}`],
    ['use-auth-secret (turn:AUTH_SECRET:secret:host:port)', { secret: 's3cret' }, (port) => `turn:AUTH_SECRET:s3cret:127.0.0.1:${port}`],
  ];
  for (const [name, auth, entry] of turnCases) {
    it(`TURN with ${name}: Chromium with iceTransportPolicy 'relay' decodes through coturn`, async () => {
      const ports = allocatePorts();
      const turn = await startCoturn(ports.rtsp, [ports.rtp, ports.hls], auth);
      const { server, base, pub } = await serverWithStream(`webrtcICEServers: [${entry(ports.rtsp)}]\n`);
      try {
        const page = await browser.context.newPage();
        try {
          await relayOnly(page);
          await page.goto(`${base}/cam/`, { timeout: 15_000, waitUntil: 'domcontentloaded' });
          const detail = (): string => `${logTail(server)}\n--- coturn ---\n${turn.output().stdout.slice(-1500)}`;
          const first = await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= 5, 'first frames through TURN', 20_000, detail);
          await waitForStats(page, (s) => (s.inbound.video?.framesDecoded ?? 0) >= first.inbound.video!.framesDecoded + 40, '40 more frames through TURN', 20_000, detail);
          const pair = await selectedPair(page);
          assert.equal(pair?.local.type, 'relay', JSON.stringify(pair));
          const relayPort = Number(pair!.local.address.split(':')[1]);
          assert.ok(relayPort >= ports.rtp && relayPort <= ports.hls, `relayed from coturn's ports: ${JSON.stringify(pair)}`);
          // coturn saw the allocation with the credentials the server handed out.
          assert.match(turn.output().stdout, /ALLOCATE.*success|session .* new, realm=/i);
        } finally {
          await page.close();
        }
      } finally {
        await pub.stop();
        await server.stop();
        await turn.stop();
      }
    });
  }
});
