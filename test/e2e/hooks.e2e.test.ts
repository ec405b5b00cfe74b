import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, startServer } from '../support/server.ts';
import { ffmpegReadFrames } from '../support/media.ts';
import { waitFor } from '../support/process.ts';

describe('hooks', () => {
  it('runs runOnDemand when a reader arrives, passes regexp groups to runOnReady, and stops the command when unused', async () => {
    const server = await startServer((dir) => `paths:
  "~^ondemand(\\\\d+)$":
    runOnDemand: ffmpeg -nostdin -loglevel error -re -f lavfi -i testsrc2=size=320x240:rate=25 -c:v libx264 -preset ultrafast -tune zerolatency -g 25 -pix_fmt yuv420p -f rtsp rtsp://127.0.0.1:$RTSP_PORT/$MTX_PATH
    runOnDemandCloseAfter: 1s
    runOnReady: sh -c 'echo "$MTX_PATH $G1 $RTSP_PATH" > ${join(dir, 'ready.txt')}'
`);
    try {
      const r = await ffmpegReadFrames(server.url('ondemand42'), 'tcp', 2);
      assert.ok(r.frames >= 20, `on-demand stream: ${r.detail}\n${logTail(server)}`);
      const file = join(server.dir, 'ready.txt');
      // The hook writes with `echo >`: wait for its whole line (newline included), not merely for the file to exist.
      await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n'), { timeoutMs: 5000, what: 'runOnReady to write its file', detail: () => logTail(server) });
      assert.equal(readFileSync(file, 'utf8').trim(), 'ondemand42 42 ondemand42', `runOnReady's $MTX_PATH $G1 $RTSP_PATH\n${logTail(server)}`);
      await server.waitForLog(/runOnDemand command stopped: not needed anymore/, 10_000);
      await server.waitForLog(/\[path ondemand42\] stream is not available anymore/, 5_000);
    } finally {
      await server.stop();
    }
  });
});
