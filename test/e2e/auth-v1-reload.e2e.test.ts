import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, startServer } from '../support/server.ts';
import { ffmpegPublish } from '../support/media.ts';
import { describeRunning, isRunning, start, waitFor, type Running } from '../support/process.ts';

/** A v1.x users block: anyone publishes, each of `readers` reads with password `<name>pw1`. */
function users(readers: readonly string[]): string {
  const entries = readers.map((u) => `  - user: ${u}\n    pass: ${u}pw1\n    permissions: [{action: read, path: cam}]\n`).join('');
  return `authMethod: internal\nauthInternalUsers:\n  - user: any\n    permissions: [{action: publish}]\n${entries}`;
}

/** FFmpeg reading and decoding the stream until stopped; its frame counter is read from the stats on stderr. */
function ffmpegReader(url: string): { run: Running; frames: () => number } {
  const run = start('ffmpeg', ['-nostdin', '-rtsp_transport', 'tcp', '-i', url, '-map', '0:v:0', '-f', 'null', '-'], { timeoutMs: 120_000 });
  const frames = (): number => {
    const all = [...run.output().stderr.matchAll(/frame=\s*(\d+)/g)];
    return all.length > 0 ? Number(all[all.length - 1]![1]) : 0;
  };
  return { run, frames };
}


describe('hot reload of MediaMTX v1.x authentication, with FFmpeg readers', () => {
  it('drops the reader whose user was removed from authInternalUsers while another user\'s reader keeps decoding', async () => {
    const paths = 'paths:\n  cam:\n';
    const server = await startServer(users(['alice', 'bob']) + paths);
    const file = join(server.dir, 'mediamtx.yml');
    const running: Running[] = [];
    try {
      const pub = ffmpegPublish(server.url('cam'), { video: 'h264', transport: 'tcp', seconds: 90 });
      running.push(pub);
      await server.waitForLog(/\[path cam\] stream is ready/, 20_000);
      const alice = ffmpegReader(server.url('cam', { user: 'alice', pass: 'alicepw1' }));
      const bob = ffmpegReader(server.url('cam', { user: 'bob', pass: 'bobpw1' }));
      running.push(alice.run, bob.run);
      await waitFor(() => alice.frames() >= 25 && bob.frames() >= 25, {
        timeoutMs: 20_000, what: 'both readers to decode a second of video',
        detail: () => `${describeRunning('alice', alice.run)}\n${describeRunning('bob', bob.run)}\n${logTail(server)}`,
      });

      writeFileSync(file, readFileSync(file, 'utf8').replace(users(['alice', 'bob']), users(['bob'])));
      await server.waitForLog(/configuration reloaded/, 10_000);
      await waitFor(() => !isRunning(alice.run), { timeoutMs: 10_000, what: 'alice\'s FFmpeg to be disconnected', detail: () => logTail(server) });
      await server.waitForLog(/is not allowed anymore/, 5_000);
      assert.doesNotMatch(server.logs(), /alicepw1/, 'no password in the log');

      const bobAt = bob.frames();
      await waitFor(() => bob.frames() >= bobAt + 50, {
        timeoutMs: 15_000, what: 'bob to decode two more seconds after the reload', detail: () => `${describeRunning('bob', bob.run)}\n${logTail(server)}`,
      });
      assert.ok(isRunning(bob.run), 'bob is still reading');
      assert.ok(isRunning(pub), 'the publisher is still allowed');
    } finally {
      await Promise.all(running.map((r) => r.stop()));
      await server.stop();
    }
  });
});
