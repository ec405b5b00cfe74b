import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { getHeapSnapshot } from 'node:v8';
import { gzipSync } from 'node:zlib';
import { isLoopbackAddress, openHttpListener, type HttpListener, type HttpAuthGuard, type Logger, withAuthGuard } from '../lib/index.ts';
import { InspectorProfiler, ProfilerBusyError } from './inspector-profiler.ts';
import { cpuProfileToPprof, heapProfileToPprof } from './v8-to-pprof.ts';

/** Options of the profiler server. */
export interface PprofServerOptions {
  /** `pprofAddress`. */
  address: string;
  /** `readTimeout`: time a client has to send a whole request. */
  readTimeoutMs: number;
  log: Logger;
  /** MediaMTX v1.x permission check run before every request (absent: none, as v0.22.2). */
  authGuard?: HttpAuthGuard | undefined;
}

// Go's net/http/pprof: 30 s when `seconds` is missing or invalid.
const DEFAULT_SECONDS = 30;
const MAX_SECONDS = 300;
// 1 kHz: V8's default; Go samples at 100 Hz, but JavaScript functions are short.
const CPU_INTERVAL_US = 1000;
// V8's default for allocation sampling: cheap enough to leave on while the profiler is enabled.
const HEAP_INTERVAL_BYTES = 512 * 1024;

const INDEX = `<html><head><title>/debug/pprof/</title></head><body>
<p>/debug/pprof/ (mediamtx-ts: V8's profilers in Go's pprof format)</p>
<ul>
<li><a href="profile?seconds=30">profile</a>: CPU profile, pprof format (<code>go tool pprof</code>, speedscope)</li>
<li><a href="heap">heap</a>: live allocations (sampled), pprof format</li>
<li><a href="profile.cpuprofile?seconds=30">profile.cpuprofile</a>: CPU profile for Chrome DevTools (Performance)</li>
<li><a href="heap.heapprofile">heap.heapprofile</a>: live allocations for Chrome DevTools (Memory, allocation sampling)</li>
<li><a href="heap.heapsnapshot">heap.heapsnapshot</a>: full heap snapshot for Chrome DevTools (Memory); pauses the server while taken</li>
</ul></body></html>
`;

/** `?seconds=` as Go reads it (missing or invalid: 30), or undefined when over the limit. */
function secondsOf(url: URL): number | undefined {
  const n = Number.parseInt(url.searchParams.get('seconds') ?? '', 10);
  const s = Number.isFinite(n) && n > 0 ? n : DEFAULT_SECONDS;
  return s > MAX_SECONDS ? undefined : s;
}

function attachment(res: ServerResponse, type: string, filename: string, body: Uint8Array | string): void {
  res.writeHead(200, {
    'Content-Type': type, 'Content-Disposition': `attachment; filename="${filename}"`, 'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  }).end(body);
}

/**
 * The profiler (`pprof: yes`): Go's `/debug/pprof/profile?seconds=N` and `/debug/pprof/heap` in pprof's protobuf
 * format (gzip), as MediaMTX serves them, from V8's profilers of this process; and the same data in V8's own formats
 * for Chrome DevTools (`.cpuprofile`, `.heapprofile`, `.heapsnapshot`).
 */
export class PprofServer {
  private listener: HttpListener | undefined;
  private readonly profiler = new InspectorProfiler();

  private constructor(private readonly log: Logger) {}

  /** Opens the listener and starts heap sampling. */
  static async listen(opts: PprofServerOptions): Promise<PprofServer> {
    const log = opts.log.child('[pprof]');
    const server = new PprofServer(log);
    try {
      await server.profiler.startHeapSampling(HEAP_INTERVAL_BYTES);
      server.listener = await openHttpListener({
        address: opts.address, readTimeoutMs: opts.readTimeoutMs,
        handler: withAuthGuard(opts.authGuard, (req, res) => server.handle(req, res)),
        onError: (err) => log.error(err.message),
      });
    } catch (err) {
      await server.profiler.close();
      throw err;
    }
    log.info(`listener opened on ${opts.address}`);
    // No authentication (as MediaMTX v0.22): say so when it is reachable from other hosts.
    if (!opts.authGuard && !isLoopbackAddress(opts.address)) log.warn(`${opts.address} is not a loopback address and this listener has no authentication: anyone who reaches it can take heap snapshots, which hold every password in memory`);
    return server;
  }

  /** Port the listener is bound to. */
  get port(): number { return this.listener?.port ?? 0; }

  /** Stops any profile being taken and heap sampling, and closes the listener. */
  async close(): Promise<void> {
    this.log.info('listener is closing');
    await this.profiler.close();
    await this.listener?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET') { res.writeHead(405, { Allow: 'GET' }).end(); return; }
    switch (url.pathname.replace(/\/$/, '')) {
      case '/debug/pprof': res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(INDEX); return;
      case '/debug/pprof/profile': return this.cpu(url, res, 'pprof');
      case '/debug/pprof/profile.cpuprofile': return this.cpu(url, res, 'cpuprofile');
      case '/debug/pprof/heap': {
        const program = process.execPath;
        const data = heapProfileToPprof(await this.profiler.heapProfile(), { samplingIntervalBytes: HEAP_INTERVAL_BYTES, program });
        attachment(res, 'application/octet-stream', 'heap', gzipSync(data));
        return;
      }
      case '/debug/pprof/heap.heapprofile':
        attachment(res, 'application/json', 'heap.heapprofile', JSON.stringify(await this.profiler.heapProfile()));
        return;
      case '/debug/pprof/heap.heapsnapshot':
        this.log.info('taking a heap snapshot (the server pauses while it is taken)');
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Disposition': 'attachment; filename="heap.heapsnapshot"' });
        await pipeline(getHeapSnapshot(), res);
        return;
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found');
    }
  }

  private async cpu(url: URL, res: ServerResponse, format: 'pprof' | 'cpuprofile'): Promise<void> {
    const seconds = secondsOf(url);
    if (seconds === undefined) { res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`profile duration exceeds ${MAX_SECONDS} seconds`); return; }
    // A client that goes away ends the profile early.
    const gone = new AbortController();
    res.once('close', () => { if (!res.writableFinished) gone.abort(); });
    let profile;
    try {
      // Said when it starts (a second request meanwhile gets 409): profiling slows the server a little.
      if (!this.profiler.isBusy) this.log.info(`taking a CPU profile of ${seconds} s`);
      profile = await this.profiler.cpuProfile(seconds * 1000, CPU_INTERVAL_US, gone.signal);
    } catch (err) {
      if (!(err instanceof ProfilerBusyError)) throw err;
      res.writeHead(409, { 'Content-Type': 'text/plain' }).end(err.message);
      return;
    }
    if (gone.signal.aborted) return;
    if (format === 'cpuprofile') { attachment(res, 'application/json', 'profile.cpuprofile', JSON.stringify(profile)); return; }
    attachment(res, 'application/octet-stream', 'profile', gzipSync(cpuProfileToPprof(profile, { intervalUs: CPU_INTERVAL_US, program: process.execPath })));
  }
}
