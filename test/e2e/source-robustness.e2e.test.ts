import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, probePackets } from '../support/media.ts';
import { describeRunning, type Running } from '../support/process.ts';

const SECONDS = 15;

/** A TCP server of the test process; `onConn` decides what each client gets. */
async function hostile(onConn: (s: Socket) => void): Promise<{ port: number; server: Server; conns: () => number }> {
  let conns = 0;
  const server = createServer((s) => { conns++; s.on('error', () => {}); s.resume(); onConn(s); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server, conns: () => conns };
}

/** Random bytes as fast as the client takes them, until it leaves. */
function pumpRandom(s: Socket): void {
  const pump = (): void => { while (!s.destroyed && s.write(randomBytes(16 * 1024))); };
  s.on('drain', pump);
  pump();
}

describe('hostile upstreams cost nothing but their own path', () => {
  let server: TestServer;
  let pub: Running;
  const upstreams: { port: number; server: Server; conns: () => number }[] = [];

  before(async () => {
    const random = await hostile(pumpRandom);
    const silent = await hostile(() => {});
    const hugeSdp = await hostile((s) => s.once('data', () => {
      s.write('RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 104857600\r\n\r\n');
      pumpRandom(s);
    }));
    upstreams.push(random, silent, hugeSdp);
    server = await startServer(`paths:
  canary:
  rtsprandom:
    source: rtsp://127.0.0.1:${random.port}/x
  rtmprandom:
    source: rtmp://127.0.0.1:${random.port}/live/x
  rtspsilent:
    source: rtsp://127.0.0.1:${silent.port}/x
  rtmpsilent:
    source: rtmp://127.0.0.1:${silent.port}/live/x
  hugesdp:
    source: rtsp://127.0.0.1:${hugeSdp.port}/x
  refused:
    source: rtsp://127.0.0.1:9/x
`);
    pub = ffmpegPublish(server.url('canary'), { video: 'h264', transport: 'tcp', seconds: 600 });
    await server.waitForLog(/\[path canary\] stream is ready/, 20_000);
  });
  after(async () => { await pub?.stop(); await server?.stop(); for (const u of upstreams) u.server.close(); });

  it('keeps the canary path playing gap-free while random bytes, silence and a 100 MB SDP hit the other paths', async () => {
    const probe = await probePackets(server.url('canary'), SECONDS);
    const video = probe.streams.find((s) => s.codec === 'h264');
    const context = `${probe.detail}\n${describeRunning('publisher', pub)}\n${logTail(server, 2500)}`;
    assert.ok(video, context);
    assert.ok(video.packets.length >= SECONDS * 25 * 0.9, `${video.packets.length} frames in ${SECONDS} s\n${context}`);
    // ffprobe's RTSP time base is 90 kHz: one frame is 3,600 ticks; a pause of the server would show as a jump.
    const jumps = video.packets.slice(1).map((p, i) => p.dts - video.packets[i]!.dts).filter((d) => d > 3 * 3600);
    assert.deepEqual(jumps, [], `gaps in the canary's timestamps\n${context}`);
    for (const u of upstreams) assert.ok(u.conns() >= 2, `every hostile upstream was retried (${upstreams.map((x) => x.conns()).join(', ')})`);
    const logs = server.logs();
    assert.match(logs, /\[path rtsprandom\] \[RTSP source\] failed: invalid data from the server/);
    assert.match(logs, /\[path rtmprandom\] \[RTMP source\] failed: unsupported RTMP version/);
    assert.match(logs, /\[path rtspsilent\] \[RTSP source\] failed: no answer to OPTIONS within 10s/);
    assert.match(logs, /\[path rtmpsilent\] \[RTMP source\] failed: no data received in 10s/);
    assert.match(logs, /\[path hugesdp\] \[RTSP source\] failed: invalid data from the server: invalid Content-Length/);
    assert.match(logs, /\[path refused\] \[RTSP source\] failed: connect ECONNREFUSED/);
    assert.doesNotMatch(logs, /\[path canary\] stream is not available/);
  });
});
