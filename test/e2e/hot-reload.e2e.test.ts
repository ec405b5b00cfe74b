import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { waitFor, type Running } from '../support/process.ts';
import { rawRead, type RawRtspClient } from '../support/rtsp-raw-client.ts';
import { playRtmpRaw } from '../support/rtmp-raw-player.ts';

const PATHS = `paths:
  cam:
  live/cam2:
  changing:
`;

/** The server's pid, found by its config folder in its command line. */
function serverPid(server: TestServer): number {
  const out = execFileSync('pgrep', ['-f', `${server.dir}/mediamtx.yml`]).toString().trim().split('\n');
  return Number(out[0]);
}

/** Open fds and child processes of the server: what a leaking reload would grow. */
function resources(pid: number): { fds: number; children: number } {
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  let children = 0;
  try { children = execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter((l) => l !== '').length; } catch { children = 0; }
  return { fds, children };
}

describe('hot reload of the configuration file', () => {
  it('applies edits without dropping clients of untouched paths, keeps running on an invalid file, and leaks nothing', async () => {
    const server = await startServer(PATHS);
    const running: Running[] = [];
    const file = join(server.dir, 'mediamtx.yml');
    const base = readFileSync(file, 'utf8');
    const write = (extra: string, paths = PATHS): void => writeFileSync(file, base.replace(PATHS, '') + extra + paths);
    let reloads = 0;
    const waitReload = async (): Promise<void> => {
      const want = ++reloads;
      await waitFor(() => (server.logs().match(/configuration reloaded|the new configuration is invalid/g) ?? []).length >= want, {
        timeoutMs: 10_000, what: `reload ${want}`, detail: () => logTail(server),
      });
    };
    let rtsp: RawRtspClient | undefined;
    try {
      running.push(ffmpegPublish(server.url('cam'), { video: 'h264', transport: 'tcp', seconds: 120 }));
      running.push(ffmpegPublishRtmp(server.rtmpUrl('live/cam2'), { seconds: 120 }));
      await server.waitForLog(/\[path cam\] stream is ready/, 20_000);
      await server.waitForLog(/\[path live\/cam2\] stream is ready/, 20_000);
      // An RTSP reader counting RTP sequence gaps, and an RTMP reader measuring the largest pause between frames.
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
      let maxPauseMs = 0;
      let lastAt = 0;
      let frames = 0;
      let stopRtmp = false;
      let rtmpError: string | undefined;
      const rtmp = playRtmpRaw(server.ports.rtmp, 'live', 'cam2', (f) => {
        if (lastAt !== 0) maxPauseMs = Math.max(maxPauseMs, f.atMs - lastAt);
        lastAt = f.atMs;
        frames++;
        return stopRtmp;
      }, 120_000).then(() => undefined, (err: Error) => { rtmpError = `${err.message}\n${logTail(server)}`; });
      const sessions = (): string => server.logs().match(/\[session [0-9a-f]{8}\] created/g)?.join(',') ?? '';
      await waitFor(() => packets > 50 && frames > 25, { timeoutMs: 10_000, what: 'both readers to receive', detail: () => `${packets} packets, ${frames} frames` });
      const pid = serverPid(server);
      const before = resources(pid);
      const sessionsBefore = sessions();

      // 1. In place: log level and a new path.
      write('logLevel: debug\n', `${PATHS}  added:\n`);
      await waitReload();
      // 2. Rename-replace, as editors save: credentials on another path.
      writeFileSync(`${file}.tmp`, base.replace(PATHS, '') + 'logLevel: debug\n' + `${PATHS}  added:\n    readUser: u\n    readPass: p\n`);
      renameSync(`${file}.tmp`, file);
      await waitReload();
      // 3. Invalid YAML: the server keeps the configuration in force.
      write('logLevel: [debug\n');
      await waitReload();
      assert.match(server.logs(), /the new configuration is invalid, keeping the current one: .*line \d+/, logTail(server));
      // 4. Twenty writes in two seconds.
      for (let i = 0; i < 20; i++) {
        write(`logLevel: info\n# write ${i}\n`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await waitReload();
      await new Promise((r) => setTimeout(r, 1000));
      const reloadsSeen = (server.logs().match(/configuration reloaded/g) ?? []).length;
      assert.ok(reloadsSeen <= 5, `20 writes in 2 s gave ${reloadsSeen - 2} reloads (debounced)`);

      const packetsAt = packets;
      const framesAt = frames;
      await waitFor(() => packets > packetsAt + 50 && frames > framesAt + 25, { timeoutMs: 10_000, what: 'both readers to go on receiving', detail: () => `${packets} packets, ${frames} frames` });
      assert.equal(gaps, 0, `RTP sequence gaps at the RTSP reader through the reloads\n${logTail(server)}`);
      assert.ok(maxPauseMs < 500, `the RTMP reader paused ${maxPauseMs} ms at most`);
      assert.equal(sessions(), sessionsBefore, 'no session was recreated');
      assert.equal(rtsp.closed, false, 'the RTSP reader is still connected');
      assert.equal(rtmpError, undefined, 'the RTMP reader is still connected');

      // 5. The changing path's clients are closed, and can come back.
      running.push(ffmpegPublish(server.url('changing'), { video: 'h264', transport: 'tcp', seconds: 120 }));
      await server.waitForLog(/\[path changing\] stream is ready/, 20_000);
      write('logLevel: info\n', PATHS.replace('  changing:\n', '  changing:\n    disablePublisherOverride: yes\n'));
      await waitReload();
      await server.waitForLog(/\[path changing\] stream is not available anymore/, 10_000);
      running.push(ffmpegPublish(server.url('changing'), { video: 'h264', transport: 'tcp', seconds: 120 }));
      await waitFor(() => (server.logs().match(/\[path changing\] stream is ready/g) ?? []).length === 2, {
        timeoutMs: 20_000, what: 'a new publisher on the recreated path', detail: () => logTail(server),
      });
      const r = await ffmpegReadFrames(server.url('changing'), 'tcp', 1);
      assert.ok(r.frames >= 20, `the recreated path serves again: ${r.detail}`);

      stopRtmp = true;
      await rtmp;
      rtsp.close();
      await new Promise((res) => setTimeout(res, 500));
      const after = resources(pid);
      assert.ok(after.children <= before.children, `child processes ${before.children} → ${after.children}`);
      assert.ok(after.fds <= before.fds + 10, `open fds ${before.fds} → ${after.fds}`);
    } finally {
      rtsp?.close();
      await Promise.all(running.map((p) => p.stop()));
      await server.stop();
    }
  });
});
