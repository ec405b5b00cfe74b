import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allocatePorts, logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { describeRunning, waitFor, type Running } from '../support/process.ts';
import { instanceTail, startInstance, type Instance } from '../support/instances.ts';

const MIN_FRAMES = 20;
const TRANSPORTS = ['udp', 'tcp', 'multicast', 'automatic'] as const;

describe('RTSP source proxying a second instance of this server (UDP, TCP, multicast, automatic)', () => {
  const originPorts = allocatePorts();
  let origin: Instance;
  let edge: TestServer;
  let pub: Running;
  const originUrl = `rtsp://127.0.0.1:${originPorts.rtsp}/cam`;
  const publish = (): Running => ffmpegPublish(originUrl, { video: 'h264', audio: 'aac', transport: 'tcp', seconds: 600 });

  before(async () => {
    origin = await startInstance('origin', 'paths:\n  all:\n', { ports: originPorts });
    pub = publish();
    await origin.waitForLog(/\[path cam\] stream is ready/, 20_000);
    edge = await startServer(`paths:\n${TRANSPORTS.map((t) => `  ${t}:\n    source: ${originUrl}\n    sourceProtocol: ${t}\n`).join('')}`);
  });
  after(async () => { await pub?.stop(); await edge?.stop(); await origin?.close(); });

  const context = (): string => `${describeRunning('publisher', pub)}\n${logTail(edge)}\n${instanceTail(origin, 800)}`;

  it('reads every proxied path with FFmpeg over RTSP, each upstream session on its transport', async () => {
    for (const t of TRANSPORTS) await edge.waitForLog(new RegExp(`\\[path ${t}\\] stream is ready`), 20_000);
    const want = { udp: 'UDP', tcp: 'TCP', multicast: 'MULTICAST', automatic: 'UDP' };
    for (const t of TRANSPORTS) assert.match(edge.logs(), new RegExp(`\\[path ${t}\\] \\[RTSP source\\] ready: 2 tracks over ${want[t]}`), context());
    const reads = await Promise.all(TRANSPORTS.map((t) => ffmpegReadFrames(edge.url(t), 'tcp')));
    for (const r of reads) assert.ok(r.frames >= MIN_FRAMES, `${r.detail}\n${context()}`);
  });

  it('reads a proxied path over RTMP and over RTSP/UDP', async () => {
    const rtmp = await ffmpegReadFrames(edge.rtmpUrl('tcp'), undefined);
    assert.ok(rtmp.frames >= MIN_FRAMES, `${rtmp.detail}\n${context()}`);
    const udp = await ffmpegReadFrames(edge.url('multicast'), 'udp');
    assert.ok(udp.frames >= MIN_FRAMES, `${udp.detail}\n${context()}`);
  });

  it('serves again within 10 s once the killed upstream is back, and logs the outage once per path', async () => {
    await origin.stop('SIGKILL');
    await pub.stop();
    for (const t of TRANSPORTS) await edge.waitForLog(new RegExp(`\\[path ${t}\\] \\[RTSP source\\] lost the upstream`), 15_000);
    // Down for longer than a few retries: the log must not grow with them.
    await new Promise((r) => setTimeout(r, 12_000));
    await origin.restart();
    pub = publish();
    await waitFor(() => origin.count(/\[path cam\] stream is ready/) >= 2, { timeoutMs: 20_000, what: 'the origin stream again', detail: context });
    const back = Date.now();
    const ready = (t: string): number => edge.logs().split(`[path ${t}] stream is ready`).length - 1;
    await waitFor(() => TRANSPORTS.every((t) => ready(t) >= 2), { timeoutMs: 10_000, what: 'every proxied path to be ready again within 10 s', detail: context });
    const ms = Date.now() - back;
    console.log(`proxied paths ready again ${ms} ms after the upstream stream was back`);
    for (const t of TRANSPORTS) {
      const errors = edge.logs().split('\n').filter((l) => l.includes(`[path ${t}] [RTSP source]`) && / ERR /.test(l));
      assert.ok(errors.length <= 3, `${t}: ${errors.length} error lines for one outage:\n${errors.join('\n')}`);
    }
    const again = await ffmpegReadFrames(edge.url('automatic'), 'tcp');
    assert.ok(again.frames >= MIN_FRAMES, `${again.detail}\n${context()}`);
  });
});
