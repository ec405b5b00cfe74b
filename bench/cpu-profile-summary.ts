/**
 * Summary of a V8 CPU profile (`node --cpu-prof`, the `.cpuprofile` JSON of the Chrome DevTools protocol): self time
 * by function and by area (a package, a src/ folder, werift's bundled modules, Node internals, GC, idle).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fields of a `.cpuprofile` the summary reads (Chrome DevTools Protocol, Profiler.Profile). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples: number[];
  timeDeltas: number[];
}

// werift's ESM build is one bundle; esbuild marks each original module with a `// [../<package>/]src/<file>.ts` line.
function bundleModules(file: string): (line: number) => string {
  if (!existsSync(file)) return () => 'werift';
  const marks: [number, string][] = [];
  readFileSync(file, 'utf8').split('\n').forEach((l, i) => {
    // `// ../rtp/src/srtp/srtp.ts` (a werift package) or `// src/media/rtpSender.ts` (the webrtc package itself).
    const m = /^\/\/ (?:\.\.\/([\w-]+)\/)?src\/([\w/.-]+)\.ts$/.exec(l);
    if (m) marks.push([i, `werift ${m[1] ?? 'webrtc'}/${m[2]}`]);
  });
  return (line) => {
    let lo = 0;
    let hi = marks.length - 1;
    let best = 'werift';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid]![0] <= line) { best = marks[mid]![1]; lo = mid + 1; } else hi = mid - 1;
    }
    return best;
  };
}

/**
 * Text table: sampled time, the top functions by self time, and self time by area. `root`: the project folder;
 * `window`: only samples between these offsets (seconds from the profile's start) count.
 */
export function summarizeCpuProfile(p: CpuProfile, root: string, top = 20, window: [number, number] = [0, Infinity]): string {
  const self = new Map<number, number>();
  let at = 0;
  p.samples.forEach((id, i) => {
    at += p.timeDeltas[i] ?? 0;
    if (at >= window[0] * 1e6 && at <= window[1] * 1e6) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const weriftModule = bundleModules(join(root, 'node_modules', 'werift', 'lib', 'index.mjs'));
  const area = (url: string, line: number, name: string): string => {
    if (!url) return name.startsWith('(') ? name : '(native)';
    if (url.includes('/node_modules/werift/lib/index.mjs')) return weriftModule(line);
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (pkg) return pkg[1]!;
    if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:internal.*/, 'node internals');
    const src = /\/src\/([^/]+(?:\/[^/]+)?)\//.exec(url);
    return src ? `src/${src[1]}` : url.replace(/^file:\/\//, '');
  };
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const n of p.nodes) {
    const t = self.get(n.id) ?? 0;
    if (t === 0) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const a = area(url, lineNumber, functionName);
    const fn = `${functionName || '(anonymous)'}  [${a}${url && !url.includes('werift') ? `:${lineNumber + 1}` : ''}]`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + t);
    byArea.set(a, (byArea.get(a) ?? 0) + t);
  }
  const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
  const rows = (m: Map<string, number>, k: number): string[] => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, t]) => `  ${pct(t)}  ${name}`);
  const busy = total - (byArea.get('(idle)') ?? 0);
  return [`sampled ${(total / 1e6).toFixed(1)} s, of which busy ${(busy / 1e6).toFixed(1)} s (${pct(busy).trim()}); self time by area (% of all samples):`,
    ...rows(byArea, 18), `top ${top} functions by self time:`, ...rows(byFn, top)].join('\n');
}
