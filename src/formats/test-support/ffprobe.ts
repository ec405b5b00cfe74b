import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What ffprobe says about a file: its streams and packets, and anything it printed on stderr at level `error`. */
export interface FfprobeResult {
  readonly streams: readonly Record<string, unknown>[];
  readonly packets: readonly { stream_index: number; pts?: number; dts?: number; size: string; flags: string }[];
  readonly stderr: string;
}

const INSTALL = 'sudo apt-get install -y ffmpeg   (or run the test command as root: npm test installs it)';

/**
 * Runs `ffprobe -show_streams -show_packets` on bytes written to a temporary file with the given extension. A
 * missing ffprobe is a loud failure naming the install command, never a skip (docs/testing.md §Real clients).
 */
export function ffprobe(bytes: Uint8Array, extension: string): FfprobeResult {
  const dir = mkdtempSync(join(tmpdir(), 'mtx-ffprobe-'));
  try {
    const file = join(dir, `probe.${extension}`);
    writeFileSync(file, bytes);
    const r = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-show_packets', '-of', 'json', file], { encoding: 'utf8', timeout: 30_000 });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`ffprobe is not installed: ${INSTALL}`);
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`ffprobe exited with ${r.status}: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { streams?: FfprobeResult['streams']; packets?: FfprobeResult['packets'] };
    return { streams: out.streams ?? [], packets: out.packets ?? [], stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
