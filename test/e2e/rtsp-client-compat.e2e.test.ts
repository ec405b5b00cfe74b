import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startDefaultServer } from '../support/default-server.ts';
import { ffmpegPublish, ffmpegReadFrames, gstReadH264 } from '../support/media.ts';
import { tail, waitFor, type Running } from '../support/process.ts';
import { H264_SDP, RawRtspClient, rawRead, rtpPacket } from '../support/rtsp-raw-client.ts';
import type { TestServer } from '../support/server.ts';

const sha256 = (v: string): string => `sha256:${createHash('sha256').update(v).digest('base64')}`;

// Paths added through MTX_* variables to the shipped mediamtx.yml, whose authMethods are the default [basic, digest].
const ENV = {
  MTX_PATHS_HASHED_PUBLISHUSER: sha256('pubuser'), MTX_PATHS_HASHED_PUBLISHPASS: sha256('pubpass'),
  MTX_PATHS_HASHED_READUSER: sha256('readuser'), MTX_PATHS_HASHED_READPASS: sha256('readpass'),
};

describe('RTSP clients on the shipped configuration', () => {
  let server: TestServer;
  const publishers: Running[] = [];
  before(async () => { server = await startDefaultServer(ENV); });
  after(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await server.stop();
  });

  /** Starts an FFmpeg publisher and waits until its path is ready. */
  async function publish(url: string, path: string, transport: 'udp' | 'tcp'): Promise<Running> {
    // With audio: gstReadH264 links an audio branch, which a video-only stream leaves unlinked ("Delayed linking failed").
    const p = ffmpegPublish(url, { video: 'h264', audio: 'aac', transport, seconds: 60 });
    publishers.push(p);
    await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 20_000);
    return p;
  }

  it('lets FFmpeg publish and read with sha256 credentials and the default authMethods (Basic offered alone)', async () => {
    await publish(server.url('hashed', { user: 'pubuser', pass: 'pubpass' }), 'hashed', 'tcp');
    const ok = await ffmpegReadFrames(server.url('hashed', { user: 'readuser', pass: 'readpass' }), 'tcp', 2);
    assert.ok(ok.frames >= 20, `FFmpeg decoded ${ok.frames} frames with the right credentials\n${tail(ok.stderr)}`);
    const wrong = await ffmpegReadFrames(server.url('hashed', { user: 'readuser', pass: 'nope' }), 'tcp', 2);
    assert.equal(wrong.frames, 0, `frames decoded with a wrong password\n${tail(wrong.stderr)}`);
    assert.match(wrong.stderr, /401|Unauthorized/, 'FFmpeg was refused with 401');
    const raw = await RawRtspClient.connect(server.ports.rtsp);
    try {
      const res = await raw.request('DESCRIBE', server.url('hashed'));
      assert.equal(res.status, 401, 'DESCRIBE without credentials');
      assert.equal(res.headers.get('www-authenticate'), 'Basic realm="mediamtx"', 'only Basic is offered for a hashed credential');
    } finally {
      raw.close();
    }
  });

  it('serves IPv6 clients ([::1]) over TCP and UDP: FFmpeg publishes over UDP, FFmpeg and GStreamer read', async () => {
    const v6 = `rtsp://[::1]:${server.ports.rtsp}/ipv6`;
    await publish(v6, 'ipv6', 'udp');
    for (const transport of ['udp', 'tcp'] as const) {
      const r = await ffmpegReadFrames(v6, transport, 2);
      assert.ok(r.frames >= 20, `FFmpeg over ${transport} via [::1] decoded ${r.frames} frames\n${tail(r.stderr)}\n--- server ---\n${tail(server.logs())}`);
      const g = await gstReadH264(v6, transport);
      assert.ok(g.ok, `GStreamer rtspsrc over ${transport} via [::1] decoded ${g.frames} frames\n${tail(g.stderr)}`);
    }
  });

  it('continues the announced session when SETUP after ANNOUNCE carries no Session header', async () => {
    const c = await RawRtspClient.connect(server.ports.rtsp);
    const reader: RawRtspClient[] = [];
    try {
      const url = server.url('nosession');
      const a = await c.request('ANNOUNCE', url, { 'Content-Type': 'application/sdp' }, H264_SDP);
      assert.equal(a.status, 200, 'ANNOUNCE');
      const s = await c.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record' });
      assert.equal(s.status, 200, `SETUP without Session: ${s.status}`);
      const session = s.headers.get('session')?.split(';')[0];
      assert.equal(session, a.headers.get('session')?.split(';')[0], 'SETUP answered with the announced session');
      const r = await c.request('RECORD', url, { Session: session! });
      assert.equal(r.status, 200, `RECORD: ${r.status}`);
      const rd = await rawRead(server.ports.rtsp, 'nosession');
      reader.push(rd);
      const got: number[] = [];
      rd.onFrame = (ch, p) => { if (ch === 0) got.push(p.readUInt16BE(2)); };
      for (let seq = 1; seq <= 20; seq++) c.sendFrame(0, rtpPacket(seq));
      await waitFor(() => got.length >= 20, { timeoutMs: 5000, what: '20 packets at the reader', detail: () => `got ${got.join(',')}` });
      assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => i + 1), 'the reader got every packet, in order');
    } finally {
      c.close();
      for (const r of reader) r.close();
    }
  });
});
