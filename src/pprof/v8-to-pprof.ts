import type { Profiler, Runtime } from 'node:inspector';
import { PprofProfile, type PprofFrame } from './pprof-profile.ts';

/** A V8 call frame as a pprof frame: `(anonymous)` for nameless functions, paths without `file://`, 1-based lines. */
function frameOf(cf: Runtime.CallFrame): PprofFrame {
  const file = cf.url.startsWith('file://') ? decodeURIComponent(cf.url.slice(7)) : cf.url;
  const startLine = cf.lineNumber + 1;
  return { name: cf.functionName === '' ? '(anonymous)' : cf.functionName, file, startLine, line: startLine };
}

/** Stacks (leaf first) of every node of a V8 call tree, the root left out. */
function stacksOf<N extends { id: number; callFrame: Runtime.CallFrame; children?: number[] | undefined }>(nodes: readonly N[], rootId: number): Map<number, PprofFrame[]> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const stacks = new Map<number, PprofFrame[]>([[rootId, []]]);
  // Walk from the root down, so each node's stack is its frame on top of its parent's (no recursion: trees can be deep).
  const todo = [rootId];
  while (todo.length > 0) {
    const id = todo.pop()!;
    const parent = stacks.get(id)!;
    for (const c of byId.get(id)?.children ?? []) {
      const child = byId.get(c);
      if (!child) continue;
      stacks.set(c, [frameOf(child.callFrame), ...parent]);
      todo.push(c);
    }
  }
  return stacks;
}

/** Options of cpuProfileToPprof. */
export interface CpuProfileOptions {
  /** Sampling interval the profile was taken with, in microseconds. */
  intervalUs: number;
  /** The program's name in the profile's mapping (the node binary). */
  program: string;
}

/**
 * A V8 CPU profile (`Profiler.stop`) as a pprof CPU profile, shaped like Go's: sample types `samples/count` and
 * `cpu/nanoseconds`, period `cpu/nanoseconds`. Each sample gets the time until the next one. Idle samples (the
 * `(idle)` frame: the main thread waiting for I/O) are left out, so the profile holds the time the thread was busy.
 */
export function cpuProfileToPprof(p: Profiler.Profile, opts: CpuProfileOptions): Uint8Array {
  const root = p.nodes[0]!;
  const stacks = stacksOf(p.nodes, root.id);
  const intervalNs = opts.intervalUs * 1000;
  const profile = new PprofProfile({
    sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }],
    periodType: { type: 'cpu', unit: 'nanoseconds' }, period: intervalNs, defaultSampleType: 1,
    // V8 times are microseconds on a monotonic clock; the wall-clock start is the end minus the duration.
    timeNanos: BigInt(Math.round(Date.now() - (p.endTime - p.startTime) / 1000)) * 1_000_000n, durationNanos: Math.round((p.endTime - p.startTime) * 1000),
    program: opts.program,
  });
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (const [i, nodeId] of samples.entries()) {
    const stack = stacks.get(nodeId);
    if (!stack || stack.length === 0 || stack[0]!.name === '(idle)') continue;
    const next = deltas[i + 1];
    profile.addSample(stack, [1, next !== undefined && next > 0 ? Math.round(next * 1000) : intervalNs]);
  }
  return profile.encode();
}

/** A node of V8's sampling heap profile (Node's typings lack `id`, which V8 sends). */
export interface V8HeapProfileNode {
  readonly id: number;
  readonly callFrame: Runtime.CallFrame;
  /** Bytes the sampled allocations made here stand for (V8's estimate). */
  readonly selfSize: number;
  readonly children: readonly V8HeapProfileNode[];
}

/** V8's sampling heap profile (`HeapProfiler.getSamplingProfile`), with the per-allocation samples V8 sends. */
export interface V8HeapProfile {
  readonly head: V8HeapProfileNode;
  readonly samples?: readonly { readonly size: number; readonly nodeId: number; readonly ordinal: number }[];
}

/** Options of heapProfileToPprof. */
export interface HeapProfileOptions {
  /** Average bytes between two samples the sampling heap profiler was started with. */
  samplingIntervalBytes: number;
  program: string;
}

/**
 * A V8 sampling heap profile (`HeapProfiler.getSamplingProfile`: objects allocated while sampling and still alive)
 * as a pprof heap profile: `inuse_objects/count` (sampled allocations) and `inuse_space/bytes` (V8's estimate of the
 * bytes they stand for), the latter shown by default as Go's heap profile does.
 */
export function heapProfileToPprof(p: V8HeapProfile, opts: HeapProfileOptions): Uint8Array {
  const nodes: V8HeapProfileNode[] = [];
  const todo = [p.head];
  while (todo.length > 0) {
    const n = todo.pop()!;
    nodes.push(n);
    todo.push(...n.children);
  }
  const stacks = stacksOf(nodes.map((n) => ({ ...n, children: n.children.map((c) => c.id) })), p.head.id);
  const counts = new Map<number, number>();
  for (const s of p.samples ?? []) counts.set(s.nodeId, (counts.get(s.nodeId) ?? 0) + 1);
  const profile = new PprofProfile({
    sampleTypes: [{ type: 'inuse_objects', unit: 'count' }, { type: 'inuse_space', unit: 'bytes' }],
    periodType: { type: 'space', unit: 'bytes' }, period: opts.samplingIntervalBytes, defaultSampleType: 1,
    timeNanos: BigInt(Date.now()) * 1_000_000n, durationNanos: 0, program: opts.program,
  });
  for (const n of nodes) {
    const stack = stacks.get(n.id);
    if (n.selfSize <= 0 || !stack || stack.length === 0) continue;
    profile.addSample(stack, [counts.get(n.id) ?? 0, n.selfSize]);
  }
  return profile.encode();
}
