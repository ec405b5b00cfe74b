import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { start, type Running } from '../test/support/process.ts';

/** A test file of the HLS benchmarks: its picture size, bitrate and key frame interval. */
export interface HlsTestMedia { readonly size: string; readonly kbps: number; readonly gopS: number }

/** 720p30 at 4 Mbit/s, a key frame every 2 s: the delivery benchmark's stream (the load generator's test stream). */
export const DELIVERY_MEDIA: HlsTestMedia = { size: '1280x720', kbps: 4000, gopS: 2 };

/**
 * A test file, encoded once into `dir`: 30 fps H264 (no scene-cut key frames, no B-frames) and AAC 128 kbit/s, 20 s;
 * publishers loop it with -c copy, so publishing costs almost nothing.
 */
export function hlsTestFile(dir: string, m: HlsTestMedia = DELIVERY_MEDIA): string {
  const f = join(dir, `hls-bench-${m.size}-${m.kbps}k-g${m.gopS}.mkv`);
  if (!existsSync(f)) {
    const gop = String(30 * m.gopS);
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${m.size}:rate=30`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', '20', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', `${m.kbps}k`, '-maxrate', `${m.kbps}k`, '-bufsize', `${2 * m.kbps}k`, '-g', gop, '-keyint_min', gop,
      '-sc_threshold', '0', '-bf', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-y', f], { stdio: 'inherit', timeout: 300_000 });
  }
  return f;
}

/** Publishes the test file in a loop over RTSP/TCP to `url`, in real time. */
export function publishLoop(file: string, url: string, seconds = 900): Running {
  return start('ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', file, '-t', String(seconds), '-c', 'copy', '-f', 'rtsp', '-rtsp_transport', 'tcp', url],
    { timeoutMs: (seconds + 30) * 1000 });
}

/** p-th percentile (0…100) of numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** `--name value` from argv, or `def`. */
export function argOf(name: string, def: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] ?? def : def;
}
