import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V8HeapProfile } from './v8-to-pprof.ts';

/** A CPU profile is already being taken (V8's profiler of this process serves one at a time here). */
export class ProfilerBusyError extends Error {
  override readonly name = 'ProfilerBusyError';
  constructor() { super('a CPU profile is already being taken'); }
}

/**
 * V8's profilers of this very process, through an in-process inspector session (no debugger port is opened): CPU
 * profiles on demand, and allocation sampling of the heap running for as long as the profiler is open, so a heap
 * profile can be taken at any time.
 */
export class InspectorProfiler {
  private readonly session = new Session();
  private readonly closing = new AbortController();
  private isCpuBusy = false;
  private heapSamplingBytes: number | undefined;

  constructor() { this.session.connect(); }

  /** Starts sampling allocations every `intervalBytes` on average (what heapProfile() reports). */
  async startHeapSampling(intervalBytes: number): Promise<void> {
    await this.session.post('HeapProfiler.enable');
    await this.session.post('HeapProfiler.startSampling', { samplingInterval: intervalBytes });
    this.heapSamplingBytes = intervalBytes;
  }

  /** True while a CPU profile is being taken (another one is refused). */
  get isBusy(): boolean { return this.isCpuBusy; }

  /** Average bytes between heap samples, when sampling. */
  get heapSamplingInterval(): number | undefined { return this.heapSamplingBytes; }

  /** The sampled allocations still alive now. */
  async heapProfile(): Promise<V8HeapProfile> {
    const { profile } = await this.session.post('HeapProfiler.getSamplingProfile');
    // V8 sends node ids and samples that Node's protocol typings leave out.
    return profile as unknown as V8HeapProfile;
  }

  /**
   * Samples the CPU every `intervalUs` for `durationMs`, or until `signal` aborts (the client went away) or the
   * profiler closes, and returns V8's profile of what ran.
   */
  async cpuProfile(durationMs: number, intervalUs: number, signal: AbortSignal): Promise<Profiler.Profile> {
    if (this.isCpuBusy) throw new ProfilerBusyError();
    this.isCpuBusy = true;
    try {
      await this.session.post('Profiler.enable');
      await this.session.post('Profiler.setSamplingInterval', { interval: intervalUs });
      await this.session.post('Profiler.start');
      // An abort ends the wait early; the profile of the time so far is still stopped and returned.
      await sleep(durationMs, undefined, { signal: AbortSignal.any([signal, this.closing.signal]) }).catch(() => undefined);
      const { profile } = await this.session.post('Profiler.stop');
      await this.session.post('Profiler.disable');
      return profile;
    } finally {
      this.isCpuBusy = false;
    }
  }

  /** Stops sampling and any CPU profile, and closes the session. */
  async close(): Promise<void> {
    this.closing.abort();
    if (this.heapSamplingBytes !== undefined) {
      this.heapSamplingBytes = undefined;
      await this.session.post('HeapProfiler.stopSampling');
    }
    this.session.disconnect();
  }
}
