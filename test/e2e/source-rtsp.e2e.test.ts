import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allocatePorts, logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { describeRunning, start, waitFor, type Running } from '../support/process.ts';
import { instanceTail, startInstance, type Instance } from '../support/instances.ts';

const MIN_FRAMES = 20;
const TRANSPORTS = ['udp', 'tcp', 'multicast', 'automatic'] as const;

/** The last frame count FFmpeg printed in its progress lines (`frame=  123`), 0 before the first. */
const framesOf = (stderr: string): number => Number([...stderr.matchAll(/frame=\s*(\d+)/g)].pop()?.[1] ?? 0);

/**
 * A player that connects again every second after its session ended, as users' players and NVRs do: reads `url`
 * with FFmpeg until one read decodes MIN_FRAMES or `deadline` (epoch ms) passes. Returns the attempts, when the last
 * one started, and its result.
 */
async function readAgainUntilPlaying(url: string, deadline: number): Promise<{ attempts: number; startedAt: number; read: Awaited<ReturnType<typeof ffmpegReadFrames>> }> {
  for (let attempts = 1; ; attempts++) {
    const startedAt = Date.now();
    const read = await ffmpegReadFrames(url, 'tcp');
    if (read.frames >= MIN_FRAMES || Date.now() > deadline) return { attempts, startedAt, read };
    await new Promise((r) => setTimeout(r, 1000));
  }
}

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
    const want = { udp: 'UDP', tcp: 'TCP', multicast: 'MULTICAST', automatic: 'UDP' };
    // Waited for, not matched once "stream is ready" shows: the source logs its line right after, and the child's
    // stdout pipe may hand the two lines to the test in separate reads (seen in CI).
    for (const t of TRANSPORTS) await edge.waitForLog(new RegExp(`\\[path ${t}\\] \\[RTSP source\\] ready: 2 tracks over `), 20_000);
    for (const t of TRANSPORTS) assert.match(edge.logs(), new RegExp(`\\[path ${t}\\] \\[RTSP source\\] ready: 2 tracks over ${want[t]}\\n`), context());
    const reads = await Promise.all(TRANSPORTS.map((t) => ffmpegReadFrames(edge.url(t), 'tcp')));
    for (const r of reads) assert.ok(r.frames >= MIN_FRAMES, `${r.detail}\n${context()}`);
  });

  it('reads a proxied path over RTMP and over RTSP/UDP', async () => {
    const rtmp = await ffmpegReadFrames(edge.rtmpUrl('tcp'), undefined);
    assert.ok(rtmp.frames >= MIN_FRAMES, `${rtmp.detail}\n${context()}`);
    const udp = await ffmpegReadFrames(edge.url('multicast'), 'udp');
    assert.ok(udp.frames >= MIN_FRAMES, `${udp.detail}\n${context()}`);
  });

  it('serves again within 10 s once the killed upstream is back, logs the outage once per path, and its reader plays again', async () => {
    // A reader attached before the outage: FFmpeg playing until the server ends its session.
    const url = edge.url('automatic');
    const attached = start('ffmpeg', ['-nostdin', '-stats_period', '0.2', '-rtsp_transport', 'tcp', '-i', url, '-map', '0:v:0', '-f', 'null', '-'], { timeoutMs: 180_000 });
    const readerContext = (): string => `${describeRunning('attached reader', attached)}\n${context()}`;
    try {
      await waitFor(() => framesOf(attached.output().stderr) >= MIN_FRAMES, { timeoutMs: 20_000, what: 'the attached reader to decode frames', detail: readerContext });
      const killed = Date.now();
      await origin.stop('SIGKILL');
      await pub.stop();
      for (const t of TRANSPORTS) await edge.waitForLog(new RegExp(`\\[path ${t}\\] \\[RTSP source\\] lost the upstream`), 15_000);
      // The stream went with its upstream, and its readers with it (as in MediaMTX): the player sees its session end.
      await waitFor(() => attached.child.exitCode !== null || attached.child.signalCode !== null, { timeoutMs: 15_000, what: 'the attached reader to be closed', detail: readerContext });
      const { stderr } = await attached.done;
      console.log(`attached reader closed ${Date.now() - killed} ms after the upstream was killed, having decoded ${framesOf(stderr)} frames`);
      // From now on the player tries again every second, through the outage and after it.
      const replay = readAgainUntilPlaying(url, Date.now() + 90_000);
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
      const again = await replay;
      assert.ok(again.read.frames >= MIN_FRAMES, `the reader did not play again after ${again.attempts} attempts: ${again.read.detail}\n${context()}`);
      assert.ok(again.attempts > 1, `the first attempt, made during the outage, played: ${again.read.detail}`);
      const late = again.startedAt - back;
      // Ready within 10 s (asserted above), and the player tries every second (plus an FFmpeg run that failed).
      assert.ok(late <= 15_000, `the read that played started ${late} ms after the upstream was back (${again.attempts} attempts)`);
      console.log(`the reader played again on attempt ${again.attempts}, started ${late} ms after the upstream was back`);
    } finally {
      await attached.stop();
    }
  });
});
