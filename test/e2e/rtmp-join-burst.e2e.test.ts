import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDefaultServer } from '../support/default-server.ts';
import { describeRun, run, start, tail, waitFor, type Running } from '../support/process.ts';
import type { TestServer } from '../support/server.ts';

// Issue 8 item 4: an RTMP reader joining late in a long GOP got the whole GOP cache at once, more than its queue
// (readBufferCount) holds, and dropped most of it ("reader is too slow, discarding 1240 frames").

const ROOT = resolve(import.meta.dirname, '..', '..');
const JOIN_AFTER_S = 8; // into x264's default 10 s GOP (keyint 250 at 25 fps): the cache holds 8 s when the reader joins
const READ_S = 16; // media FFmpeg reads: the 8 s burst, then 8 s live

/** FFmpeg publishing 640x360 25 fps H264 with x264's defaults (no -g: keyint 250) and AAC; progress on stdout. */
function publishX264Defaults(url: string, protocol: 'rtsp' | 'rtmp', seconds: number): Running {
  const args = ['-nostdin', '-loglevel', 'warning', '-progress', 'pipe:1',
    '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k',
    ...(protocol === 'rtsp' ? ['-f', 'rtsp', '-rtsp_transport', 'tcp'] : ['-f', 'flv']), url];
  return start('ffmpeg', args, { timeoutMs: (seconds + 20) * 1000 });
}

/** Seconds of media the publisher has sent so far (its last `out_time_us` progress line). */
function publishedSeconds(progress: string): number {
  const all = [...progress.matchAll(/out_time_us=(\d+)/g)];
  return all.length > 0 ? Number(all[all.length - 1]![1]) / 1e6 : 0;
}

/** Decoded frames of one stream of a framecrc listing: pts in seconds, in output order. */
function framePts(framecrc: string, stream: number): number[] {
  const tb = new RegExp(`^#tb ${stream}: (\\d+)/(\\d+)$`, 'm').exec(framecrc);
  if (!tb) return [];
  const unit = Number(tb[1]) / Number(tb[2]);
  return framecrc.split('\n').filter((l) => l.startsWith(`${stream},`)).map((l) => Number(l.split(',')[2]) * unit);
}

/** Largest step between consecutive values, with where it is. */
function largestGap(ts: number[]): { gap: number; at: number } {
  let best = { gap: 0, at: 0 };
  for (let i = 1; i < ts.length; i++) if (ts[i]! - ts[i - 1]! > best.gap) best = { gap: ts[i]! - ts[i - 1]!, at: ts[i - 1]! };
  return best;
}

describe('RTMP reader joining 8 s into a 10 s GOP (x264 defaults), shipped mediamtx.yml', () => {
  let server: TestServer;
  const running: Running[] = [];
  before(async () => {
    assert.match(readFileSync(join(ROOT, 'mediamtx.yml'), 'utf8'), /^readBufferCount: 512$/m, 'the shipped readBufferCount is the one of the issue');
    server = await startDefaultServer();
  });
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
  });

  for (const ingest of ['rtsp', 'rtmp'] as const) {
    it(`${ingest.toUpperCase()} publish → RTMP read: FFmpeg decodes the burst and then live media continuously, nothing is discarded`, async (t) => {
      const path = `burst${ingest}`;
      const pub = publishX264Defaults(ingest === 'rtsp' ? server.url(path) : server.rtmpUrl(path), ingest, 45);
      running.push(pub);
      let pubOut = '';
      pub.child.stdout!.on('data', (d: Buffer) => { pubOut += d.toString(); });
      await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 20_000);
      await waitFor(() => publishedSeconds(pubOut) >= JOIN_AFTER_S || pub.child.exitCode !== null, {
        timeoutMs: 30_000, what: `${JOIN_AFTER_S} s of published media`, detail: () => `published ${publishedSeconds(pubOut)} s`,
      });
      assert.equal(pub.child.exitCode, null, `the publisher ended early\n${tail(server.logs())}`);
      const closedBefore = (server.logs().match(/\[RTMP\] \[conn [^\]]+\] closed/g) ?? []).length;
      const logFrom = server.logs().length;

      const t0 = Date.now();
      const r = await run('ffmpeg', ['-nostdin', '-loglevel', 'warning', '-i', server.rtmpUrl(path), '-t', String(READ_S),
        '-map', '0:v:0', '-map', '0:a:0', '-fps_mode', 'passthrough', '-f', 'framecrc', '-'], { timeoutMs: 40_000 });
      const wallS = (Date.now() - t0) / 1000;
      await waitFor(() => (server.logs().match(/\[RTMP\] \[conn [^\]]+\] closed/g) ?? []).length > closedBefore, {
        timeoutMs: 10_000, what: 'the server to close the reader', detail: () => tail(server.logs()),
      });

      const readerLog = server.logs().slice(logFrom);
      const seen = `${describeRun('ffmpeg reader', r)}\n--- server log since the reader joined ---\n${tail(readerLog, 1500)}`;
      assert.equal(r.code, 0, seen);
      assert.doesNotMatch(readerLog, /discarding/, seen);
      const video = framePts(r.stdout, 0);
      const audio = framePts(r.stdout, 1);
      const vSpan = video.length > 0 ? video[video.length - 1]! - video[0]! : 0;
      const aSpan = audio.length > 0 ? audio[audio.length - 1]! - audio[0]! : 0;
      const counts = `${video.length} video frames over ${vSpan.toFixed(2)} s, ${audio.length} audio frames over ${aSpan.toFixed(2)} s, in ${wallS.toFixed(1)} s`;
      t.diagnostic(counts);
      // FFmpeg did not end early: it decoded the whole READ_S at 25 fps and 48000/1024 audio frames per second.
      assert.ok(vSpan >= READ_S - 1 && video.length >= (READ_S - 1) * 25, `${counts}\n${seen}`);
      assert.ok(aSpan >= READ_S - 1 && audio.length >= (READ_S - 1) * 46, `${counts}\n${seen}`);
      // Continuously: no hole in either track (a dropped frame or a jump shows up as a gap).
      const vGap = largestGap(video);
      const aGap = largestGap(audio);
      assert.ok(vGap.gap <= 0.081, `video gap of ${vGap.gap.toFixed(3)} s at ${vGap.at.toFixed(2)} s (${counts})`);
      assert.ok(aGap.gap <= 0.065, `audio gap of ${aGap.gap.toFixed(3)} s at ${aGap.at.toFixed(2)} s (${counts})`);
      assert.doesNotMatch(r.stderr, /error while decoding|concealing|corrupt|non-existing PPS|co located POCs/i, seen);
      // The reader did join mid-GOP: it got seconds of media more than the time it took (the cached GOP, at once).
      assert.ok(vSpan - wallS >= JOIN_AFTER_S / 2, `the join burst carried ${(vSpan - wallS).toFixed(1)} s of cached media (${counts})`);
      await pub.stop();
    });
  }
});
