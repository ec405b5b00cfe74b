import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegReadFrames, probePackets, timestampProblem } from '../support/media.ts';
import { waitFor } from '../support/process.ts';

const MIN_FRAMES = 20;
// test/support/rpicam/rpicam-vid: a stand-in camera tool that records its options and encodes a test pattern.
const STAND_IN_DIR = resolve(import.meta.dirname, '..', 'support', 'rpicam');

const isRunning = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

describe('rpiCamera source through the camera tool (a stand-in rpicam-vid on PATH)', () => {
  let server: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'rpicam-e2e-'));
  const argsFile = join(dir, 'args.txt');
  const pidFile = join(dir, 'pid.txt');

  before(async () => {
    server = await startServer(`paths:
  cam:
    source: rpiCamera
    rpiCameraCamID: 1
    rpiCameraWidth: 320
    rpiCameraHeight: 240
    rpiCameraFPS: 25
    rpiCameraIDRPeriod: 25
    rpiCameraBitrate: 500000
    rpiCameraProfile: high
    rpiCameraLevel: '4.2'
    rpiCameraHFlip: yes
    rpiCameraAWB: daylight
    rpiCameraEV: -1
    rpiCameraAfMode: manual
    rpiCameraLensPosition: 1.5
    rpiCameraTextOverlayEnable: yes
`, { PATH: `${STAND_IN_DIR}${delimiter}${process.env['PATH'] ?? ''}`, RPICAM_ARGS_FILE: argsFile, RPICAM_PID_FILE: pidFile });
  });
  after(async () => { await server?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('runs the tool with the path\'s options and serves its H264 over RTSP and RTMP, frames decoded', async () => {
    await server.waitForLog(/\[path cam\] stream is ready and available, published by rpiCameraSource +\(1 track: H264\)/, 20_000);
    const args = readFileSync(argsFile, 'utf8').trim().split('\n');
    const pairs = ['--camera 1', '--width 320', '--height 240', '--framerate 25', '--intra 25', '--bitrate 500000', '--profile high',
      '--level 4.2', '--awb daylight', '--ev -1', '--autofocus-mode manual', '--lens-position 1.5', '--denoise off', '--codec h264', '-t 0', '-o -'];
    for (const p of pairs) assert.ok(args.join(' ').includes(p), `option ${p} given; got ${args.join(' ')}`);
    for (const f of ['--hflip', '--inline', '--nopreview']) assert.ok(args.includes(f), `flag ${f} given; got ${args.join(' ')}`);
    assert.ok(!args.includes('--vflip'), 'no --vflip when rpiCameraVFlip is off');
    const [rtsp, rtmp] = await Promise.all([ffmpegReadFrames(server.url('cam'), 'tcp'), ffmpegReadFrames(server.rtmpUrl('cam'), undefined)]);
    assert.ok(rtsp.frames >= MIN_FRAMES, `${rtsp.detail}\n${logTail(server)}`);
    assert.ok(rtmp.frames >= MIN_FRAMES, `${rtmp.detail}\n${logTail(server)}`);
    assert.match(rtsp.stderr, /Video: h264 .*320x240/, rtsp.detail);
  });

  it('timestamps frames at the camera\'s frame rate, increasing', async () => {
    const { streams, detail } = await probePackets(server.rtmpUrl('cam'), 3);
    const video = streams.find((st) => st.codec === 'h264');
    assert.ok(video && video.packets.length >= MIN_FRAMES, detail);
    assert.equal(timestampProblem(video), undefined, detail);
    // RTMP timestamps are in ms: 25 fps is 40 ms a frame, give or take the pipe's jitter.
    const steps = video.packets.slice(1).map((p, i) => p.dts - video.packets[i]!.dts).sort((a, b) => a - b);
    const median = steps[Math.floor(steps.length / 2)]!;
    assert.ok(median >= 35 && median <= 45, `median frame step ${median} ms; ${detail}`);
  });

  it('says once that the text overlay is not drawn', () => {
    assert.equal((server.logs().match(/\[RPI Camera source\] .*rpiCameraTextOverlay.*not drawn/g) ?? []).length, 1, logTail(server));
  });

  it('stops the tool when the server stops', async () => {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(isRunning(pid), 'the tool runs while the server does');
    await server.stop();
    await waitFor(() => !isRunning(pid), { timeoutMs: 5000, what: `the tool (pid ${pid}) to exit` });
  });
});

describe('rpiCamera source without the camera tool', () => {
  let server: TestServer;
  const empty = mkdtempSync(join(tmpdir(), 'rpicam-none-'));
  before(async () => {
    // Debug level: the runner's quiet retries show there, so the test can see that one happened.
    server = await startServer('logLevel: debug\npaths:\n  cam:\n    source: rpiCamera\n', { PATH: empty });
  });
  after(async () => { await server?.stop(); rmSync(empty, { recursive: true, force: true }); });

  it('logs one clear line however often it retries', async () => {
    const line = /\[path cam\] \[RPI Camera source\] failed: neither rpicam-vid nor libcamera-vid was found on PATH: install rpicam-apps/;
    await server.waitForLog(line, 10_000);
    // The source retries every 5 s; the same reason is not logged again above debug level.
    await server.waitForLog(/\[RPI Camera source\] attempt 2 failed: neither rpicam-vid/, 10_000);
    const lines = server.logs().split('\n').filter((l) => /neither rpicam-vid nor libcamera-vid/.test(l) && !/\bDEB\b/.test(l));
    assert.equal(lines.length, 1, logTail(server));
  });
});
