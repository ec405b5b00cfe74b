import type { Logger } from '../lib/index.ts';
import type { Conf } from '../conf/index.ts';
import type { PathManager } from '../core/index.ts';
import type { RtspServer } from '../servers/rtsp/index.ts';
import type { RtmpServer } from '../servers/rtmp/index.ts';
import { COMPONENTS, type AnyComponentSpec, type ComponentId } from './components.ts';
import type { Components, Running } from './running.ts';
import { planReload, type ReloadAction } from './reload-plan.ts';
import type { AppOptions } from './observability-hosts.ts';

/** Something a component may be, as far as App is concerned. */
interface Closable { close?(): Promise<void> | void }

/**
 * Composition root: creates the components of the table from a frozen Conf, applies a new Conf by restarting only
 * what its changes concern (planReload), and closes them in reverse order.
 */
export class App {
  private readonly running: Running;
  private conf: Conf;
  private closing: Promise<void> | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private changing: Promise<void> = Promise.resolve();

  constructor(conf: Conf, private readonly log: Logger, private readonly specs: readonly AnyComponentSpec[] = COMPONENTS, opts: AppOptions = {}) {
    this.conf = conf;
    // The API reads and applies the configuration through this, never through App itself.
    const control = {
      conf: () => this.conf, applyConf: (next: Conf) => this.applyConf(next),
      exclusive: <T>(fn: () => Promise<T>) => this.exclusiveConfChange(fn), confFile: opts.confFile, env: opts.env ?? process.env,
    };
    this.running = { logger: log, control };
  }

  /** A running component by id (tests read the API, metrics and pprof ports through it). */
  component<K extends ComponentId>(id: K): Components[K] | undefined {
    const components: Partial<Components> = this.running;
    return components[id];
  }

  /** The path manager, once started (read by tests and, later, the API). */
  get pathManager(): PathManager | undefined { return this.running.pathManager; }
  /** The plain RTSP server, when running. */
  get rtsp(): RtspServer | undefined { return this.running.rtspServer; }
  /** The RTSPS server, when running. */
  get rtsps(): RtspServer | undefined { return this.running.rtspsServer; }
  /** The plain RTMP server, when running. */
  get rtmp(): RtmpServer | undefined { return this.running.rtmpServer; }
  /** The configuration in force. */
  get currentConf(): Conf { return this.conf; }

  /** Starts every enabled component; on failure closes what was started and rethrows. */
  async start(): Promise<void> {
    try {
      for (const spec of this.specs) await this.create(spec, this.conf);
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /**
   * Applies a new configuration: components whose settings are unchanged keep running with their clients, those
   * that can take the change live are updated, the others restart (dependents too). Reloads run one at a time.
   * Returns what was done per component.
   */
  applyConf(next: Conf): Promise<Map<ComponentId, ReloadAction>> {
    const run = this.reloading.then(() => this.reloadOrRollBack(next));
    this.reloading = run.then(() => undefined, () => undefined);
    return run;
  }

  /**
   * Runs one configuration change as a whole (an API change with its write to the file, or a reload of the file) after
   * the ones before it. A reload then reads the file only once an API change in flight has been written, never the
   * copy from before it, which would undo the change (and restart what it stopped) until the next reload.
   */
  exclusiveConfChange<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.changing.then(fn);
    this.changing = run.then(() => undefined, () => undefined);
    return run;
  }

  /** Closes every component in reverse start order; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.reloading;
      for (const spec of [...this.specs].reverse()) await this.destroy(spec);
    })();
    return this.closing;
  }

  /**
   * A reload that fails half-way (a restarted listener's new port is taken) goes back to the configuration in force,
   * so the server keeps serving what it served (docs/limits.md §Reload); the error is then reported to the caller.
   */
  private async reloadOrRollBack(next: Conf): Promise<Map<ComponentId, ReloadAction>> {
    const prev = this.conf;
    try {
      return await this.reload(next);
    } catch (err) {
      if (this.closing || prev === next) throw err;
      this.log.error(`configuration not applied, going back to the previous one: ${(err as Error).message}`);
      await this.reload(prev).catch((e: unknown) => this.log.error(`going back to the previous configuration failed: ${(e as Error).message}`));
      throw err;
    }
  }

  private async reload(next: Conf): Promise<Map<ComponentId, ReloadAction>> {
    if (this.closing) throw new Error('the server is shutting down');
    const prev = this.conf;
    const plan = planReload(this.specs, prev, next);
    // Tear down in reverse order, so that nothing is closed while a dependent still uses it.
    for (const spec of [...this.specs].reverse()) {
      const a = plan.get(spec.id as ComponentId);
      if (a === 'restart' || a === 'stop') await this.destroy(spec);
    }
    this.conf = next;
    for (const spec of this.specs) {
      const a = plan.get(spec.id as ComponentId);
      // A component missing although enabled (a failed reload before, whose rollback failed too) is created again,
      // also when the change would have been taken live: there is no instance to update.
      const missing = (a === 'keep' || a === 'update') && spec.settings(next) !== undefined && this.running[spec.id] === undefined;
      if (a === 'restart' || a === 'start' || missing) await this.create(spec, next);
      else if (a === 'update') await spec.update?.(this.running[spec.id as ComponentId], spec.settings(next), spec.settings(prev), this.running);
    }
    const changed = [...plan].filter(([, a]) => a !== 'keep').map(([id, a]) => `${id} ${a}`);
    this.log.info(changed.length === 0 ? 'configuration reloaded: nothing changed' : `configuration reloaded: ${changed.join(', ')}`);
    return plan as Map<ComponentId, ReloadAction>;
  }

  private async create(spec: AnyComponentSpec, conf: Conf): Promise<void> {
    const s = spec.settings(conf);
    if (s === undefined) return;
    const c = await spec.create(s, this.running);
    (this.running as Record<string, unknown>)[spec.id] = c;
  }

  private async destroy(spec: AnyComponentSpec): Promise<void> {
    const id = spec.id as ComponentId;
    const c = this.running[id] as Closable | undefined;
    if (!c || id === 'logger') return;
    delete this.running[id];
    try {
      await c.close?.();
    } catch (err) {
      this.log.error(`closing ${id}: ${(err as Error).message}`);
    }
  }
}

export type { Components };
