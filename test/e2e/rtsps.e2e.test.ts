import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames, gstPublish, gstReadH264 } from '../support/media.ts';
import { makeSelfSignedCert } from '../support/tls.ts';

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
    const pub = ffmpegPublish(server.url('tls', { secure: true }), { video: 'h264', audio: 'aac', seconds: 10 });
    try {
      await server.waitForLog(/\[path tls\] stream is ready/, 15_000);
      const f = await ffmpegReadFrames(server.url('tls', { secure: true }), undefined);
      assert.ok(f.frames >= 20, `ffmpeg rtsps decoded ${f.frames}\n${f.stderr.slice(-600)}`);
      const g = await gstReadH264(server.url('tls', { secure: true }), 'tcp', { tls: true });
      assert.ok(g.ok, g.stderr.slice(-600));
    } finally {
      await pub.stop();
    }
  });

  it('publishes with GStreamer over RTSPS', async () => {
    const pub = gstPublish(server.url('gsttls', { secure: true }), { transport: 'tcp', seconds: 10, tlsNoValidation: true });
    try {
      await server.waitForLog(/\[path gsttls\] stream is ready/, 15_000);
      const f = await ffmpegReadFrames(server.url('gsttls', { secure: true }), undefined);
      assert.ok(f.frames >= 20, `decoded ${f.frames}`);
    } finally {
      await pub.stop();
    }
  });
});
