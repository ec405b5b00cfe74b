import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { describeRun, describeRunning, type Running } from '../support/process.ts';

const MIN_FRAMES = 20;

describe('redirect and fallback followed by FFmpeg; a static-source path refuses publishers', () => {
  let origin: TestServer;
  let server: TestServer;
  let pub: Running;

  before(async () => {
    origin = await startServer('paths:\n  other:\n');
    pub = ffmpegPublish(origin.url('other'), { video: 'h264', seconds: 600 });
    await origin.waitForLog(/\[path other\] stream is ready/, 20_000);
    // `other` proxies the origin (a static source), `redirected` sends readers to the origin, `fellback` has no
    // publisher and falls back to this server's `other`.
    server = await startServer(`paths:
  other:
    source: ${origin.url('other')}
  redirected:
    source: redirect
    sourceRedirect: ${origin.url('other')}
  fellback:
    fallback: /other
`);
    await server.waitForLog(/\[path other\] stream is ready/, 20_000);
  });
  after(async () => { await pub?.stop(); await server?.stop(); await origin?.stop(); });

  const context = (): string => `${describeRunning('publisher', pub, 300)}\n${logTail(server)}\n--- origin ---\n${logTail(origin, 600)}`;

  it('follows source: redirect to the stream of another server, frames decoded', async () => {
    const r = await ffmpegReadFrames(server.url('redirected'), 'tcp');
    assert.ok(r.frames >= MIN_FRAMES, `${r.detail}\n${context()}`);
    await origin.waitForLog(/\[path other\] rtspSession \S+ is reading/, 5_000);
  });

  it('follows the fallback of a path nobody publishes to, frames decoded', async () => {
    const r = await ffmpegReadFrames(server.url('fellback'), 'tcp');
    assert.ok(r.frames >= MIN_FRAMES, `${r.detail}\n${context()}`);
  });

  it('refuses an RTSP and an RTMP publisher on a path with a static source, which keeps streaming', async () => {
    const rtsp = await ffmpegPublish(server.url('other'), { video: 'h264', seconds: 5 }).done;
    assert.notEqual(rtsp.code, 0, `RTSP publisher refused\n${describeRun('ffmpeg', rtsp)}\n${context()}`);
    const rtmp = await ffmpegPublishRtmp(server.rtmpUrl('other'), { seconds: 5 }).done;
    assert.notEqual(rtmp.code, 0, `RTMP publisher refused\n${describeRun('ffmpeg', rtmp)}\n${context()}`);
    assert.equal((server.logs().match(/path 'other' is assigned to a static source/g) ?? []).length, 2, `both refused for that reason\n${context()}`);
    const r = await ffmpegReadFrames(server.url('other'), 'tcp');
    assert.ok(r.frames >= MIN_FRAMES, `${r.detail}\n${context()}`);
  });
});
