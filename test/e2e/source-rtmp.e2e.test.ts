import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allocatePorts, logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { describeRunning, tail, type Running } from '../support/process.ts';
import { ffmpegRtmpListener } from '../support/upstreams.ts';

const MIN_FRAMES = 20;

describe('RTMP source from a second instance of this server and from FFmpeg\'s RTMP listener', () => {
  let origin: TestServer;
  let edge: TestServer;
  const pubs: Running[] = [];
  let listener: ReturnType<typeof ffmpegRtmpListener>;

  before(async () => {
    origin = await startServer('paths:\n  all:\n');
    pubs.push(ffmpegPublishRtmp(origin.rtmpUrl('cam'), { seconds: 600 }));
    // H265 reaches an RTMP player only as Enhanced RTMP, which our client announces in connect.
    pubs.push(ffmpegPublish(origin.url('hevc'), { video: 'hevc', audio: 'opus', seconds: 600 }));
    await origin.waitForLog(/\[path cam\] stream is ready/, 20_000);
    await origin.waitForLog(/\[path hevc\] stream is ready/, 20_000);
    listener = ffmpegRtmpListener(allocatePorts().rtmp, 600);
    edge = await startServer(`paths:
  fromorigin:
    source: ${origin.rtmpUrl('cam')}
  hevc:
    source: ${origin.rtmpUrl('hevc')}
  fromffmpeg:
    source: ${listener.url}
`);
  });
  after(async () => { await listener?.stop(); for (const p of pubs) await p.stop(); await edge?.stop(); await origin?.stop(); });

  const context = (): string => `${pubs.map((p, i) => describeRunning(`publisher ${i}`, p, 300)).join('\n')}\n${logTail(edge)}\n--- ffmpeg listener ---\n${tail(listener.output(), 400)}`;

  it('proxies H264 + AAC from the other instance, read over RTSP and RTMP', async () => {
    await edge.waitForLog(/\[path fromorigin\] stream is ready and available, published by rtmpSource +\(2 tracks: H264, MPEG-4 Audio\)/, 20_000);
    const [rtsp, rtmp] = await Promise.all([ffmpegReadFrames(edge.url('fromorigin'), 'tcp'), ffmpegReadFrames(edge.rtmpUrl('fromorigin'), undefined)]);
    assert.ok(rtsp.frames >= MIN_FRAMES, `${rtsp.detail}\n${context()}`);
    assert.ok(rtmp.frames >= MIN_FRAMES, `${rtmp.detail}\n${context()}`);
  });

  it('proxies H265 + Opus over Enhanced RTMP', async () => {
    await edge.waitForLog(/\[path hevc\] stream is ready and available, published by rtmpSource +\(2 tracks: H265, Opus\)/, 20_000);
    const r = await ffmpegReadFrames(edge.url('hevc'), 'tcp');
    assert.ok(r.frames >= MIN_FRAMES, `${r.detail}\n${context()}`);
  });

  it('proxies FFmpeg\'s RTMP listener (ffmpeg -listen 1), read over RTSP and RTMP', async () => {
    await edge.waitForLog(/\[path fromffmpeg\] stream is ready and available, published by rtmpSource +\(2 tracks: H264, MPEG-4 Audio\)/, 25_000);
    const [rtsp, rtmp] = await Promise.all([ffmpegReadFrames(edge.url('fromffmpeg'), 'tcp'), ffmpegReadFrames(edge.rtmpUrl('fromffmpeg'), undefined)]);
    assert.ok(rtsp.frames >= MIN_FRAMES, `${rtsp.detail}\n${context()}`);
    assert.ok(rtmp.frames >= MIN_FRAMES, `${rtmp.detail}\n${context()}`);
  });
});
