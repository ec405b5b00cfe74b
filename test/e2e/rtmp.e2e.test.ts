import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames, gstReadH264, probeAndDecode, probePackets, timestampProblem } from '../support/media.ts';
import { ffmpegPublishRtmp, gstPublishRtmp, gstReadRtmp, vlcRecord } from '../support/rtmp-media.ts';
import { playFirstVideoFrame } from '../support/rtmp-raw-player.ts';
import { describeRun, describeRunning, run, type Running } from '../support/process.ts';
import { makeSelfSignedCert } from '../support/tls.ts';

const PATHS = `paths:
  locked:
    publishUser: pub
    publishPass: pubpass
    readUser: reader
    readPass: readpass
  all:
`;

// Publishers run until the test stops them, so that no reader outlasts its publisher however slow the machine is: a
// fixed duration (it was 40 s, for four to five readers in a row) can run out under load, and a GStreamer reader
// whose publisher left waits silently until its timeout.
const LIVE_SECONDS = 300;

/** FFmpeg reads `url` with `-c copy` for `seconds`; returns what its muxer said about the timestamps, and how it ran. */
async function copyWarnings(url: string, seconds = 3): Promise<{ warnings: string[]; detail: string }> {
  const r = await run('ffmpeg', ['-nostdin', '-i', url, '-t', String(seconds), '-map', '0', '-c', 'copy', '-f', 'null', '-'], { timeoutMs: 25_000 });
  return { warnings: r.stderr.split('\n').filter((l) => /monoton/i.test(l)), detail: describeRun('ffmpeg -c copy', r) };
}

describe('RTMP with FFmpeg, GStreamer and VLC, and conversion to and from RTSP', () => {
  let server: TestServer;
  const running: Running[] = [];
  const ready = (path: string): Promise<void> => server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 20_000);
  /** What a failed read needs besides the reader's own story: the publisher's state and the server's log. */
  const context = (pub: Running): string => `${describeRunning('publisher', pub)}\n${logTail(server)}`;
  before(async () => { server = await startServer(PATHS); });
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
  });

  it('FFmpeg publishes H264+AAC over RTMP; FFmpeg, GStreamer (rtmpsrc, rtmp2src) and VLC read it over RTMP', async () => {
    const pub = ffmpegPublishRtmp(server.rtmpUrl('live/ff'), { seconds: LIVE_SECONDS });
    running.push(pub);
    await ready('live/ff');
    const f = await ffmpegReadFrames(server.rtmpUrl('live/ff'), undefined);
    assert.ok(f.frames >= 20, `${f.detail}\n${context(pub)}`);
    for (const src of ['rtmpsrc', 'rtmp2src'] as const) {
      const g = await gstReadRtmp(server.rtmpUrl('live/ff'), src);
      assert.ok(g.ok, `${g.detail}\n${context(pub)}`);
    }
    const v = await vlcRecord(server.rtmpUrl('live/ff'));
    assert.deepEqual(v.map((s) => s.codec).sort(), ['aac', 'h264'], `${v.detail}\n${context(pub)}`);
    assert.ok(v.every((s) => s.frames >= 20), `VLC: at least 20 frames per stream wanted\n${v.detail}\n${context(pub)}`);
    const p = await probePackets(server.rtmpUrl('live/ff'));
    assert.deepEqual(p.streams.map((s) => s.codec), ['h264', 'aac'], `${p.detail}\n${context(pub)}`);
    for (const s of p.streams) assert.equal(timestampProblem(s), undefined, `${s.codec} timestamps (${s.packets.length} packets)`);
    await pub.stop();
  });

  for (const bframes of [false, true]) {
    it(`RTMP publish → RTSP read (FFmpeg TCP/UDP/multicast, GStreamer)${bframes ? ', with B-frames' : ''}`, async () => {
      const path = `live/tortsp${bframes ? 'b' : ''}`;
      const pub = ffmpegPublishRtmp(server.rtmpUrl(path), { seconds: LIVE_SECONDS, bframes });
      running.push(pub);
      await ready(path);
      const d = await probeAndDecode(server.url(path));
      assert.deepEqual(d.codecs, ['h264', 'aac'], `${d.detail}\n${context(pub)}`);
      assert.ok(d.frames >= 40, `${d.detail}\n${context(pub)}`);
      for (const transport of ['udp', 'udp_multicast'] as const) {
        const f = await ffmpegReadFrames(server.url(path), transport);
        assert.ok(f.frames >= 20, `${f.detail}\n${context(pub)}`);
      }
      const g = await gstReadH264(server.url(path), 'tcp');
      assert.ok(g.ok, `${g.detail}\n${context(pub)}`);
      const c = await copyWarnings(server.url(path));
      assert.deepEqual(c.warnings, [], `FFmpeg's muxer on RTSP timestamps\n${c.detail}`);
      await pub.stop();
    });

    it(`RTSP publish (FFmpeg H264+AAC) → RTMP read (FFmpeg, VLC)${bframes ? ', with B-frames' : ''}`, async () => {
      const path = `live/tortmp${bframes ? 'b' : ''}`;
      const pub = ffmpegPublish(server.url(path), { video: bframes ? 'h264bframes' : 'h264', audio: 'aac', seconds: LIVE_SECONDS });
      running.push(pub);
      await ready(path);
      const p = await probePackets(server.rtmpUrl(path));
      assert.deepEqual(p.streams.map((s) => s.codec), ['h264', 'aac'], `${p.detail}\n${context(pub)}`);
      for (const s of p.streams) {
        assert.ok(s.packets.length >= 20, `${s.codec}: ${s.packets.length} packets, 20 wanted\n${p.detail}\n${context(pub)}`);
        assert.equal(timestampProblem(s), undefined, `${s.codec} timestamps (${s.packets.length} packets)`);
      }
      if (bframes) assert.ok(p.streams[0]!.packets.some((x) => x.pts > x.dts), `B-frames give PTS after DTS; first packets (pts/dts): ${p.streams[0]!.packets.slice(0, 8).map((x) => `${x.pts}/${x.dts}`).join(' ')}`);
      const c = await copyWarnings(server.rtmpUrl(path));
      assert.deepEqual(c.warnings, [], `FFmpeg's muxer on RTMP timestamps\n${c.detail}`);
      const f = await ffmpegReadFrames(server.rtmpUrl(path), undefined);
      assert.ok(f.frames >= 20, `${f.detail}\n${context(pub)}`);
      const v = await vlcRecord(server.rtmpUrl(path));
      assert.deepEqual(v.map((s) => s.codec).sort(), ['aac', 'h264'], `${v.detail}\n${context(pub)}`);
      assert.ok(v.every((s) => s.frames >= 20), `VLC: at least 20 frames per stream wanted\n${v.detail}\n${context(pub)}`);
      await pub.stop();
    });
  }

  it('RTSP publish H264 + Opus → a legacy RTMP player (FFmpeg 5.1) gets the H264 track; Opus is left out with one log line', async () => {
    const pub = ffmpegPublish(server.url('live/opus'), { video: 'h264', audio: 'opus', seconds: LIVE_SECONDS });
    running.push(pub);
    await ready('live/opus');
    const p = await probePackets(server.rtmpUrl('live/opus'), 2);
    assert.deepEqual(p.streams.map((s) => s.codec), ['h264'], `${p.detail}\n${context(pub)}`);
    assert.ok(p.streams[0]!.packets.length >= 20, `${p.detail}\n${context(pub)}`);
    // Logged when the player started; the log comes through a pipe that may lag behind ffprobe's exit: wait for it.
    await server.waitForLog(/track opus\/48000 is left out: the player did not announce Enhanced RTMP 'Opus'/);
    const leftOut = server.logs().match(/track opus\/48000 is left out/g) ?? [];
    assert.equal(leftOut.length, 1, `one log line for one player\n${logTail(server)}`);
    await pub.stop();
  });

  for (const sink of ['rtmpsink', 'rtmp2sink'] as const) {
    it(`GStreamer ${sink} publishes; FFmpeg reads over RTSP and RTMP`, async () => {
      const path = `live/${sink}`;
      const pub = gstPublishRtmp(server.rtmpUrl(path), sink, LIVE_SECONDS);
      running.push(pub);
      await ready(path);
      const d = await probeAndDecode(server.url(path));
      assert.deepEqual(d.codecs, ['h264', 'aac'], `${d.detail}\n${context(pub)}`);
      assert.ok(d.frames >= 40, `${d.detail}\n${context(pub)}`);
      const f = await ffmpegReadFrames(server.rtmpUrl(path), undefined);
      assert.ok(f.frames >= 20, `${f.detail}\n${context(pub)}`);
      await pub.stop();
    });
  }

  it('a new RTMP reader gets a keyframe first, within 100 ms of play', async () => {
    const pub = ffmpegPublishRtmp(server.rtmpUrl('live/gop'), { seconds: LIVE_SECONDS, audio: false });
    running.push(pub);
    await ready('live/gop');
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Not a wait for a condition: the pause is the point, so that the joins fall at different points of the 1 s GOP.
      await new Promise((r) => setTimeout(r, 130 + i * 170));
      const first = await playFirstVideoFrame(server.ports.rtmp, 'live', 'gop');
      assert.ok(first.isKeyframe, `join ${i}: the first video frame (DTS ${first.dtsMs} ms) is not a keyframe`);
      times.push(first.atMs);
    }
    assert.ok(Math.max(...times) <= 100, `first frame after ${times.map((t) => t.toFixed(1)).join(', ')} ms\n${context(pub)}`);
    await pub.stop();
  });

  it('takes credentials from the query (OBS stream key style) and refuses wrong ones', async () => {
    // Longer than the refusal can take (tracks known, then a random 0.5–4 s failure delay): FFmpeg must see it.
    const bad = ffmpegPublishRtmp(server.rtmpUrl('locked', { query: 'user=pub&pass=wrong' }), { seconds: 12, audio: false });
    const badResult = await bad.done;
    assert.notEqual(badResult.code, 0, `publishing with a wrong password must fail\n${describeRun('ffmpeg', badResult)}\n${logTail(server)}`);
    // Refused before Publish.Start with MediaMTX's status, which FFmpeg prints ("Server error: authentication failed").
    assert.match(badResult.stderr, /authentication failed/, `FFmpeg is told why\n${describeRun('ffmpeg', badResult)}`);
    // The refusal is logged before FFmpeg is answered; wait for the line so the check below reads a log that has it.
    await server.waitForLog(/authentication failed for 'pub'/);
    assert.doesNotMatch(server.logs(), /\[path locked\] stream is ready/, `a refused publisher made the path ready\n${logTail(server)}`);
    const pub = ffmpegPublishRtmp(server.rtmpUrl('locked', { query: 'user=pub&pass=pubpass' }), { seconds: LIVE_SECONDS });
    running.push(pub);
    await ready('locked');
    const denied = await ffmpegReadFrames(server.rtmpUrl('locked', { query: 'user=reader&pass=nope' }), undefined);
    assert.equal(denied.frames, 0, `a wrong read password must give no frames\n${denied.detail}`);
    assert.match(denied.stderr, /authentication failed/, `the player is told why (NetStream.Play.Failed)\n${denied.detail}`);
    const f = await ffmpegReadFrames(server.rtmpUrl('locked', { query: 'user=reader&pass=readpass' }), undefined);
    assert.ok(f.frames >= 20, `${f.detail}\n${context(pub)}`);
    assert.doesNotMatch(server.logs(), /pubpass|readpass/, `passwords never reach the log\n${logTail(server)}`);
    await pub.stop();
  });
});

describe('RTMPS (rtmpEncryption: optional) with FFmpeg', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer((dir) => {
      const { key, cert } = makeSelfSignedCert(dir); // made for this run only
      return `rtmpEncryption: optional\nrtmpServerKey: ${key}\nrtmpServerCert: ${cert}\npaths:\n  all:\n`;
    });
  });
  after(async () => { await server?.stop(); });

  it('publishes and reads over RTMPS, and the stream is readable over plain RTMP and RTSP', async () => {
    const pub = ffmpegPublishRtmp(server.rtmpUrl('live/sec', { secure: true }), { seconds: LIVE_SECONDS });
    const context = (): string => `${describeRunning('publisher', pub)}\n${logTail(server)}`;
    try {
      await server.waitForLog(/\[path live\/sec\] stream is ready/, 20_000);
      const s = await ffmpegReadFrames(server.rtmpUrl('live/sec', { secure: true }), undefined);
      assert.ok(s.frames >= 20, `${s.detail}\n${context()}`);
      const p = await ffmpegReadFrames(server.rtmpUrl('live/sec'), undefined);
      assert.ok(p.frames >= 20, `${p.detail}\n${context()}`);
      const r = await ffmpegReadFrames(server.url('live/sec'), 'tcp');
      assert.ok(r.frames >= 20, `${r.detail}\n${context()}`);
    } finally {
      await pub.stop();
    }
  });
});
