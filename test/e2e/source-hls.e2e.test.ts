import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames, probePackets, timestampProblem } from '../support/media.ts';
import { describeRunning, type Running } from '../support/process.ts';
import { ffmpegLiveHls, startRecordingProxy, startStaticHttpServer, writeMultivariant, type StaticHttpServer } from '../support/hls-upstreams.ts';

const MIN_FRAMES = 20;
const CANARY_SECONDS = 12;

/** Video DTS steps larger than 3 frames (90 kHz over RTSP): a jump at a segment boundary would show here. */
function jumps(dts: readonly number[]): number[] {
  return dts.slice(1).map((d, i) => d - dts[i]!).filter((d) => d > 3 * 3600 || d <= 0);
}

describe('HLS source: FFmpeg-made HLS on a plain HTTP server and our own Low-Latency HLS, read over RTSP and RTMP', () => {
  let upstream: StaticHttpServer;
  let origin: TestServer;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let edge: TestServer;
  const running: Running[] = [];

  before(async () => {
    const endless = `#EXTM3U\n#EXT-X-TARGETDURATION:1\n${'#EXTINF:1,\nseg.ts\n'.repeat(300_000)}`;
    upstream = await startStaticHttpServer({
      routes: {
        '/malformed.m3u8': () => '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:not-a-number,\nseg.ts\n',
        '/endless.m3u8': () => endless,
        '/junk.m3u8': () => '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1,\njunk.ts\n#EXTINF:1,\njunk.ts\n',
        '/junk.ts': () => randomBytes(200_000),
      },
    });
    running.push(ffmpegLiveHls(upstream.dir, 'ts', { segmentType: 'mpegts', seconds: 600 }));
    running.push(ffmpegLiveHls(upstream.dir, 'fmp4', { segmentType: 'fmp4', seconds: 600 }));
    writeMultivariant(upstream.dir, 'master.m3u8', [
      { uri: 'low.m3u8', bandwidth: 100_000 }, { uri: 'ts.m3u8', bandwidth: 3_000_000 }, { uri: 'mid.m3u8', bandwidth: 800_000 },
    ]);
    origin = await startServer('hlsVariant: lowLatency\npaths:\n  all:\n', {}, { hls: true });
    running.push(ffmpegPublish(origin.url('ll'), { video: 'h264', audio: 'aac', seconds: 600 }));
    await origin.waitForLog(/\[path ll\] stream is ready/, 20_000);
    // The edge reads the origin through a proxy that records what it asks: parts and blocking reloads.
    proxy = await startRecordingProxy(origin.ports.hls);
    edge = await startServer(`paths:
  canary:
  hlsts:
    source: ${upstream.url('ts.m3u8')}
  hlsfmp4:
    source: ${upstream.url('fmp4.m3u8')}
  multivariant:
    source: ${upstream.url('master.m3u8')}
  lowlatency:
    source: http://127.0.0.1:${proxy.port}/ll/index.m3u8
  malformed:
    source: ${upstream.url('malformed.m3u8')}
  endless:
    source: ${upstream.url('endless.m3u8')}
  junk:
    source: ${upstream.url('junk.m3u8')}
`);
    running.push(ffmpegPublish(edge.url('canary'), { video: 'h264', transport: 'tcp', seconds: 600 }));
  });
  after(async () => {
    for (const r of running) await r.stop();
    await edge?.stop();
    await proxy?.close();
    await origin?.stop();
    await upstream?.close();
  });

  const context = (): string => `${running.map((p, i) => describeRunning(`process ${i}`, p, 300)).join('\n')}\n${logTail(edge, 2500)}`;
  const ready = (path: string): Promise<void> =>
    edge.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready and available, published by hlsSource +\\(2 tracks: H264, MPEG-4 Audio\\)`), 30_000);

  async function playsWithoutJumps(path: string): Promise<void> {
    await ready(path);
    const [rtsp, rtmp] = await Promise.all([ffmpegReadFrames(edge.url(path), 'tcp'), ffmpegReadFrames(edge.rtmpUrl(path), undefined)]);
    assert.ok(rtsp.frames >= MIN_FRAMES, `${rtsp.detail}\n${context()}`);
    assert.ok(rtmp.frames >= MIN_FRAMES, `${rtmp.detail}\n${context()}`);
    // 5 s of 1-second segments: at least four segment boundaries (and playlist reloads) inside.
    const probe = await probePackets(edge.url(path), 5);
    const video = probe.streams.find((s) => s.codec === 'h264');
    assert.ok(video && video.packets.length >= 100, `${probe.detail}\n${context()}`);
    assert.equal(timestampProblem(video), undefined, `${probe.detail}\n${context()}`);
    assert.deepEqual(jumps(video.packets.map((p) => p.dts)), [], `${probe.detail}\n${context()}`);
    const audio = probe.streams.find((s) => s.codec === 'aac');
    assert.ok(audio && audio.packets.length > 0, `${probe.detail}\n${context()}`);
  }

  it('plays MPEG-TS segments, continuous across segments and reloads', async () => { await playsWithoutJumps('hlsts'); });

  it('plays fMP4 segments, continuous across segments and reloads', async () => { await playsWithoutJumps('hlsfmp4'); });

  it('plays the highest-bandwidth variant of a multivariant playlist', async () => {
    await ready('multivariant');
    assert.ok(upstream.requests.includes('GET /master.m3u8'), `the multivariant playlist was never requested; requests:\n${upstream.requests.slice(0, 20).join('\n')}`);
    assert.ok(!upstream.requests.some((r) => /low\.m3u8|mid\.m3u8/.test(r)), `a lower-bandwidth variant was requested:\n${upstream.requests.slice(0, 20).join('\n')}`);
    const r = await ffmpegReadFrames(edge.url('multivariant'), 'tcp');
    assert.ok(r.frames >= MIN_FRAMES, `${r.detail}\n${context()}`);
  });

  it('plays Low-Latency HLS (parts, blocking reloads) from a second instance of this server', async () => {
    await playsWithoutJumps('lowlatency');
    const asked = proxy.requests.join('\n');
    assert.match(asked, /_HLS_msn=\d+&_HLS_part=\d+/, asked.slice(0, 2000));
    assert.match(asked, /\/ll\/[0-9a-f]+_part\d+\.mp4/, asked.slice(0, 2000));
  });

  it('keeps the canary path playing gap-free while malformed, endless and junk playlists fail their paths', async () => {
    await edge.waitForLog(/\[path canary\] stream is ready/, 20_000);
    const probe = await probePackets(edge.url('canary'), CANARY_SECONDS);
    const video = probe.streams.find((s) => s.codec === 'h264');
    assert.ok(video, `${probe.detail}\n${context()}`);
    assert.ok(video.packets.length >= CANARY_SECONDS * 25 * 0.9, `${video.packets.length} frames in ${CANARY_SECONDS} s\n${context()}`);
    assert.deepEqual(jumps(video.packets.map((p) => p.dts)), [], `gaps in the canary's timestamps\n${context()}`);
    const logs = edge.logs();
    assert.match(logs, /\[path malformed\] \[HLS source\] failed: invalid EXTINF duration: 'not-a-number'/);
    assert.match(logs, /\[path endless\] \[HLS source\] failed: answer of \d+ bytes, more than the 2097152 allowed/);
    assert.match(logs, /\[path junk\] \[HLS source\] (\d+ media errors, last was|failed: )/);
    assert.doesNotMatch(logs, /\[path (malformed|endless|junk)\] stream is ready/);
  });
});
