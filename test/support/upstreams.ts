import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FFMPEG_CODECS } from './media.ts';
import { run, start, tail, waitFor, type Running } from './process.ts';

const GST_SERVER = resolve(import.meta.dirname, 'gst-rtsp-server.py');

/** An upstream process the test can stop and start again. */
export interface Upstream {
  /** The URL a source reads it at. */
  readonly url: string;
  readonly proc: () => Running;
  output(): string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** True once something accepts TCP connections on host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = connect({ host, port });
    s.once('connect', () => { s.destroy(); r(true); });
    s.once('error', () => r(false));
  });
}

let vethCount = 0;

/**
 * GStreamer's RTSP server (test/support/gst-rtsp-server.py) serving rtsp://HOST:port/cam on `protocols`. With
 * `isolated`, it runs in a network namespace of its own joined to the test's by a veth pair (10.254.42.1 ↔ .2):
 * gst-rtsp-server binds the multicast group port without SO_REUSEADDR, so a receiver in its own namespace could not
 * bind it (docs/testing.md §Network namespace); across the veth, multicast flows as between two machines.
 */
export async function startGstRtspServer(o: { port: number; protocols: string; isolated?: boolean }): Promise<Upstream> {
  const host = o.isolated ? '10.254.42.1' : '127.0.0.1';
  let proc: Running | undefined;
  let out = '';
  const launch = async (): Promise<void> => {
    const py = ['/usr/bin/python3', GST_SERVER, '--address', host, '--port', String(o.port), '--protocols', o.protocols, '--max-seconds', '600'];
    const inner = 'while ! ip link show vb >/dev/null 2>&1; do sleep 0.02; done; ip link set lo up; ip addr add 10.254.42.1/30 dev vb; '
      + 'ip link set vb up; ip link set vb multicast on; ip route add 224.0.0.0/4 dev vb; exec "$@"';
    const p = o.isolated ? start('unshare', ['-n', '--', 'bash', '-c', inner, 'gst', ...py], { timeoutMs: 600_000 }) : start(py[0]!, py.slice(1), { timeoutMs: 600_000 });
    proc = p;
    p.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    p.child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    if (o.isolated) {
      const va = `va${process.pid % 1000}x${++vethCount}`;
      await waitFor(() => p.child.pid !== undefined, { timeoutMs: 5000, what: 'the namespace process' });
      const pid = String(p.child.pid);
      for (const args of [['link', 'add', va, 'type', 'veth', 'peer', 'name', 'vb', 'netns', pid], ['addr', 'add', '10.254.42.2/30', 'dev', va],
        ['link', 'set', va, 'up'], ['link', 'set', va, 'multicast', 'on']]) {
        const r = await run('ip', args, { timeoutMs: 5000 });
        if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
      }
    }
    await waitFor(() => /READY/.test(out) || p.child.exitCode !== null, { timeoutMs: 20_000, what: 'gst-rtsp-server to listen', detail: () => tail(out) });
    if (p.child.exitCode !== null) throw new Error(`gst-rtsp-server exited:\n${tail(out)}`);
    await waitFor(() => accepts(host, o.port), { timeoutMs: 5000, what: 'gst-rtsp-server to accept' });
  };
  await launch();
  return {
    url: `rtsp://${host}:${o.port}/cam`, proc: () => proc!, output: () => out,
    stop: async () => { await proc?.stop('SIGKILL'); },
    restart: launch,
  };
}

/**
 * FFmpeg as a one-shot RTMP server (`-listen 1`): it waits for one client at rtmp://127.0.0.1:port/live/x and then
 * plays it H264 + AAC test media in real time for `seconds`.
 */
export function ffmpegRtmpListener(port: number, seconds: number): Upstream & { readonly running: Running } {
  const url = `rtmp://127.0.0.1:${port}/live/x`;
  const args = ['-nostdin', '-loglevel', 'warning', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), ...FFMPEG_CODECS.h264, ...FFMPEG_CODECS.aac, '-f', 'flv', '-listen', '1', url];
  const running = start('ffmpeg', args, { timeoutMs: (seconds + 60) * 1000 });
  return { url, running, proc: () => running, output: () => running.output().stderr, stop: async () => { await running.stop(); }, restart: async () => { throw new Error('one-shot'); } };
}

/** nginx running a `stream { … }` block (the README's load balancer) with its files in a folder of its own. */
export interface Nginx { readonly dir: string; output(): string; errorLog(): string; stop(): Promise<void> }

/** Starts nginx in the foreground with `streamBlock` and waits until `ports` accept connections. */
export async function startNginx(streamBlock: string, ports: readonly number[]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'mtx-e2e-nginx-'));
  // What a distribution's nginx.conf holds around the block (Debian loads the stream module from modules-enabled).
  const conf = [
    'load_module /usr/lib/nginx/modules/ngx_stream_module.so;', 'daemon off;', 'master_process off;', 'worker_processes 1;', 'user root;',
    `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log info;`, 'events { worker_connections 1024; }', streamBlock,
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const proc = start('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { timeoutMs: 15 * 60_000 });
  const errorLog = (): string => { try { return readFileSync(join(dir, 'error.log'), 'utf8'); } catch { return ''; } };
  try {
    await waitFor(async () => proc.child.exitCode !== null || (await Promise.all(ports.map((p) => accepts('127.0.0.1', p)))).every(Boolean), {
      timeoutMs: 10_000, what: 'nginx to listen', detail: () => `${proc.output().stderr}\n${errorLog()}`,
    });
    if (proc.child.exitCode !== null) throw new Error(`nginx exited: ${proc.output().stderr}\n${errorLog()}`);
  } catch (err) {
    await proc.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir, output: () => proc.output().stderr, errorLog,
    stop: async () => { await proc.stop('SIGQUIT'); rmSync(dir, { recursive: true, force: true }); },
  };
}
