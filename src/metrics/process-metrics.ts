import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { PromText } from './prom-text.ts';

// Resolution of the event-loop delay sampler, in milliseconds (the timer that measures how late it fires).
const LOOP_RESOLUTION_MS = 10;

/** Counts of the active resources by type (`TCPServerWrap`, `TCPSocketWrap`, `UDPWrap`, `Timeout`, `ProcessWrap`…), sorted. */
function activeResources(): [string, number][] {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Our additions about the process, under the names the Prometheus client libraries use (`process_*`, `nodejs_*`,
 * none of which MediaMTX has): CPU seconds, resident memory, heap, start time, active resources by type, and
 * event-loop delay since the previous scrape (the delay a timer sees, which is what every socket callback waits too).
 */
export class ProcessMetrics {
  private readonly loop: IntervalHistogram;
  private readonly startTimeSeconds = Math.round((Date.now() - performance.now()) / 1000);

  constructor() {
    this.loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loop.enable();
  }

  /** Writes the families and starts a new event-loop delay window. */
  write(t: PromText): void {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    t.describe('process_cpu_user_seconds_total', 'counter', 'User CPU time spent by the process, in seconds.')
      .sample('process_cpu_user_seconds_total', undefined, cpu.user / 1e6);
    t.describe('process_cpu_system_seconds_total', 'counter', 'System CPU time spent by the process, in seconds.')
      .sample('process_cpu_system_seconds_total', undefined, cpu.system / 1e6);
    t.describe('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent by the process, in seconds.')
      .sample('process_cpu_seconds_total', undefined, (cpu.user + cpu.system) / 1e6);
    t.describe('process_resident_memory_bytes', 'gauge', 'Resident memory size, in bytes.')
      .sample('process_resident_memory_bytes', undefined, mem.rss);
    t.describe('process_start_time_seconds', 'gauge', 'Start time of the process since the Unix epoch, in seconds.')
      .sample('process_start_time_seconds', undefined, this.startTimeSeconds);
    t.describe('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.').sample('nodejs_heap_size_used_bytes', undefined, mem.heapUsed);
    t.describe('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap reserved, in bytes.').sample('nodejs_heap_size_total_bytes', undefined, mem.heapTotal);
    // Listeners, sockets, timers and child processes that keep the event loop alive: what a leak makes grow.
    t.describe('nodejs_active_resources', 'gauge', 'Resources that keep the event loop alive, by type (process.getActiveResourcesInfo()).');
    for (const [type, n] of activeResources()) t.sample('nodejs_active_resources', [['type', type]], n);
    // The histogram is in nanoseconds; with no sample yet (a scrape right after the previous one) it reads 0.
    const h = this.loop;
    const seconds = (ns: number): number => (h.count === 0 || !Number.isFinite(ns) ? 0 : ns / 1e9);
    const loopFamilies: [string, string, number][] = [
      ['nodejs_eventloop_delay_mean_seconds', 'Mean event-loop delay since the previous scrape, in seconds.', h.mean],
      ['nodejs_eventloop_delay_p50_seconds', 'Median event-loop delay since the previous scrape, in seconds.', h.percentile(50)],
      ['nodejs_eventloop_delay_p99_seconds', '99th percentile of the event-loop delay since the previous scrape, in seconds.', h.percentile(99)],
      ['nodejs_eventloop_delay_max_seconds', 'Largest event-loop delay since the previous scrape, in seconds.', h.max],
    ];
    for (const [name, help, ns] of loopFamilies) t.describe(name, 'gauge', help).sample(name, undefined, seconds(ns));
    h.reset();
  }

  /** Stops the event-loop sampler. */
  close(): void { this.loop.disable(); }
}
