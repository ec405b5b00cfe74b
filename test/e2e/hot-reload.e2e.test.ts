import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocatePorts, logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { waitFor, type Running } from '../support/process.ts';
import { rawRead, type RawRtspClient } from '../support/rtsp-raw-client.ts';
import { playRtmpRaw } from '../support/rtmp-raw-player.ts';
import { httpGet } from '../support/http.ts';
import { parsePromPage } from '../support/prometheus.ts';

// The metrics listener (for the server's active resources) takes a port of a block of its own.
const METRICS = allocatePorts().rtsp;
// `hooked` runs `sleep <n>` at init: each reload below changes n, which recreates the path and restarts its child.
const INIT_SECONDS = 600;

const pathsYaml = (initSeconds: number): string => `paths:
  cam:
  live/cam2:
  changing:
  hooked:
    runOnInit: sleep ${initSeconds}
`;

/** The server's pid, found by its config folder in its command line. */
function serverPid(server: TestServer): number {
  const out = execFileSync('pgrep', ['-f', `${server.dir}/mediamtx.yml`]).toString().trim().split('\n');
  return Number(out[0]);
}

/** What a leaking reload would grow: open fds, child processes (their command lines) and the event loop's resources by type. */
interface Resources { fds: number; children: string[]; active: Record<string, number> }

/** The command lines of the server's child processes, sorted (`ps` exits with 1 when there is none). */
function childCommands(pid: number, format = 'args='): string[] {
  try { return execFileSync('ps', ['-o', format, '--ppid', String(pid)]).toString().trim().split('\n').filter((l) => l !== '').sort(); } catch { return []; }
}

async function resources(pid: number): Promise<Resources> {
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  const children = childCommands(pid);
  const points = parsePromPage((await httpGet(METRICS, '/metrics')).text).points;
  const active = Object.fromEntries(points.filter((p) => p.name === 'nodejs_active_resources').map((p) => [p.labels.type!, p.value]));
  return { fds, children, active };
}

describe('hot reload of the configuration file', () => {
  it('applies edits without dropping clients of untouched paths, keeps running on an invalid file, and leaks nothing', async () => {
    const server = await startServer(`metrics: yes\nmetricsAddress: 127.0.0.1:${METRICS}\n${pathsYaml(INIT_SECONDS)}`);
    const running: Running[] = [];
    const file = join(server.dir, 'mediamtx.yml');
    const head = readFileSync(file, 'utf8').replace(pathsYaml(INIT_SECONDS), '');
    const write = (extra: string, paths = pathsYaml(INIT_SECONDS)): void => writeFileSync(file, head + extra + paths);
    const count = (re: RegExp): number => (server.logs().match(re) ?? []).length;
    const finishedRe = /configuration reloaded|the new configuration is invalid/g;
    let reloads = 0;
    const waitReload = async (): Promise<void> => {
      const want = ++reloads;
      await waitFor(() => count(finishedRe) >= want, { timeoutMs: 10_000, what: `reload ${want}`, detail: () => logTail(server) });
    };
    let rtsp: RawRtspClient | undefined;
    try {
      running.push(ffmpegPublish(server.url('cam'), { video: 'h264', transport: 'tcp', seconds: 120 }));
      running.push(ffmpegPublishRtmp(server.rtmpUrl('live/cam2'), { seconds: 120 }));
      await server.waitForLog(/\[path cam\] stream is ready/, 20_000);
      await server.waitForLog(/\[path live\/cam2\] stream is ready/, 20_000);
      // An RTSP reader counting RTP sequence gaps, and an RTMP reader checking the RTMP timestamps (DTS) of the frames.
      rtsp = await rawRead(server.ports.rtsp, 'cam');
      let last: number | undefined;
      let gaps = 0;
      let packets = 0;
      rtsp.onFrame = (ch, p) => {
        if (ch !== 0) return;
        const seq = p.readUInt16BE(2);
        if (last !== undefined && seq !== ((last + 1) & 0xffff)) gaps++;
        last = seq;
        packets++;
      };
      // FFmpeg publishes 25 frames/s without B-frames: each DTS is 40 ms after the previous one, whatever the reloads do.
      let lastDts: number | undefined;
      const dtsSteps: number[] = [];
      let frames = 0;
      let stopRtmp = false;
      let rtmpError: string | undefined;
      const rtmp = playRtmpRaw(server.ports.rtmp, 'live', 'cam2', (f) => {
        if (lastDts !== undefined) dtsSteps.push(f.dtsMs - lastDts);
        lastDts = f.dtsMs;
        frames++;
        return stopRtmp;
      }, 120_000).then(() => undefined, (err: Error) => { rtmpError = `${err.message}\n${logTail(server)}`; });
      const sessions = (): string => server.logs().match(/\[session [0-9a-f]{8}\] created/g)?.join(',') ?? '';
      await waitFor(() => packets > 50 && frames > 25, { timeoutMs: 10_000, what: 'both readers to receive', detail: () => `${packets} packets, ${frames} frames` });
      const pid = serverPid(server);
      await waitFor(async () => (await resources(pid)).children.join() === `sleep ${INIT_SECONDS}`, {
        timeoutMs: 10_000, what: 'the runOnInit child', detail: () => logTail(server),
      });
      const before = await resources(pid);
      // RTSP (TCP, and UDP for RTP/RTCP), RTMP and metrics listen; the runOnInit child is the one child process.
      assert.ok((before.active.TCPServerWrap ?? 0) >= 3 && (before.active.UDPWrap ?? 0) >= 2 && before.active.ProcessWrap === 1,
        `the server's active resources before the reloads: ${JSON.stringify(before)}`);
      const sessionsBefore = sessions();

      // 1. In place: log level and a new path.
      write('logLevel: debug\n', `${pathsYaml(INIT_SECONDS)}  added:\n`);
      await waitReload();
      // 2. Rename-replace, as editors save: credentials on another path.
      writeFileSync(`${file}.tmp`, head + 'logLevel: debug\n' + `${pathsYaml(INIT_SECONDS)}  added:\n    readUser: u\n    readPass: p\n`);
      renameSync(`${file}.tmp`, file);
      await waitReload();
      // 3. Invalid YAML: the server keeps the configuration in force.
      write('logLevel: [debug\n');
      await waitReload();
      await server.waitForLog(/the new configuration is invalid, keeping the current one: .*line \d+/, 5_000);

      // 4a. Twenty distinct writes in two seconds, inside the 300 ms debounce of one another: fewer reloads than writes,
      // and the last write is the one in force (its runOnInit child runs, alone).
      const startedRe = /configuration file changed, reloading/g;
      const startedBefore = count(startedRe);
      for (let i = 1; i <= 20; i++) {
        write(`logLevel: info\n# burst write ${i}\n`, pathsYaml(INIT_SECONDS + i));
        await new Promise((r) => setTimeout(r, 100));
      }
      const burstLast = `sleep ${INIT_SECONDS + 20}`;
      await waitFor(async () => (await resources(pid)).children.join() === burstLast && count(startedRe) === count(finishedRe), {
        timeoutMs: 15_000, what: `the last write's child (${burstLast}) alone, every reload finished`,
        detail: () => `children: ${childCommands(pid, 'pid=,args=').join('; ')}\n${logTail(server)}`,
      });
      const burstReloads = count(startedRe) - startedBefore;
      assert.ok(burstReloads >= 1 && burstReloads < 20, `20 writes 100 ms apart gave ${burstReloads} reloads (debounced to fewer than 20)`);
      reloads += burstReloads;

      // 4b. Twenty distinct writes, each waited for: twenty reloads, each recreating `hooked` and restarting its child.
      const finishedBefore = count(finishedRe);
      const lastInit = INIT_SECONDS + 40;
      for (let i = 21; i <= 40; i++) {
        write(`logLevel: info\n# write ${i}\n`, pathsYaml(INIT_SECONDS + i));
        await waitReload();
      }
      assert.equal(count(finishedRe) - finishedBefore, 20, `each of 20 spaced writes gave one reload\n${logTail(server)}`);
      assert.equal(count(/the new configuration is invalid/g), 1, `only step 3's file was refused\n${logTail(server)}`);
      // Once at the start, then once per reload of 4a and 4b: each one changed runOnInit, so each recreated `hooked`.
      const initStarts = count(/\[path hooked\] runOnInit command started/g);
      assert.equal(initStarts, 1 + burstReloads + 20, `runOnInit starts: ${initStarts}, with ${burstReloads} reloads in 4a and 20 in 4b`);

      // Same clients, same configuration but for the child's argument: nothing may have grown.
      let after = await resources(pid);
      await waitFor(async () => {
        after = await resources(pid);
        return after.children.join() === `sleep ${lastInit}` && after.fds <= before.fds + 10
          && ['TCPServerWrap', 'UDPWrap', 'ProcessWrap'].every((t) => after.active[t] === before.active[t])
          && (after.active.Timeout ?? 0) <= (before.active.Timeout ?? 0) + 5;
      }, {
        timeoutMs: 10_000, what: 'the server\'s resources to be what they were before the reloads',
        detail: () => `before: ${JSON.stringify(before)}\nafter:  ${JSON.stringify(after)}\n${logTail(server)}`,
      });

      const packetsAt = packets;
      const framesAt = frames;
      await waitFor(() => packets > packetsAt + 50 && frames > framesAt + 25, { timeoutMs: 10_000, what: 'both readers to go on receiving', detail: () => `${packets} packets, ${frames} frames` });
      assert.equal(gaps, 0, `RTP sequence gaps at the RTSP reader through the reloads\n${logTail(server)}`);
      const [minStep, maxStep] = [Math.min(...dtsSteps), Math.max(...dtsSteps)];
      assert.ok(minStep > 0 && maxStep <= 100, `RTMP DTS steps at the RTMP reader over ${dtsSteps.length} frames: from ${minStep} to ${maxStep} ms (a step back or a jump: ${dtsSteps.filter((s) => s <= 0 || s > 100).join(', ')})`);
      assert.equal(sessions(), sessionsBefore, 'no session was recreated');
      assert.equal(rtsp.closed, false, 'the RTSP reader is still connected');
      assert.equal(rtmpError, undefined, 'the RTMP reader is still connected');

      // 5. The changing path's clients are closed, and can come back.
      running.push(ffmpegPublish(server.url('changing'), { video: 'h264', transport: 'tcp', seconds: 120 }));
      await server.waitForLog(/\[path changing\] stream is ready/, 20_000);
      write('logLevel: info\n', pathsYaml(lastInit).replace('  changing:\n', '  changing:\n    disablePublisherOverride: yes\n'));
      await waitReload();
      await server.waitForLog(/\[path changing\] stream is not available anymore/, 10_000);
      running.push(ffmpegPublish(server.url('changing'), { video: 'h264', transport: 'tcp', seconds: 120 }));
      await waitFor(() => count(/\[path changing\] stream is ready/g) === 2, {
        timeoutMs: 20_000, what: 'a new publisher on the recreated path', detail: () => logTail(server),
      });
      const r = await ffmpegReadFrames(server.url('changing'), 'tcp', 1);
      assert.ok(r.frames >= 20, `the recreated path serves again: ${r.detail}`);
      assert.equal((await resources(pid)).children.join(), `sleep ${lastInit}`, 'the untouched hooked path kept its child');

      stopRtmp = true;
      await rtmp;
    } finally {
      rtsp?.close();
      await Promise.all(running.map((p) => p.stop()));
      await server.stop();
    }
  });
});
