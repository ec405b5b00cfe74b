import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames, gstPublish, gstReadH264 } from '../support/media.ts';
import { makeSelfSignedCert } from '../support/tls.ts';
import { describeRunning } from '../support/process.ts';

describe('RTSPS (encryption: optional) with FFmpeg and GStreamer', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer((dir) => {
      const { key, cert } = makeSelfSignedCert(dir); // made for this run only
      return `encryption: optional\nserverKey: ${key}\nserverCert: ${cert}\npaths:\n  all:\n`;
    });
  });
  after(async () => { await server?.stop(); });

  it('publishes with FFmpeg over RTSPS and reads with FFmpeg and GStreamer over RTSPS', async () => {
    // Publishes until stopped in finally. It used to stop by itself after 10 s, which a loaded machine could reach
    // before GStreamer, the second reader, had its frames: rtspsrc then waited, silent, until its timeout.
    const pub = ffmpegPublish(server.url('tls', { secure: true }), { video: 'h264', audio: 'aac', seconds: 300 });
    try {
      await server.waitForLog(/\[path tls\] stream is ready/, 15_000);
      const f = await ffmpegReadFrames(server.url('tls', { secure: true }), undefined);
      assert.ok(f.frames >= 20, `${f.detail}\n${describeRunning('publisher', pub)}\n${logTail(server)}`);
      const g = await gstReadH264(server.url('tls', { secure: true }), 'tcp', { tls: true });
      assert.ok(g.ok, `${g.detail}\n${describeRunning('publisher', pub)}\n${logTail(server)}`);
    } finally {
      await pub.stop();
    }
  });

  it('publishes with GStreamer over RTSPS', async () => {
    const pub = gstPublish(server.url('gsttls', { secure: true }), { transport: 'tcp', seconds: 300, tlsNoValidation: true }); // stopped in finally
    try {
      await server.waitForLog(/\[path gsttls\] stream is ready/, 15_000);
      const f = await ffmpegReadFrames(server.url('gsttls', { secure: true }), undefined);
      assert.ok(f.frames >= 20, `${f.detail}\n${describeRunning('publisher', pub)}\n${logTail(server)}`);
    } finally {
      await pub.stop();
    }
  });
});
