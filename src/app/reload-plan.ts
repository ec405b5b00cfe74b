import type { Conf } from '../conf/index.ts';

/** What a reload does to one component. */
export type ReloadAction = 'keep' | 'update' | 'restart' | 'start' | 'stop';

/** The pure part of a component's spec: what it depends on and which settings it reads. */
export interface PlanSpec<Id extends string, S = unknown> {
  readonly id: Id;
  /** Components whose restart restarts this one; each must come earlier in the table. */
  readonly deps: readonly Id[];
  /** The only part of the configuration the component reads; undefined when it is disabled. */
  settings(conf: Conf): S | undefined;
  /** True when a running component can take `next` without restarting (pure: decides, does not apply). */
  canUpdate?(next: S, prev: S): boolean;
}

/** Deep equality of plain configuration values (objects, arrays, primitives; RegExps by source and flags). */
export function sameSettings(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof RegExp || b instanceof RegExp) {
    return a instanceof RegExp && b instanceof RegExp && a.source === b.source && a.flags === b.flags;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameSettings(ra[k], rb[k]));
}

/**
 * Decides, for each component in table order, what a change from `prev` to `next` does to it: a component whose
 * settings are unchanged and whose dependencies are kept is kept; one that can take the change live is updated;
 * otherwise it restarts, and so do the components that depend on it. Enabling starts it, disabling stops it.
 */
export function planReload<Id extends string>(specs: readonly PlanSpec<Id>[], prev: Conf, next: Conf): Map<Id, ReloadAction> {
  const plan = new Map<Id, ReloadAction>();
  for (const spec of specs) {
    const p = spec.settings(prev);
    const n = spec.settings(next);
    let action: ReloadAction;
    if (p === undefined) action = n === undefined ? 'keep' : 'start';
    else if (n === undefined) action = 'stop';
    else if (spec.deps.some((d) => isRebuilt(plan.get(d)))) action = 'restart';
    else if (sameSettings(p, n)) action = 'keep';
    else action = spec.canUpdate?.(n, p) ? 'update' : 'restart';
    plan.set(spec.id, action);
  }
  return plan;
}

/** True when the component's instance is replaced (so whoever holds it must be rebuilt too). */
function isRebuilt(a: ReloadAction | undefined): boolean {
  if (a === undefined) throw new Error('a dependency must come earlier in the component table');
  return a === 'restart' || a === 'start' || a === 'stop';
}
