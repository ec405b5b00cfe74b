import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allocatePorts, logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadAudioFrames, ffmpegReadFrames, probePackets, rtmpReadH265Frames } from '../support/media.ts';
import { describeRunning, type Running } from '../support/process.ts';
import { ffmpegSendMpegTs, gstSendMpegTs, sendRandomDatagrams } from '../support/mpegts-senders.ts';

const MIN_FRAMES = 20;
const AUDIO_FRAMES = 40; // about 1 s of AAC (1024 samples at 48 kHz), Opus (20 ms) or MP3 (1152 samples at 44.1 kHz)
const SECONDS = 10;

describe('UDP MPEG-TS source: FFmpeg and GStreamer senders, unicast and multicast, read over RTSP and RTMP', () => {
  let server: TestServer;
  const senders: Running[] = [];
  let garbage: ReturnType<typeof sendRandomDatagrams> | undefined;
  const port = (): number => allocatePorts().rtsp;
  const ports = { unicast: port(), multicast: port(), gst: port(), gstMulticast: port(), hevc: port(), mpeg4: port(), mpeg2: port(), mpeg1: port(), garbage: port(), ssmRefused: port() };

  before(async () => {
    server = await startServer(`paths:
  canary:
  unicast:
    source: udp://127.0.0.1:${ports.unicast}
  multicast:
    source: udp://239.255.42.1:${ports.multicast}?interface=lo
  gst:
    source: udp://0.0.0.0:${ports.gst}
  gstmulticast:
    source: udp://239.255.42.2:${ports.gstMulticast}?source=127.0.0.1
  hevc:
    source: udp://127.0.0.1:${ports.hevc}
  mpeg4:
    source: udp://127.0.0.1:${ports.mpeg4}
  mpeg2:
    source: udp://127.0.0.1:${ports.mpeg2}
  mpeg1:
    source: udp://127.0.0.1:${ports.mpeg1}
  garbage:
    source: udp://127.0.0.1:${ports.garbage}
  ssmrefused:
    source: udp://239.255.42.3:${ports.ssmRefused}?source=127.0.0.2
`);
    senders.push(ffmpegPublish(server.url('canary'), { video: 'h264', transport: 'tcp', seconds: 600 }));
    senders.push(ffmpegSendMpegTs('127.0.0.1', ports.unicast, { video: 'h264', audio: 'aac', seconds: 600 }));
    senders.push(ffmpegSendMpegTs('239.255.42.1', ports.multicast, { video: 'h264', audio: 'aac', seconds: 600 }));
    senders.push(gstSendMpegTs('127.0.0.1', ports.gst, 600));
    senders.push(gstSendMpegTs('239.255.42.2', ports.gstMulticast, 600));
    senders.push(ffmpegSendMpegTs('127.0.0.1', ports.hevc, { video: 'hevc', audio: 'mp3', seconds: 600 }));
    senders.push(ffmpegSendMpegTs('127.0.0.1', ports.mpeg4, { video: 'mpeg4', audio: 'opus', seconds: 600 }));
    senders.push(ffmpegSendMpegTs('127.0.0.1', ports.mpeg2, { video: 'mpeg2video', audio: 'mp3', seconds: 600 }));
    senders.push(ffmpegSendMpegTs('127.0.0.1', ports.mpeg1, { video: 'mpeg1video', seconds: 600 }));
    // Sent from 127.0.0.1 while the path only takes 127.0.0.2's datagrams (a source-specific join).
    senders.push(gstSendMpegTs('239.255.42.3', ports.ssmRefused, 600));
    garbage = sendRandomDatagrams(ports.garbage);
  });
  after(async () => { garbage?.stop(); for (const s of senders) await s.stop(); await server?.stop(); });

  const context = (): string => `${senders.map((p, i) => describeRunning(`sender ${i}`, p, 300)).join('\n')}\n${logTail(server, 2500)}`;
  const ready = (path: string, tracks: string): Promise<void> =>
    server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready and available, published by udpSource +\\(${tracks}\\)`), 25_000);

  /** Asserts that FFmpeg decoded AUDIO_FRAMES frames of `codec` from `url`. */
  const decodesAudio = async (url: string, transport: 'tcp' | undefined, codec: string): Promise<void> => {
    const a = await ffmpegReadAudioFrames(url, transport, AUDIO_FRAMES);
    assert.equal(a.codec, codec, `${a.detail}\n${context()}`);
    assert.equal(a.frames, AUDIO_FRAMES, `${a.detail}\n${context()}`);
  };

  for (const [path, what] of [['unicast', 'unicast from FFmpeg'], ['multicast', 'multicast from FFmpeg (joined on interface=lo)']] as const) {
    it(`reads H264 + AAC ${what}, over RTSP and RTMP, video and audio decoded`, async () => {
      await ready(path, '2 tracks: H264, MPEG-4 Audio');
      const [rtsp, rtmp] = await Promise.all([ffmpegReadFrames(server.url(path), 'tcp'), ffmpegReadFrames(server.rtmpUrl(path), undefined)]);
      assert.ok(rtsp.frames >= MIN_FRAMES, `${rtsp.detail}\n${context()}`);
      assert.ok(rtmp.frames >= MIN_FRAMES, `${rtmp.detail}\n${context()}`);
      await Promise.all([decodesAudio(server.url(path), 'tcp', 'aac'), decodesAudio(server.rtmpUrl(path), undefined, 'aac')]);
    });
  }

  for (const [path, what] of [['gst', 'unicast from GStreamer (bound on 0.0.0.0)'], ['gstmulticast', 'source-specific multicast from GStreamer']] as const) {
    it(`reads H264 + Opus ${what}, over RTSP and RTMP, Opus decoded over RTSP`, async () => {
      await ready(path, '2 tracks: H264, Opus');
      const [rtsp, rtmp] = await Promise.all([ffmpegReadFrames(server.url(path), 'tcp'), ffmpegReadFrames(server.rtmpUrl(path), undefined)]);
      assert.ok(rtsp.frames >= MIN_FRAMES, `${rtsp.detail}\n${context()}`);
      assert.ok(rtmp.frames >= MIN_FRAMES, `${rtmp.detail}\n${context()}`);
      await decodesAudio(server.url(path), 'tcp', 'opus');
    });
  }

  it('reads H265 + MP3 over RTSP and H265 over Enhanced RTMP, every track decoded', async () => {
    await ready('hevc', '2 tracks: H265, MPEG-1/2 Audio');
    const rtsp = await ffmpegReadFrames(server.url('hevc'), 'tcp');
    assert.ok(rtsp.frames >= MIN_FRAMES, `${rtsp.detail}\n${context()}`);
    await decodesAudio(server.url('hevc'), 'tcp', 'mp3');
    const rtmp = await rtmpReadH265Frames(server.ports.rtmp, 'hevc', 50);
    assert.equal(rtmp.decoded, 50, `${rtmp.detail}\n${context()}`);
  });

  it('reads MPEG-4 Video + Opus over RTSP, both decoded', async () => {
    await ready('mpeg4', '2 tracks: MPEG-4 Video, Opus');
    const r = await ffmpegReadFrames(server.url('mpeg4'), 'tcp');
    assert.ok(r.frames >= MIN_FRAMES, `${r.detail}\n${context()}`);
    await decodesAudio(server.url('mpeg4'), 'tcp', 'opus');
  });

  it('reads MPEG-2 Video + MP3 and MPEG-1 Video over RTSP (RFC 2250), frames decoded', async () => {
    await ready('mpeg2', '2 tracks: MPEG-1/2 Video, MPEG-1/2 Audio');
    await ready('mpeg1', '1 track: MPEG-1/2 Video');
    for (const path of ['mpeg2', 'mpeg1']) {
      const r = await ffmpegReadFrames(server.url(path), 'tcp');
      assert.ok(r.frames >= MIN_FRAMES, `${r.detail}\n${context()}`);
      assert.match(r.stderr, /Video: mpeg[12]video/, `FFmpeg's input is MPEG-1/2 video: ${r.detail}`);
    }
    await decodesAudio(server.url('mpeg2'), 'tcp', 'mp3');
  });

  it('keeps the canary path playing gap-free while random datagrams hit another path', async () => {
    await server.waitForLog(/\[path canary\] stream is ready/, 20_000);
    const probe = await probePackets(server.url('canary'), SECONDS);
    const video = probe.streams.find((s) => s.codec === 'h264');
    assert.ok(video, `${probe.detail}\n${context()}`);
    assert.ok(video.packets.length >= SECONDS * 25 * 0.9, `${video.packets.length} frames in ${SECONDS} s\n${context()}`);
    const jumps = video.packets.slice(1).map((p, i) => p.dts - video.packets[i]!.dts).filter((d) => d > 3 * 3600);
    assert.deepEqual(jumps, [], `gaps in the canary's timestamps\n${context()}`);
    assert.ok((garbage?.sent() ?? 0) > 500, `only ${garbage?.sent() ?? 0} random datagrams were sent during the read`);
    await server.waitForLog(/\[path garbage\] \[UDP source\] \d+ MPEG-TS errors, last was: /, 5_000);
    assert.doesNotMatch(server.logs(), /\[path garbage\] stream is ready/, `the garbage path became ready\n${context()}`);
    await server.waitForLog(/\[path ssmrefused\] \[UDP source\] failed: no data received in 10s/, 5_000);
    assert.doesNotMatch(server.logs(), /\[path ssmrefused\] stream is ready/, `the refused SSM path became ready\n${context()}`);
  });
});
