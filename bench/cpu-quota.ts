/**
 * Emulated cores for the fan-out benchmark (`--core-quota PCT`): each process of the server (the main process, then
 * each fan-out shard as it appears) gets its own CPU cgroup capped at PCT % of one CPU. Why: on a 2-core machine the
 * load generator needs one core, so "a stream reaches more readers than one core can send" cannot be shown with real
 * cores; with every server process capped at the same budget, it shows whether readers spread over processes get more
 * done than one process can within that budget. Needs root and the cgroup `cpu` controller (v1, or v2 with `cpu` on).
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// CFS period: the quota is PCT % of it.
const PERIOD_US = 100_000;

interface Hierarchy { readonly root: string; readonly isV2: boolean }

function findHierarchy(): Hierarchy | undefined {
  if (existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')) return { root: '/sys/fs/cgroup/cpu', isV2: false };
  const controllers = '/sys/fs/cgroup/cgroup.subtree_control';
  if (existsSync(controllers) && readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu')) return { root: '/sys/fs/cgroup', isV2: true };
  return undefined;
}

/** CPU cgroups capped at one budget, one per server process, removed by `close()`. */
export class CpuQuotaCores {
  private readonly groups = new Map<number, string>();
  private readonly hierarchy: Hierarchy;

  /** `percent` of one CPU per process; throws with what is missing when cgroups can't be made here. */
  constructor(private readonly percent: number, private readonly tag = `mtx-bench-${process.pid}`) {
    const h = findHierarchy();
    if (!h) throw new Error('--core-quota needs the cgroup cpu controller (/sys/fs/cgroup/cpu, or cgroup v2 with cpu enabled)');
    if (process.getuid?.() !== 0) throw new Error('--core-quota needs root (it writes CPU cgroups)');
    if (!(percent > 0 && percent <= 100)) throw new Error(`--core-quota must be within 1 … 100 (% of one CPU), got ${percent}`);
    this.hierarchy = h;
  }

  /** Puts `pid` (all its threads) into a cgroup of its own, once; returns the number of processes placed so far. */
  place(pid: number): number {
    if (this.groups.has(pid)) return this.groups.size;
    const dir = join(this.hierarchy.root, `${this.tag}-${this.groups.size}`);
    mkdirSync(dir, { recursive: true });
    const quota = Math.round((PERIOD_US * this.percent) / 100);
    if (this.hierarchy.isV2) writeFileSync(join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
    else {
      writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
    }
    writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    this.groups.set(pid, dir);
    return this.groups.size;
  }

  /** Removes the cgroups (their processes have exited, or move back to the root group first). */
  close(): void {
    for (const [pid, dir] of this.groups) {
      try { writeFileSync(join(this.hierarchy.root, 'cgroup.procs'), String(pid)); } catch { /* exited */ }
      try { rmdirSync(dir); } catch { /* still busy: left for the next run's tag to differ */ }
    }
    this.groups.clear();
  }
}
