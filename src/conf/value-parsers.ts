import { z } from 'zod/v3';
import { parseListenAddress } from '../lib/index.ts';

/** Kinds of configuration values. */
export type ValueKind =
  | { kind: 'string' } | { kind: 'bool' } | { kind: 'int'; min?: number; max?: number } | { kind: 'float' }
  | { kind: 'duration' } | { kind: 'size' } | { kind: 'stringList' }
  | { kind: 'enum'; values: readonly string[]; boolMap?: { false: string; true: string } }
  | { kind: 'enumList'; values: readonly string[] }
  /** A listen address `[host]:port`; `optional` ones may be '' (feature off). */
  | { kind: 'address'; optional?: boolean }
  /** A structured value (MediaMTX v1.x lists of objects or numbers), checked by a schema; from the environment, a comma list. */
  | { kind: 'schema'; schema: z.ZodType; expected: string };

/** A value of the wrong shape; `expected` describes the right one without repeating the value (for credentials). */
export class ValueError extends Error {
  override readonly name = 'ValueError';
  constructor(readonly expected: string, got: unknown) {
    super(`expected ${expected}, got ${JSON.stringify(got)}`);
  }
}

// `d` is MediaMTX v1.x's addition to Go's syntax (`recordDeleteAfter: 1d`).
const UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Go `time.ParseDuration` syntax (`10s`, `1m30s`, `1.5h`, `200ms`, and v1.x's `1d`) → milliseconds. */
export function parseDuration(s: string): number {
  const t = s.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) { total += Number(m[1]) * UNITS_MS[m[2]!]!; pos = re.lastIndex; }
  if (pos !== t.length || t.length === 0) throw new Error(`invalid duration '${s}'`);
  return total;
}

/** Formats milliseconds back into Go duration syntax (for the shipped file and the API). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const SIZE_UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, KB: 1024, M: 1024 ** 2, MB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3, T: 1024 ** 4, TB: 1024 ** 4 };

/** bytefmt sizes (`50M`, `1G`, `512K`, binary multiples) → bytes. */
export function parseSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?B?)\s*$/i.exec(s);
  if (!m) throw new Error(`invalid size '${s}'`);
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!);
}

// Schemas are built once: building one costs far more than using it, and a 1,000-path file checks ~100,000 values.
const boolFromText = z.union([z.boolean(), z.enum(['yes', 'true', 'no', 'false']).transform((v) => v === 'yes' || v === 'true')]);
const intSchema = z.number().int();
const numberSchema = z.number();
const stringListSchema = z.array(z.union([z.string(), z.number().transform(String)]));

/** Validates one value of `kind` coming from YAML (typed) or the environment (text); throws Error with the reason. */
export function parseValue(kind: ValueKind, v: unknown, fromEnv: boolean): unknown {
  const fail = (what: string): never => { throw new ValueError(what, v); };
  switch (kind.kind) {
    case 'string':
      if (typeof v === 'string') return v;
      if (!fromEnv && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
      return fail('a string');
    case 'bool': {
      // yaml.v2 (MediaMTX v0.22) also read a lone y/Y/n/N as a boolean; YAML 1.2 keeps it as text.
      if (!fromEnv && typeof v === 'string' && /^[yYnN]$/.test(v)) return v === 'y' || v === 'Y';
      // MediaMTX lower-cases a variable before comparing it: `MTX_API=True` and `MTX_API=YES` are true.
      const r = boolFromText.safeParse(fromEnv && typeof v === 'string' ? v.toLowerCase() : v);
      return r.success ? r.data : fail('a boolean');
    }
    case 'int': case 'float': {
      const n = typeof v === 'string' && fromEnv && v.trim() !== '' ? Number(v) : v;
      const r = (kind.kind === 'int' ? intSchema : numberSchema).safeParse(n);
      if (!r.success) return fail(kind.kind === 'int' ? 'an integer' : 'a number');
      if (kind.kind === 'int' && ((kind.min !== undefined && r.data < kind.min) || (kind.max !== undefined && r.data > kind.max))) {
        throw new Error(`must be between ${kind.min ?? '-∞'} and ${kind.max ?? '∞'}`);
      }
      return r.data;
    }
    case 'duration':
      if (typeof v !== 'string') return fail('a duration like "10s"');
      return parseDuration(v);
    case 'size':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v !== 'string') return fail('a size like "50M"');
      return parseSize(v);
    case 'stringList': {
      if (fromEnv && typeof v === 'string') return v === '' ? [] : v.split(',');
      const r = stringListSchema.safeParse(v ?? []);
      return r.success ? r.data : fail('a list of strings');
    }
    case 'enum': {
      if (typeof v === 'boolean' && kind.boolMap) return v ? kind.boolMap.true : kind.boolMap.false;
      if (fromEnv && kind.boolMap && typeof v === 'string' && ['yes', 'true', 'no', 'false'].includes(v)) {
        return v === 'yes' || v === 'true' ? kind.boolMap.true : kind.boolMap.false;
      }
      if (typeof v === 'string' && kind.values.includes(v)) return v;
      return fail(`one of ${kind.values.join(', ')}`);
    }
    case 'address': {
      // Listeners are checked here, at load, so `rtspAddress: 8554` fails naming its key instead of at listen time.
      const example = `e.g. ':8554' or '127.0.0.1:8554'`;
      if (typeof v !== 'string') return fail(`an address [host]:port (${example})`);
      if (v === '' && kind.optional) return v;
      if (v === '') return fail(`an address [host]:port (${example})`);
      try {
        parseListenAddress(v);
      } catch (err) {
        throw new Error(`${(err as Error).message} (${example})`);
      }
      return v;
    }
    case 'enumList': {
      const list = fromEnv && typeof v === 'string' ? (v === '' ? [] : v.split(',')) : v;
      if (!Array.isArray(list)) return fail(`a list of ${kind.values.join(', ')}`);
      for (const x of list) if (typeof x !== 'string' || !kind.values.includes(x)) throw new Error(`invalid value ${JSON.stringify(x)}: allowed are ${kind.values.join(', ')}`);
      return list;
    }
    case 'schema': {
      // MediaMTX's environment gives number lists as `1,2`; an empty variable is an empty list.
      const input = fromEnv && typeof v === 'string' ? (v === '' ? [] : v.split(',').map((x) => (/^-?\d+(\.\d+)?$/.test(x) ? Number(x) : x))) : v;
      const r = kind.schema.safeParse(input ?? []);
      if (r.success) return r.data;
      const issue = r.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` (at ${issue.path.join('.')}: ${issue.message})` : '';
      throw new ValueError(`${kind.expected}${where}`, v);
    }
  }
}
