import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start, tail, waitFor } from './process.ts';
import type { ServerPorts, TestServer } from './server.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The listeners of the shipped mediamtx.yml (MediaMTX's defaults). */
export const DEFAULT_PORTS: ServerPorts = { rtsp: 8554, rtsps: 8322, rtp: 8000, rtcp: 8001, multicastRtp: 8002, multicastRtcp: 8003, rtmp: 1935, rtmps: 1936, hls: 8888 };

/**
 * Starts the server on the repository's own mediamtx.yml, unchanged, as a user runs it (`MTX_*` variables may add
 * paths or credentials). Its listeners use the default ports on every interface, so this is only for the e2e suite's
 * private network namespace (scripts/e2e.sh), where nothing else holds them; one such server at a time per test file.
 */
export async function startDefaultServer(env: NodeJS.ProcessEnv = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mtx-e2e-default-'));
  const proc = start(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'main.ts'), join(ROOT, 'mediamtx.yml')], {
    timeoutMs: 10 * 60_000, cwd: dir, env: { ...process.env, ...env },
  });
  let out = '';
  proc.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const p = DEFAULT_PORTS;
  const server: TestServer = {
    ports: p, dir,
    url: (path, o = {}) => `${o.secure ? 'rtsps' : 'rtsp'}://${o.user !== undefined ? `${o.user}:${o.pass ?? ''}@` : ''}127.0.0.1:${o.secure ? p.rtsps : p.rtsp}/${path}`,
    rtmpUrl: (path, o = {}) => `${o.secure ? 'rtmps' : 'rtmp'}://127.0.0.1:${o.secure ? p.rtmps : p.rtmp}/${path}${o.query !== undefined ? `?${o.query}` : ''}`,
    logs: () => out,
    waitForLog: (re, timeoutMs = 10_000) => waitFor(() => re.test(out), { timeoutMs, what: `log ${re}`, detail: () => tail(out) }),
    stop: async () => {
      const r = await proc.stop();
      rmSync(dir, { recursive: true, force: true });
      return r.code;
    },
  };
  try {
    // Both listeners: RTSP opens first, RTMP last.
    await waitFor(() => /\[RTMP\] listener opened/.test(out) || proc.child.exitCode !== null, { timeoutMs: 15_000, what: 'the server to listen', detail: () => tail(out) });
  } catch (err) {
    await server.stop();
    throw err;
  }
  if (proc.child.exitCode !== null) throw new Error(`server exited at start:\n${out}`);
  return server;
}
