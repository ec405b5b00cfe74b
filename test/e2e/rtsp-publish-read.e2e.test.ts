import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames, gstPublish, gstReadH264 } from '../support/media.ts';
import type { Running } from '../support/process.ts';

// 2 s of 25 fps video: a reader that decoded fewer than this saw no steady stream.
const MIN_FRAMES = 20;

describe('RTSP publish × read matrix with FFmpeg and GStreamer (TCP, UDP, multicast)', () => {
  let server: TestServer;
  before(async () => { server = await startServer('paths:\n  all:\n'); });
  after(async () => { await server.stop(); });

  const publishers: [string, (url: string) => Running][] = [
    ['ffmpeg tcp', (u) => ffmpegPublish(u, { video: 'h264', audio: 'aac', transport: 'tcp', seconds: 12 })],
    ['ffmpeg udp', (u) => ffmpegPublish(u, { video: 'h264', audio: 'aac', transport: 'udp', seconds: 12 })],
    ['gstreamer tcp', (u) => gstPublish(u, { transport: 'tcp', seconds: 12 })],
    ['gstreamer udp', (u) => gstPublish(u, { transport: 'udp', seconds: 12 })],
  ];

  for (const [name, publish] of publishers) {
    it(`${name} publisher is read by FFmpeg and GStreamer over TCP, UDP and multicast`, async () => {
      const path = name.replace(' ', '-');
      const pub = publish(server.url(path));
      try {
        await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 15_000);
        const [ft, fu, fm] = await Promise.all([
          ffmpegReadFrames(server.url(path), 'tcp'), ffmpegReadFrames(server.url(path), 'udp'), ffmpegReadFrames(server.url(path), 'udp_multicast'),
        ]);
        const [gt, gu, gm] = await Promise.all([
          gstReadH264(server.url(path), 'tcp'), gstReadH264(server.url(path), 'udp'), gstReadH264(server.url(path), 'udp-mcast'),
        ]);
        assert.ok(ft.frames >= MIN_FRAMES, `ffmpeg tcp decoded ${ft.frames} frames\n${ft.stderr.slice(-800)}`);
        assert.ok(fu.frames >= MIN_FRAMES, `ffmpeg udp decoded ${fu.frames} frames\n${fu.stderr.slice(-800)}`);
        assert.ok(fm.frames >= MIN_FRAMES, `ffmpeg multicast decoded ${fm.frames} frames\n${fm.stderr.slice(-800)}`);
        assert.ok(gt.ok, `gstreamer tcp failed\n${gt.stderr.slice(-800)}`);
        assert.ok(gu.ok, `gstreamer udp failed\n${gu.stderr.slice(-800)}`);
        assert.ok(gm.ok, `gstreamer multicast failed\n${gm.stderr.slice(-800)}`);
      } finally {
        await pub.stop();
      }
    });
  }

  it('ends readers cleanly when the publisher leaves and lets a new publisher take the path at once', async () => {
    const first = ffmpegPublish(server.url('handover'), { video: 'h264', transport: 'tcp', seconds: 4 });
    await server.waitForLog(/\[path handover\] stream is ready/, 15_000);
    const started = Date.now();
    const reader = ffmpegReadFrames(server.url('handover'), 'tcp', 30);
    const r1 = await first.done;
    assert.equal(r1.code, 0, r1.stderr);
    const read = await reader;
    assert.ok(Date.now() - started < 15_000, 'the reader ended when the publisher left, long before its 30 s');
    assert.ok(read.frames > 0, 'the reader decoded frames before the end');
    const second = ffmpegPublish(server.url('handover'), { video: 'h264', transport: 'tcp', seconds: 6 });
    try {
      await server.waitForLog(/\[path handover\] stream is ready[\s\S]*\[path handover\] stream is ready/, 10_000);
      const again = await ffmpegReadFrames(server.url('handover'), 'tcp');
      assert.ok(again.frames >= MIN_FRAMES, `second publisher: ${again.frames} frames`);
    } finally {
      await second.stop();
    }
  });
});
