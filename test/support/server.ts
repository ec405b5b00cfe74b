import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start, tail, waitFor, type Running } from './process.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
// Each test process gets its own port block, so files running side by side never clash.
// Blocks lie in 20000–59999; scripts/e2e.sh moves the namespace's ephemeral ports to 60000+ so clients never take them.
let nextPort = 20000 + (process.pid % 400) * 100;

/** Ports of one server instance. */
export interface ServerPorts { rtsp: number; rtsps: number; rtp: number; rtcp: number; multicastRtp: number; multicastRtcp: number; rtmp: number; rtmps: number; hls: number }

/** A running server under test. */
export interface TestServer {
  readonly ports: ServerPorts;
  readonly dir: string;
  /** `rtsp://127.0.0.1:<port>/<path>` (or rtsps with `secure`), with optional `user:pass@`. */
  url(path: string, opts?: { secure?: boolean; user?: string; pass?: string }): string;
  /** `rtmp://127.0.0.1:<port>/<path>` (or rtmps with `secure`), `query` appended after `?`. */
  rtmpUrl(path: string, opts?: { secure?: boolean; query?: string }): string;
  logs(): string;
  /** Waits until the log matches `re`; on timeout the error shows the log's tail. */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<void>;
  /** Stops the server (SIGINT by default, SIGKILL after `killAfterMs`), removes its folder; resolves with the exit code. */
  stop(signal?: NodeJS.Signals, opts?: { killAfterMs?: number }): Promise<number | null>;
}

/** The end of a server's log under a heading, for assertion messages. */
export function logTail(server: Pick<TestServer, 'logs'>, chars = 1500): string {
  return `--- server log (tail) ---\n${tail(server.logs(), chars)}`;
}

/** Allocates free ports for a server. */
export function allocatePorts(): ServerPorts {
  const base = nextPort;
  nextPort += 10;
  return { rtsp: base, rtsps: base + 1, rtp: base + 2, rtcp: base + 3, multicastRtp: base + 4, multicastRtcp: base + 5, rtmp: base + 6, rtmps: base + 7, hls: base + 8 };
}

/** Listener keys pointing at `ports`, to prepend to a test config; the HLS listener only with `hls`. */
export function listenerConf(p: ServerPorts, o: { hls?: boolean } = {}): string {
  return [
    `hlsDisable: ${o.hls ? 'no' : 'yes'}`, `hlsAddress: 127.0.0.1:${p.hls}`,
    'webrtcDisable: yes', `rtmpAddress: 127.0.0.1:${p.rtmp}`, `rtmpsAddress: 127.0.0.1:${p.rtmps}`,
    `rtspAddress: 127.0.0.1:${p.rtsp}`, `rtspsAddress: 127.0.0.1:${p.rtsps}`,
    `rtpAddress: 127.0.0.1:${p.rtp}`, `rtcpAddress: 127.0.0.1:${p.rtcp}`,
    `multicastRTPPort: ${p.multicastRtp}`, `multicastRTCPPort: ${p.multicastRtcp}`,
  ].join('\n') + '\n';
}

/**
 * The listeners ("[RTSP] listener opened", …) a configuration opens, from its top-level keys and MTX_/RTSP_
 * overrides. The server opens them one after the other (RTSP, RTSPS, RTMP, RTMPS), so the first line alone does not
 * mean that, say, the RTMP port listens yet.
 */
export function expectedListeners(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  const get = (key: string): string | undefined => {
    const v = env[`MTX_${key.toUpperCase()}`] ?? env[`RTSP_${key.toUpperCase()}`] ?? new RegExp(`^${key}:[ \\t]*(\\S*)`, 'm').exec(yaml)?.[1];
    return v?.replace(/^["']|["']$/g, '').toLowerCase();
  };
  const yes = (key: string): boolean => ['yes', 'true', 'on', 'y'].includes(get(key) ?? '');
  const rtsps = get('encryption') ?? 'no';
  const rtmps = get('rtmpEncryption') ?? 'no';
  const out: string[] = [];
  if (!yes('rtspDisable')) {
    if (rtsps !== 'strict') out.push('RTSP');
    if (rtsps === 'optional' || rtsps === 'strict') out.push('RTSPS');
  }
  if (!yes('rtmpDisable')) {
    if (rtmps !== 'strict') out.push('RTMP');
    if (rtmps === 'optional' || rtmps === 'strict') out.push('RTMPS');
  }
  return out;
}

/**
 * Starts the server (`node --import tsx src/main.ts conf.yml`) on its own ports and waits for all its listeners;
 * `hls` turns the HLS listener on (at `ports.hls`).
 */
export async function startServer(yaml: string | ((dir: string) => string), env: NodeJS.ProcessEnv = {}, o: { hls?: boolean } = {}): Promise<TestServer> {
  const ports = allocatePorts();
  const dir = mkdtempSync(join(tmpdir(), 'mtx-e2e-'));
  const confFile = join(dir, 'mediamtx.yml');
  let conf: string;
  try {
    conf = typeof yaml === 'function' ? yaml(dir) : yaml;
    writeFileSync(confFile, listenerConf(ports, o) + conf);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true }); // e.g. openssl failed making a certificate into it
    throw err;
  }
  const proc: Running = start(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'main.ts'), confFile], {
    timeoutMs: 10 * 60_000, cwd: dir, env: { ...process.env, ...env },
  });
  let out = '';
  proc.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const server: TestServer = {
    ports, dir,
    url: (path, o = {}) => `${o.secure ? 'rtsps' : 'rtsp'}://${o.user !== undefined ? `${o.user}:${o.pass ?? ''}@` : ''}127.0.0.1:${o.secure ? ports.rtsps : ports.rtsp}/${path}`,
    rtmpUrl: (path, o = {}) => `${o.secure ? 'rtmps' : 'rtmp'}://127.0.0.1:${o.secure ? ports.rtmps : ports.rtmp}/${path}${o.query !== undefined ? `?${o.query}` : ''}`,
    logs: () => out,
    waitForLog: (re, timeoutMs = 10_000) => waitFor(() => re.test(out), { timeoutMs, what: `log ${re}`, detail: () => logTail(server) }),
    stop: async (signal, o) => {
      try {
        return (await proc.stop(signal, o)).code;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    const names = [...expectedListeners(conf, env), ...(o.hls ? ['HLS'] : [])];
    const listeners = names.map((name) => new RegExp(`\\[${name}\\] listener opened`));
    if (listeners.length === 0) listeners.push(/listener opened/);
    await waitFor(() => listeners.every((re) => re.test(out)) || proc.child.exitCode !== null, {
      timeoutMs: 15_000, what: `the server to listen (${listeners.join(', ')})`, detail: () => logTail(server),
    });
    if (proc.child.exitCode !== null) throw new Error(`server exited at start:\n${out}`);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
