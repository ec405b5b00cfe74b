import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { describeRunning } from '../support/process.ts';

describe('RTSP/TCP publisher with RTP packets larger than udpMaxPayloadSize', () => {
  let server: TestServer;
  before(async () => { server = await startServer('paths:\n  all:\n'); });
  after(async () => { await server?.stop(); });

  for (const video of ['h264', 'hevc'] as const) {
    it(`re-packetizes ${video} so UDP and multicast readers still decode it`, async () => {
      const pub = ffmpegPublish(server.url(`big${video}`), { video, transport: 'tcp', seconds: 300, pktSize: 8000 }); // stopped in finally
      try {
        await server.waitForLog(new RegExp(`\\[path big${video}\\] stream is ready`), 15_000);
        for (const transport of ['udp', 'udp_multicast', 'tcp'] as const) {
          const f = await ffmpegReadFrames(server.url(`big${video}`), transport);
          assert.ok(f.frames >= 20, `${f.detail}\n${describeRunning('publisher', pub)}\n${logTail(server)}`);
        }
        assert.doesNotMatch(server.logs(), /too big/, logTail(server));
      } finally {
        await pub.stop();
      }
    });
  }
});
