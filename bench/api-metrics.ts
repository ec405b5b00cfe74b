/**
 * `node --import tsx bench/api-metrics.ts [--paths 1000 --readers 500]`: cost of observing the server, in process.
 * 1. Latency of `GET /v1/paths/list` with N configured paths (each exists, with its configuration in the answer).
 * 2. CPU time of one metrics scrape with M RTSP readers attached to one publisher: around the page build alone
 *    (process.cpuUsage, while the stream flows), and over whole HTTP scrapes by curl (request, page, answer), with the
 *    publisher paused and the CPU of an idle window as long taken off; and so the CPU share of scraping every second.
 * Bounded in count and time; everything runs on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startApp } from '../test/support/app.ts';
import { httpGet } from '../test/support/http.ts';
import { rawPublish, rawRead, type RawRtspClient } from '../test/support/rtsp-raw-client.ts';
import { waitFor } from '../test/support/process.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : def; };
const PATHS = Math.min(5000, opt('paths', 1000));
const READERS = Math.min(1000, opt('readers', 500));

const sleep = (msec: number): Promise<void> => new Promise((r) => setTimeout(r, msec));
const cpuMs = (since: NodeJS.CpuUsage): number => { const c = process.cpuUsage(since); return (c.user + c.system) / 1000; };
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number): string => `${x.toFixed(2)} ms`;

async function pathsList(): Promise<void> {
  const yaml = `api: yes\npaths:\n${Array.from({ length: PATHS }, (_, i) => `  cam${i}:\n    readUser: u\n    readPass: p${i}\n`).join('')}`;
  const srv = await startApp(yaml);
  try {
    // Measured by curl, another process, so the client's own reading and parsing do not count (it shares no CPU
    // time with the server's event loop): 120 requests on one keep-alive connection.
    const url = `http://127.0.0.1:${srv.apiPort}/v1/paths/list`;
    const { stdout } = await promisify(execFile)('curl', ['-s', '-w', '%{time_total} %{size_download}\\n', ...Array.from({ length: 120 }, () => ['-o', '/dev/null', url]).flat()]);
    const rows = stdout.trim().split('\n').map((l) => l.split(' ').map(Number) as [number, number]);
    const times = rows.map(([t]) => t * 1000);
    const bytes = rows[0]![1];
    const steady = times.slice(20);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) await httpGet(srv.apiPort, '/v1/paths/list');
    const c = process.cpuUsage(c0);
    console.log(`GET /v1/paths/list, ${PATHS} paths (${(bytes / 1024).toFixed(0)} KiB): p50 ${ms(pct(steady, 0.5))}, p90 ${ms(pct(steady, 0.9))}, max ${ms(Math.max(...steady))} (first ${ms(times[0]!)})`);
    console.log(`  (in process, client included: ${ms((performance.now() - t0) / 20)} per request, CPU ${ms((c.user + c.system) / 1000 / 20)})`);
  } finally {
    await srv.close();
  }
}

async function metricsScrape(): Promise<void> {
  const srv = await startApp('metrics: yes\nreadBufferCount: 64\npaths:\n  cam:\n');
  const readers: RawRtspClient[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const pub = await rawPublish(srv.rtspPort, 'cam');
    let seq = 0;
    timer = setInterval(() => { for (let i = 0; i < 5; i++) pub.send(++seq); }, 20); // 250 packets/s
    for (let i = 0; i < READERS; i++) {
      const r = await rawRead(srv.rtspPort, 'cam');
      r.onFrame = () => undefined;
      readers.push(r);
    }
    await waitFor(() => srv.app.pathManager!.list()[0]!.readers.length === READERS, { timeoutMs: 30_000, what: `${READERS} readers` });
    const metrics = srv.app.component('metrics')!;
    const build: number[] = [];
    let lines = 0;
    for (let i = 0; i < 50; i++) {
      const c0 = process.cpuUsage();
      lines = metrics.page().split('\n').length - 1;
      const c = process.cpuUsage(c0);
      build.push((c.user + c.system) / 1000);
    }
    const url = `http://127.0.0.1:${srv.metricsPort}/metrics`;
    const curlScrapes = async (n: number): Promise<number[]> => {
      const { stdout } = await promisify(execFile)('curl', ['-s', '-w', '%{time_total}\\n', ...Array.from({ length: n }, () => ['-o', '/dev/null', url]).flat()]);
      return stdout.trim().split('\n').map((t) => Number(t) * 1000);
    };
    const scrape = await curlScrapes(20);
    // The whole HTTP scrape in the server's process: the stream is paused (the readers stay attached), so the process
    // does little else; the CPU of an idle window as long as the scrapes is taken off. Spawning curl is counted too.
    clearInterval(timer);
    timer = undefined;
    await sleep(500);
    const SCRAPES = 20;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await curlScrapes(SCRAPES);
    const [scrapesCpu, wallMs] = [cpuMs(c0), performance.now() - t0];
    const i0 = process.cpuUsage();
    await sleep(wallMs);
    const perScrape = Math.max(0, scrapesCpu - cpuMs(i0)) / SCRAPES;
    const steady = build.slice(10);
    console.log(`metrics page with ${READERS} RTSP readers (${lines} lines): CPU p50 ${ms(pct(steady, 0.5))}, max ${ms(Math.max(...steady))} per build`);
    console.log(`HTTP scrape seen by curl (while streaming to ${READERS} readers): p50 ${ms(pct(scrape, 0.5))}, max ${ms(Math.max(...scrape))}`);
    console.log(`whole HTTP scrape, server CPU: ${ms(perScrape)} per scrape (${SCRAPES} scrapes in ${ms(wallMs)}, idle CPU taken off)`);
    console.log(`scraping every 1 s: ${(pct(steady, 0.5) / 10).toFixed(3)} % of one core for the page, ${(perScrape / 10).toFixed(3)} % for the whole scrape`);
  } finally {
    clearInterval(timer);
    for (const r of readers) r.close();
    await srv.close();
  }
}

await pathsList();
await metricsScrape();
