import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start, tail, waitFor, type Running } from './process.ts';
import { expectedListeners, listenerConf, type ServerPorts } from './server.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** A server instance started from a whole configuration file, which can be killed and started again on it. */
export interface Instance {
  readonly name: string;
  readonly file: string;
  /** Everything it logged, over all its runs. */
  logs(): string;
  /** Waits until the log matches `re` (over all runs); on timeout the error shows the log's tail. */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<void>;
  /** How many times `re` matches the log. */
  count(re: RegExp): number;
  /** Stops the current run (SIGINT, or `signal`). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same file (after stop), and waits for its listeners. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/** The log of an instance under a heading, for assertion messages. */
export function instanceTail(i: Pick<Instance, 'name' | 'logs'>, chars = 1500): string {
  return `--- ${i.name} log (tail) ---\n${tail(i.logs(), chars)}`;
}

/**
 * Starts `node src/main.ts <file>` on `yaml` exactly as given (the README's configurations are run unchanged), or,
 * with `ports`, on the test listeners of those ports followed by `yaml`. Resolves once its listeners are open.
 */
export async function startInstance(name: string, yaml: string, o: { ports?: ServerPorts } = {}): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), `mtx-e2e-${name}-`));
  const file = join(dir, 'mediamtx.yml');
  const text = o.ports ? listenerConf(o.ports) + yaml : yaml;
  writeFileSync(file, text);
  let out = '';
  let proc: Running | undefined;
  const launch = async (): Promise<void> => {
    const runStart = out.length;
    const p = start(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'main.ts'), file], { timeoutMs: 15 * 60_000, cwd: dir });
    proc = p;
    p.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    p.child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const listeners = expectedListeners(text).map((l) => new RegExp(`\\[${l}\\] listener opened`));
    await waitFor(() => listeners.every((re) => re.test(out.slice(runStart))) || p.child.exitCode !== null, {
      timeoutMs: 20_000, what: `${name} to listen`, detail: () => tail(out),
    });
    if (p.child.exitCode !== null) throw new Error(`${name} exited at start:\n${tail(out)}`);
  };
  const inst: Instance = {
    name, file,
    logs: () => out,
    waitForLog: (re, timeoutMs = 15_000) => waitFor(() => re.test(out), { timeoutMs, what: `${name} log ${re}`, detail: () => instanceTail(inst) }),
    count: (re) => (out.match(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)) ?? []).length,
    stop: async (signal = 'SIGINT') => { await proc?.stop(signal); },
    restart: launch,
    close: async () => { try { await proc?.stop(); } finally { rmSync(dir, { recursive: true, force: true }); } },
  };
  try {
    await launch();
  } catch (err) {
    await inst.close();
    throw err;
  }
  return inst;
}
