import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDefaultServer } from '../support/default-server.ts';
import { ffmpegPublish } from '../support/media.ts';
import { start, tail, type Running } from '../support/process.ts';

// Longer than the 60 s after which a UDP publisher's control connection used to be cut (issue 8, item 1).
const READ_SECONDS = 150;
const FPS = 25;

/** FFmpeg reading `url` for `seconds` without decoding (copy): a long reader that costs little CPU. */
function ffmpegLongRead(url: string, rtspTransport: 'udp' | 'tcp' | undefined, seconds: number): Running {
  const args = ['-nostdin', '-loglevel', 'warning', '-stats', ...(rtspTransport ? ['-rtsp_transport', rtspTransport] : []),
    '-i', url, '-t', String(seconds), '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'];
  return start('ffmpeg', args, { timeoutMs: (seconds + 40) * 1000 });
}

function lastFrameCount(stderr: string): number {
  const all = [...stderr.matchAll(/frame=\s*(\d+)/g)];
  return all.length > 0 ? Number(all[all.length - 1]![1]) : 0;
}

describe('long sessions on the shipped configuration', () => {
  it(`keeps FFmpeg publishers (UDP and TCP) and RTSP/RTMP readers connected for ${READ_SECONDS} s`, async () => {
    const server = await startDefaultServer();
    const running: Running[] = [];
    try {
      const publishers = (['udp', 'tcp'] as const).map((transport) => {
        const p = ffmpegPublish(server.url(`soak-${transport}`), { video: 'h264', audio: 'aac', transport, seconds: READ_SECONDS + 25 });
        running.push(p);
        return p;
      });
      for (const transport of ['udp', 'tcp']) {
        await server.waitForLog(new RegExp(`\\[path soak-${transport}\\] stream is ready`), 20_000);
      }
      const readers = (['udp', 'tcp'] as const).flatMap((pubTransport) => {
        const path = `soak-${pubTransport}`;
        return [
          { name: `${path} read over RTSP/UDP`, run: ffmpegLongRead(server.url(path), 'udp', READ_SECONDS) },
          { name: `${path} read over RTSP/TCP`, run: ffmpegLongRead(server.url(path), 'tcp', READ_SECONDS) },
          { name: `${path} read over RTMP`, run: ffmpegLongRead(server.rtmpUrl(path), undefined, READ_SECONDS) },
        ];
      });
      running.push(...readers.map((r) => r.run));
      const results = await Promise.all(readers.map(async (r) => ({ name: r.name, res: await r.run.done })));
      const minFrames = Math.floor(READ_SECONDS * FPS * 0.9);
      for (const { name, res } of results) {
        const frames = lastFrameCount(res.stderr);
        assert.ok(res.code === 0 && frames >= minFrames,
          `${name}: exit ${res.code}${res.timedOut ? ' (timed out)' : ''}, ${frames} frames (want ≥ ${minFrames})\n${tail(res.stderr, 600)}\n--- server log ---\n${tail(server.logs(), 1500)}`);
      }
      for (const [i, p] of publishers.entries()) {
        assert.equal(p.child.exitCode, null, `publisher ${i} is still running\n${tail(server.logs(), 1500)}`);
      }
      // Readers that finish close normally; what must not appear is a timeout of a publisher or reader.
      const cut = server.logs().split('\n').filter((l) => /timed out|no RTP packets received/.test(l));
      assert.deepEqual(cut, [], 'no connection or session timed out while streaming');
    } finally {
      await Promise.all(running.map((r) => r.stop()));
      await server.stop();
    }
  });
});
