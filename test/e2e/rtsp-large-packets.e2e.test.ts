import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';

describe('RTSP/TCP publisher with RTP packets larger than udpMaxPayloadSize', () => {
  let server: TestServer;
  before(async () => { server = await startServer('paths:\n  all:\n'); });
  after(async () => { await server?.stop(); });

  for (const video of ['h264', 'hevc'] as const) {
    it(`re-packetizes ${video} so UDP and multicast readers still decode it`, async () => {
      const pub = ffmpegPublish(server.url(`big${video}`), { video, transport: 'tcp', seconds: 30, pktSize: 8000 });
      try {
        await server.waitForLog(new RegExp(`\\[path big${video}\\] stream is ready`), 15_000);
        for (const transport of ['udp', 'udp_multicast', 'tcp'] as const) {
          const f = await ffmpegReadFrames(server.url(`big${video}`), transport);
          assert.ok(f.frames >= 20, `${transport}: decoded ${f.frames}\n${f.stderr.slice(-600)}`);
        }
        assert.doesNotMatch(server.logs(), /too big/);
      } finally {
        await pub.stop();
      }
    });
  }
});
