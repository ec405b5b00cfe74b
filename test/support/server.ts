import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start, waitFor, type Running } from './process.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
// Each test process gets its own port block, so files running side by side never clash.
let nextPort = 20000 + (process.pid % 400) * 100;

/** Ports of one server instance. */
export interface ServerPorts { rtsp: number; rtsps: number; rtp: number; rtcp: number; multicastRtp: number; multicastRtcp: number }

/** A running server under test. */
export interface TestServer {
  readonly ports: ServerPorts;
  readonly dir: string;
  /** `rtsp://127.0.0.1:<port>/<path>` (or rtsps with `secure`), with optional `user:pass@`. */
  url(path: string, opts?: { secure?: boolean; user?: string; pass?: string }): string;
  logs(): string;
  waitForLog(re: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
}

/** Allocates free ports for a server. */
export function allocatePorts(): ServerPorts {
  const base = nextPort;
  nextPort += 10;
  return { rtsp: base, rtsps: base + 1, rtp: base + 2, rtcp: base + 3, multicastRtp: base + 4, multicastRtcp: base + 5 };
}

/** Listener keys pointing at `ports`, to prepend to a test config. */
export function listenerConf(p: ServerPorts): string {
  return [
    'rtmpDisable: yes', 'hlsDisable: yes', 'webrtcDisable: yes',
    `rtspAddress: 127.0.0.1:${p.rtsp}`, `rtspsAddress: 127.0.0.1:${p.rtsps}`,
    `rtpAddress: 127.0.0.1:${p.rtp}`, `rtcpAddress: 127.0.0.1:${p.rtcp}`,
    `multicastRTPPort: ${p.multicastRtp}`, `multicastRTCPPort: ${p.multicastRtcp}`,
  ].join('\n') + '\n';
}

/** Starts the server (`node --import tsx src/main.ts conf.yml`) on its own ports and waits for its listener. */
export async function startServer(yaml: string | ((dir: string) => string), env: NodeJS.ProcessEnv = {}): Promise<TestServer> {
  const ports = allocatePorts();
  const dir = mkdtempSync(join(tmpdir(), 'mtx-e2e-'));
  const confFile = join(dir, 'mediamtx.yml');
  writeFileSync(confFile, listenerConf(ports) + (typeof yaml === 'function' ? yaml(dir) : yaml));
  const proc: Running = start(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'main.ts'), confFile], {
    timeoutMs: 10 * 60_000, cwd: dir, env: { ...process.env, ...env },
  });
  let out = '';
  proc.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const server: TestServer = {
    ports, dir,
    url: (path, o = {}) => `${o.secure ? 'rtsps' : 'rtsp'}://${o.user !== undefined ? `${o.user}:${o.pass ?? ''}@` : ''}127.0.0.1:${o.secure ? ports.rtsps : ports.rtsp}/${path}`,
    logs: () => out,
    waitForLog: (re, timeoutMs = 10_000) => waitFor(() => re.test(out), { timeoutMs, what: `log ${re}` }),
    stop: async () => {
      const r = await proc.stop();
      rmSync(dir, { recursive: true, force: true });
      return r.code;
    },
  };
  try {
    await waitFor(() => /listener opened/.test(out) || proc.child.exitCode !== null, { timeoutMs: 15_000, what: 'the server to listen' });
  } catch (err) {
    await server.stop();
    throw err;
  }
  if (proc.child.exitCode !== null) throw new Error(`server exited at start:\n${out}`);
  return server;
}
