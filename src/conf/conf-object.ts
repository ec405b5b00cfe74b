import type { Conf, PathConf } from './conf-types.ts';
import { GLOBAL_KEYS, PATH_KEYS, type KeySpec } from './keys.ts';
import { parseSize } from './value-parsers.ts';

/** A configuration as plain data in the file's shape: durations and sizes as text (`10s`, `50M`), paths by name. */
export type ConfObject = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

/** `digits` decimal places of `u / 10^digits`, trailing zeros (and a bare point) left out. */
function decimal(u: number, digits: number): string {
  const scale = 10 ** digits;
  const whole = Math.floor(u / scale);
  const frac = digits === 0 ? '' : String(u % scale).padStart(digits, '0').replace(/0+$/, '');
  return frac === '' ? String(whole) : `${whole}.${frac}`;
}

/**
 * Milliseconds as Go's `time.Duration.String()` writes them, which is what MediaMTX's API returns: `10s`, `200ms`,
 * `1m0s`, `1h30m0s`, `1.5µs`. Exact to the nanosecond, and read back by the duration parser.
 */
export function formatGoDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const u = Math.abs(ns);
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${decimal(u, 3)}µs`;
  if (u < 1e9) return `${sign}${decimal(u, 6)}ms`;
  const minutes = Math.floor(u / 60e9);
  const seconds = `${decimal(u % 60e9, 9)}s`;
  if (minutes === 0) return sign + seconds;
  const hours = Math.floor(minutes / 60);
  return `${sign}${hours > 0 ? `${hours}h` : ''}${minutes % 60}m${seconds}`;
}

const SIZE_UNITS: readonly [string, number][] = [['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]];

/**
 * Bytes as MediaMTX's API writes sizes (bytefmt: one decimal at most, `50M`, `1.5K`, `100B`). When that text would not
 * give the same number back (`1500` would be `1.5K` = 1536), the exact `1500B` is written instead.
 */
export function formatByteSize(bytes: number): string {
  if (bytes === 0) return '0B';
  for (const [unit, size] of SIZE_UNITS) {
    if (bytes < size) continue;
    const text = `${(bytes / size).toFixed(1).replace(/\.0$/, '')}${unit}`;
    return parseSize(text) === bytes ? text : `${bytes}B`;
  }
  return `${bytes}B`;
}

/** One value in the form the file takes: durations and sizes as text, lists copied. */
function toFileForm(spec: KeySpec, v: unknown): unknown {
  switch (spec.kind.kind) {
    case 'duration': return formatGoDuration(v as number);
    case 'size': return formatByteSize(v as number);
    default: return Array.isArray(v) ? [...(v as unknown[])] : v;
  }
}

function section(specs: Record<string, KeySpec>, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(specs)) out[k] = toFileForm(spec, values[k]);
  return out;
}

/** A path configuration as plain data in the file's shape (every key, in MediaMTX's order; no name or regexp). */
export function pathConfToObject(p: PathConf): Record<string, unknown> {
  return section(PATH_KEYS, p as unknown as Record<string, unknown>);
}

/**
 * The whole configuration as plain data in the file's shape, every key in MediaMTX's order: what the API shows
 * (before masking) and what an API change is merged into before `confFromObject` validates the result.
 * `confFromObject(confToObject(c))` gives `c` back.
 */
export function confToObject(conf: Conf): ConfObject {
  const out = section(GLOBAL_KEYS, conf as unknown as Record<string, unknown>) as ConfObject;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, p] of Object.entries(conf.paths)) Object.defineProperty(paths, name, { value: pathConfToObject(p), enumerable: true, writable: true, configurable: true });
  out.paths = paths;
  return out;
}
