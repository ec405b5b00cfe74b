import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDefaultServer, DEFAULT_PORTS } from '../support/default-server.ts';
import { ffmpegPublish, ffmpegReadFrames, gstReadH264 } from '../support/media.ts';
import { RawRtspClient } from '../support/rtsp-raw-client.ts';
import { describeRun, describeRunning, isRunning, run, start, tail, waitFor, type Running } from '../support/process.ts';
import { logTail, type TestServer } from '../support/server.ts';
import { connectionsOnShards, noisePublisher, shardPids, socketOwners, stallUntilWriteTimeout } from '../support/fanout-shards.ts';

// docs/multicore-fanout.md: with MEDIAMTX_TS_FANOUT_SHARDS=1, RTSP readers over TCP move to a shard process once
// their queue is empty. Each test proves the move from the kernel's side: `ss` names the process that owns the server
// end of the reader's TCP connection, and it must be the shard, not the main process.

const API = `http://127.0.0.1:9997`;
const LIVE_SECONDS = 300;

/** Connections the shards own now. */
const onShards = (): Promise<number> => connectionsOnShards(DEFAULT_PORTS.rtsp);

interface RtspSessionItem { id: string; state: string; bytesSent: number; path: string }

async function rtspSessions(): Promise<RtspSessionItem[]> {
  const r = await fetch(`${API}/v3/rtspsessions/list`);
  return ((await r.json()) as { items: RtspSessionItem[] }).items;
}

/** An FFmpeg reader over RTSP/TCP that reads until stopped, decoding video. */
function longReader(url: string): Running {
  return start('ffmpeg', ['-nostdin', '-loglevel', 'warning', '-rtsp_transport', 'tcp', '-i', url, '-map', '0:v:0', '-f', 'null', '-'], { timeoutMs: 120_000 });
}

/** The RTCP packet types (200 SR, 203 BYE…) in the frames `c` received on `channel`, in order. */
function rtcpTypes(c: RawRtspClient, channel: number): number[] {
  return c.frames.filter((f) => f.channel === channel).map((f) => f.payload[1]!);
}

/** Reads `path` over RTSP/TCP with both medias of the test publisher set up: video on channels 0-1, audio on 2-3. */
async function rawReadBoth(path: string): Promise<RawRtspClient> {
  const c = await RawRtspClient.connect(DEFAULT_PORTS.rtsp);
  const url = `rtsp://127.0.0.1:${DEFAULT_PORTS.rtsp}/${path}`;
  const d = await c.request('DESCRIBE', url, { Accept: 'application/sdp' });
  assert.equal(d.status, 200, d.body);
  const v = await c.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
  assert.equal(v.status, 200, v.body);
  const session = v.headers.get('session')!.split(';')[0]!;
  const a = await c.request('SETUP', `${url}/trackID=1`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3', Session: session });
  assert.equal(a.status, 200, a.body);
  const p = await c.request('PLAY', url, { Session: session });
  assert.equal(p.status, 200, p.body);
  return c;
}

/**
 * The wall-clock time (ms) each Sender Report on `channel` maps RTP time 0 of its first report to (RFC 3550 §6.4.1:
 * NTP time and RTP time of the same instant): the same in every report while the mapping holds.
 */
function srOffsets(c: RawRtspClient, channel: number, clockRate: number): number[] {
  const srs = c.frames.filter((f) => f.channel === channel && f.payload[1] === 200).map((f) => f.payload);
  const rtp0 = srs[0]?.readUInt32BE(16) ?? 0;
  return srs.map((b) => {
    const ntpMs = b.readUInt32BE(8) * 1000 + (b.readUInt32BE(12) / 2 ** 32) * 1000;
    return ntpMs - (((b.readUInt32BE(16) - rtp0) | 0) * 1000) / clockRate;
  });
}

describe('RTSP/TCP readers on a fan-out shard (MEDIAMTX_TS_FANOUT_SHARDS=1), shipped mediamtx.yml', () => {
  let server: TestServer;
  const running: Running[] = [];
  const raws: RawRtspClient[] = [];
  const ready = (path: string): Promise<void> => server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 20_000);
  const context = (pub: Running): string => `${describeRunning('publisher', pub)}\n${logTail(server)}`;
  const publish = async (path: string): Promise<Running> => {
    const pub = ffmpegPublish(server.url(path), { video: 'h264', audio: 'aac', seconds: LIVE_SECONDS });
    running.push(pub);
    await ready(path);
    return pub;
  };
  before(async () => {
    server = await startDefaultServer({ MEDIAMTX_TS_FANOUT_SHARDS: '1', MTX_API: 'yes', MTX_WRITETIMEOUT: '4s' });
  });
  after(async () => {
    for (const r of raws) r.close();
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
  });

  it('FFmpeg and GStreamer read over RTSP/TCP from the shard, frames decoded', async () => {
    const pub = await publish('shard/a');
    // The first reader starts the shard and moves once it is up; it reads long enough to be seen there.
    const first = longReader(server.url('shard/a'));
    running.push(first);
    await waitFor(async () => (await onShards()) === 1, { timeoutMs: 20_000, what: 'the first reader to move to the shard', detail: () => context(pub) });
    await server.waitForLog(/\[RTSP\] \[fan-out\] shard 0 started/, 1000);
    const f = await ffmpegReadFrames(server.url('shard/a'), 'tcp', 6);
    assert.ok(f.frames >= 140, `${f.detail}\n${context(pub)}`);
    const g = await gstReadH264(server.url('shard/a'), 'tcp');
    assert.ok(g.ok, `${g.detail}\n${context(pub)}`);
    // Still one connection on the shard (the first reader's), and it still decodes: the others came and went.
    assert.equal(await onShards(), 1, await run('ss', ['-tnp'], { timeoutMs: 5000 }).then((r) => r.stdout));
    assert.ok(isRunning(first), describeRunning('first reader', first));
    await first.stop();
    await pub.stop();
  });

  it('FFmpeg -c copy reads 12 s from the shard with no timestamp going back (Sender Reports stay consistent)', async () => {
    const pub = await publish('shard/copy');
    const copy = run('ffmpeg', ['-nostdin', '-rtsp_transport', 'tcp', '-i', server.url('shard/copy'), '-t', '12', '-map', '0', '-c', 'copy', '-f', 'null', '-'], { timeoutMs: 40_000 });
    await waitFor(async () => (await onShards()) === 1, { timeoutMs: 20_000, what: 'the copying reader to move to the shard', detail: () => context(pub) });
    const r = await copy;
    const warnings = r.stderr.split('\n').filter((l) => /monoton/i.test(l));
    assert.deepEqual(warnings, [], describeRun('ffmpeg -c copy', r));
    assert.equal(r.code, 0, describeRun('ffmpeg -c copy', r));
    // Both streams were copied for the whole 12 s: video at 25 fps.
    const frames = [...r.stderr.matchAll(/frame=\s*(\d+)/g)].map((m) => Number(m[1]));
    assert.ok((frames.at(-1) ?? 0) >= 250, describeRun('ffmpeg -c copy', r));
    await pub.stop();
  });

  it('a moved reader keeps getting Sender Reports, its keep-alives are answered, and the publisher leaving sends it a BYE', async () => {
    const pub = await publish('shard/bye');
    const c = await rawReadBoth('shard/bye');
    raws.push(c);
    try {
      await waitFor(async () => (await onShards()) === 1, { timeoutMs: 20_000, what: 'the raw reader to move to the shard', detail: () => context(pub) });
      // A keep-alive on the moved connection: the main process parses it (the shard forwards it) and answers through the shard.
      const session = (await rtspSessions()).find((s) => s.path === 'shard/bye' && s.state === 'read')!.id;
      const ka = await c.request('GET_PARAMETER', server.url('shard/bye'), { Session: session });
      assert.equal(ka.status, 200);
      // Reports come every 5 s: after the move (at once) at least two more within 11 s.
      const srs = (): number => rtcpTypes(c, 1).filter((t) => t === 200).length;
      const before = srs();
      await waitFor(() => srs() >= before + 2, { timeoutMs: 11_000, what: 'two Sender Reports from the shard', detail: () => `${rtcpTypes(c, 1).join(',')}\n${logTail(server)}` });
      assert.equal(await onShards(), 1);
      // The reports sent here before the move and the feed's after it map RTP time to wall clock alike: the
      // receiver's timestamps do not step at the move (the offsets differ by the publisher's jitter otherwise).
      for (const [channel, clock] of [[1, 90000], [3, 48000]] as const) {
        const o = srOffsets(c, channel, clock);
        assert.ok(o.length >= 3, `reports on channel ${channel}: ${o.length}`);
        assert.ok(Math.max(...o) - Math.min(...o) < 1, `channel ${channel}: reports map RTP time 0 to ${o.map((x) => x.toFixed(2)).join(', ')} ms`);
      }
      const t0 = Date.now();
      await pub.stop();
      await waitFor(() => c.closed, { timeoutMs: 10_000, what: 'the server to end the reader\'s connection', detail: () => logTail(server) });
      assert.ok(Date.now() - t0 < 5000, `the reader was closed ${Date.now() - t0} ms after the publisher left`);
      // The last RTCP on each media's channel is a BYE (RFC 3550 §6.6), before the connection ended.
      assert.equal(rtcpTypes(c, 1).at(-1), 203, `RTCP received: ${rtcpTypes(c, 1).join(',')}`);
      assert.equal(rtcpTypes(c, 3).at(-1), 203, `RTCP received on the audio channel: ${rtcpTypes(c, 3).join(',')}`);
    } finally {
      c.close(); // a failure above must not leave it on the shard for the next tests
    }
    await waitFor(async () => (await onShards()) === 0, { timeoutMs: 5000, what: 'the shard to let the socket go' });
  });

  it('PAUSE on the shard stops the media right after the records before it and keeps the session; PLAY resumes it there', async () => {
    const pub = await publish('shard/pause');
    const c = await rawReadBoth('shard/pause');
    raws.push(c);
    try {
      await waitFor(async () => (await onShards()) === 1, { timeoutMs: 20_000, what: 'the raw reader to move to the shard', detail: () => context(pub) });
      const url = server.url('shard/pause');
      const session = (await rtspSessions()).find((s) => s.path === 'shard/pause' && s.state === 'read')!.id;
      const rtp = (from: number): number => c.frames.slice(from).filter((f) => f.channel === 0 || f.channel === 2).length;
      const paused = await c.request('PAUSE', url, { Session: session });
      assert.equal(paused.status, 200);
      const atPause = c.framesBeforeResponse;
      assert.ok(rtp(0) > 0, 'media flowed before PAUSE');
      await new Promise((r) => setTimeout(r, 1500));
      // TCP keeps the shard's order: nothing of the stream after the PAUSE response (the publisher sends 30 frames/s).
      assert.equal(rtp(atPause), 0, `RTP frames after the PAUSE response: ${rtp(atPause)}`);
      assert.equal(c.closed, false, 'the connection stays open while paused');
      assert.equal(await onShards(), 1, 'and stays on the shard');
      const ka = await c.request('GET_PARAMETER', url, { Session: session });
      assert.equal(ka.status, 200, 'a paused session on the shard answers keep-alives');
      const played = await c.request('PLAY', url, { Session: session });
      assert.equal(played.status, 200);
      const atPlay = c.framesBeforeResponse;
      await waitFor(() => rtp(atPlay) >= 30, { timeoutMs: 5000, what: '30 RTP packets after PLAY', detail: () => logTail(server) });
      // The video resumes with consecutive sequence numbers from its first packet on (the skipped ones are not counted).
      const video = c.frames.slice(atPlay).filter((f) => f.channel === 0).map((f) => f.payload.readUInt16BE(2));
      for (let i = 1; i < video.length; i++) assert.equal(video[i], (video[i - 1]! + 1) & 0xffff, `video sequence numbers after PLAY: ${video.slice(0, 40).join(',')}`);
      assert.equal(await onShards(), 1);
      assert.doesNotMatch(server.logs(), /PAUSE is not supported/);
    } finally {
      c.close();
    }
    await waitFor(async () => (await onShards()) === 0, { timeoutMs: 5000, what: 'the shard to let the socket go' });
  });

  it('the publisher leaving ends a moved FFmpeg reader promptly', async () => {
    const pub = await publish('shard/leave');
    const reader = longReader(server.url('shard/leave'));
    running.push(reader);
    await waitFor(async () => (await onShards()) === 1, { timeoutMs: 20_000, what: 'the reader to move to the shard', detail: () => context(pub) });
    await pub.stop();
    await waitFor(() => !isRunning(reader), { timeoutMs: 10_000, what: 'FFmpeg to end with the stream', detail: () => `${describeRunning('reader', reader)}\n${logTail(server)}` });
    await waitFor(async () => (await onShards()) === 0, { timeoutMs: 5000, what: 'the shard to let the socket go' });
  });

  it('a reader on the shard is listed by the API with the bytes the shard sent, and a kick closes it', async () => {
    const pub = await publish('shard/kick');
    const reader = longReader(server.url('shard/kick'));
    running.push(reader);
    await waitFor(async () => (await onShards()) === 1, { timeoutMs: 20_000, what: 'the reader to move to the shard', detail: () => context(pub) });
    const mine = async (): Promise<RtspSessionItem | undefined> => (await rtspSessions()).find((s) => s.path === 'shard/kick' && s.state === 'read');
    const b0 = (await mine())?.bytesSent ?? 0;
    await waitFor(async () => ((await mine())?.bytesSent ?? 0) > b0 + 50_000, { timeoutMs: 5000, what: 'bytesSent to grow with the shard\'s reports', detail: () => `${b0}` });
    const id = (await mine())!.id;
    const k = await fetch(`${API}/v3/rtspsessions/kick/${id}`, { method: 'POST' });
    assert.equal(k.status, 200);
    await waitFor(() => !isRunning(reader), { timeoutMs: 10_000, what: 'FFmpeg to see the kicked session end', detail: () => describeRunning('reader', reader) });
    await server.waitForLog(/destroyed: kicked/, 1000);
    await waitFor(async () => (await onShards()) === 0, { timeoutMs: 5000, what: 'the shard to let the socket go' });
    await pub.stop();
  });

  it('killing the shard closes its readers; the next reader gets a new shard and decodes', async () => {
    const pub = await publish('shard/kill');
    const reader = longReader(server.url('shard/kill'));
    running.push(reader);
    await waitFor(async () => (await onShards()) === 1, { timeoutMs: 20_000, what: 'the reader to move to the shard', detail: () => context(pub) });
    const pids = await shardPids();
    const owner = (await socketOwners(DEFAULT_PORTS.rtsp)).find((p) => pids.includes(p))!;
    process.kill(owner, 'SIGKILL');
    await server.waitForLog(/\[RTSP\] \[fan-out\] shard 0 exited \(SIGKILL\); its readers were closed/, 5000);
    await waitFor(() => !isRunning(reader), { timeoutMs: 10_000, what: 'the reader of the killed shard to be closed', detail: () => describeRunning('reader', reader) });
    await server.waitForLog(/closed: the fan-out shard exited/, 5_000);
    assert.ok(isRunning(pub), context(pub));
    // The shard is started again for the next reader (after its respawn delay).
    const again = longReader(server.url('shard/kill'));
    running.push(again);
    await waitFor(async () => (await onShards()) === 1 && !(await shardPids()).includes(owner), { timeoutMs: 20_000, what: 'a new shard with the new reader', detail: () => context(pub) });
    const f = await ffmpegReadFrames(server.url('shard/kill'), 'tcp', 3);
    assert.ok(f.frames >= 70, `${f.detail}\n${context(pub)}`);
    await again.stop();
    await pub.stop();
  });

  it('a reader that stops reading is closed by writeTimeout on its shard; another reader is not disturbed', async () => {
    const pub = noisePublisher(server.url('shard/slow'), 'rtsp', LIVE_SECONDS);
    running.push(pub);
    await ready('shard/slow');
    const stalled = longReader(server.url('shard/slow'));
    const healthy = longReader(server.url('shard/slow'));
    running.push(stalled, healthy);
    await waitFor(async () => (await onShards()) === 2, { timeoutMs: 20_000, what: 'both readers to move to the shard', detail: () => context(pub) });
    // writeTimeout is 4 s here; the socket and the kernel's buffers fill first.
    await stallUntilWriteTimeout(stalled, (re, ms) => server.waitForLog(re, ms));
    await waitFor(async () => (await onShards()) === 1, { timeoutMs: 5000, what: 'the stalled reader\'s socket to go' });
    assert.ok(isRunning(healthy), `${describeRunning('healthy reader', healthy)}\n${tail(server.logs())}`);
    await stalled.stop();
    await healthy.stop();
    await pub.stop();
  });

  it('SIGINT with a reader on the shard: the server exits at once with code 0 and no shard is left', async () => {
    await publish('shard/stop');
    const reader = longReader(server.url('shard/stop'));
    running.push(reader);
    await waitFor(async () => (await onShards()) === 1, { timeoutMs: 20_000, what: 'the reader to move to the shard', detail: () => logTail(server) });
    const t0 = Date.now();
    const code = await server.stop();
    assert.equal(code, 0, tail(server.logs()));
    assert.ok(Date.now() - t0 < 5000, `shutdown took ${Date.now() - t0} ms`);
    assert.deepEqual(await shardPids(), []);
    assert.doesNotMatch(server.logs(), /shutdown timed out/);
  });
});
