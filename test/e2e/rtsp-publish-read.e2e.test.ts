import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames, gstPublish, gstReadH264 } from '../support/media.ts';
import { describeRun, describeRunning, type Running } from '../support/process.ts';

// 2 s of 25 fps video: a reader that decoded fewer than this saw no steady stream.
const MIN_FRAMES = 20;
// Publishers run until the test stops them (in finally): a fixed 12 s could end while the last readers still read.
const LIVE_SECONDS = 300;

describe('RTSP publish × read matrix with FFmpeg and GStreamer (TCP, UDP, multicast)', () => {
  let server: TestServer;
  before(async () => { server = await startServer('paths:\n  all:\n'); });
  after(async () => { await server.stop(); });

  const publishers: [string, (url: string) => Running][] = [
    ['ffmpeg tcp', (u) => ffmpegPublish(u, { video: 'h264', audio: 'aac', transport: 'tcp', seconds: LIVE_SECONDS })],
    ['ffmpeg udp', (u) => ffmpegPublish(u, { video: 'h264', audio: 'aac', transport: 'udp', seconds: LIVE_SECONDS })],
    ['gstreamer tcp', (u) => gstPublish(u, { transport: 'tcp', seconds: LIVE_SECONDS })],
    ['gstreamer udp', (u) => gstPublish(u, { transport: 'udp', seconds: LIVE_SECONDS })],
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
        const context = `${describeRunning('publisher', pub)}\n${logTail(server)}`;
        assert.ok(ft.frames >= MIN_FRAMES, `${ft.detail}\n${context}`);
        assert.ok(fu.frames >= MIN_FRAMES, `${fu.detail}\n${context}`);
        assert.ok(fm.frames >= MIN_FRAMES, `${fm.detail}\n${context}`);
        assert.ok(gt.ok, `${gt.detail}\n${context}`);
        assert.ok(gu.ok, `${gu.detail}\n${context}`);
        assert.ok(gm.ok, `${gm.detail}\n${context}`);
      } finally {
        await pub.stop();
      }
    });
  }

  it('ends readers cleanly when the publisher leaves and lets a new publisher take the path at once', async () => {
    // The first publisher ends by itself (exit code 0 is part of what is checked), after 8 s: time enough for the
    // reader to attach, which is waited for (the server's "is reading" line) rather than assumed.
    const first = ffmpegPublish(server.url('handover'), { video: 'h264', transport: 'tcp', seconds: 8 });
    let reader: ReturnType<typeof ffmpegReadFrames> | undefined;
    try {
      await server.waitForLog(/\[path handover\] stream is ready/, 15_000);
      reader = ffmpegReadFrames(server.url('handover'), 'tcp', 30);
      await server.waitForLog(/\[path handover\] \S+ \S+ is reading/, 15_000);
      assert.equal(first.child.exitCode, null, `the first publisher left before the reader attached\n${describeRunning('publisher', first)}\n${logTail(server)}`);
      const r1 = await first.done;
      const left = Date.now();
      assert.equal(r1.code, 0, describeRun('first publisher', r1));
      const read = await reader;
      const ms = Date.now() - left;
      assert.ok(ms < 10_000, `the reader ended ${ms} ms after the publisher left, long before its 30 s\n${read.detail}\n${logTail(server)}`);
      assert.ok(read.frames > 0, `the reader decoded frames before the end\n${read.detail}`);
    } finally {
      await first.stop();
      await reader;
    }
    const second = ffmpegPublish(server.url('handover'), { video: 'h264', transport: 'tcp', seconds: LIVE_SECONDS });
    try {
      await server.waitForLog(/\[path handover\] stream is ready[\s\S]*\[path handover\] stream is ready/, 10_000);
      const again = await ffmpegReadFrames(server.url('handover'), 'tcp');
      assert.ok(again.frames >= MIN_FRAMES, `second publisher: ${again.detail}\n${describeRunning('publisher', second)}\n${logTail(server)}`);
    } finally {
      await second.stop();
    }
  });
});
