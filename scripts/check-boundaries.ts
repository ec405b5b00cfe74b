/**
 * `npm run lint`: the dependency rules of src/, checked on every import form that import-scanner.ts reads, each
 * violation reported as `src/<file>:<line>: <message> [rule]`.
 *
 * Rules (ids in brackets):
 * - [package]     npm packages only in the folders PACKAGES allows, declared in package.json (runtime code: in
 *                 `dependencies`); Node built-ins anywhere.
 * - [layer]       a folder imports only the folders LAYERS allows; protocols/<p>, servers/<p> and sources/<p> never
 *                 import a sibling; servers/<p> and sources/<p> use only their own protocols/<p> (PROTOCOLS_OF).
 * - [contract]    servers, sources, api and metrics see core only through the names core/index.ts re-exports from
 *                 contracts.ts and errors.ts, and servers/sources see auth only through its request types and AuthError.
 * - [deep-import] an import into another folder goes through that folder's index.ts.
 * - [alias]       names imported from src/ are never renamed (`a as b`): exported names are unique.
 * - [cycle]       no import cycle between folders.
 * - [outside-src] relative imports stay in src/ (tests may also use test/support/); no absolute specifiers.
 * - [dynamic-import] `import()` takes a string literal, so the rules above can see it.
 * - [file-size]   at most 500 lines per file (tests and *-vectors.ts tables excepted).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative, resolve, sep } from 'node:path';
import { scanModule, type ModuleRef, type ModuleScan } from './import-scanner.ts';

/** A broken rule at one place. `file` is relative to src/, with `/` separators. */
export interface Violation { readonly file: string; readonly line: number; readonly rule: Rule; readonly message: string }

/** Identifier of a rule, as printed in brackets. */
export type Rule = 'package' | 'layer' | 'contract' | 'deep-import' | 'alias' | 'cycle' | 'outside-src' | 'dynamic-import' | 'file-size';

/** The fields of package.json the package rule reads. */
export interface PackageJson {
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** Where an npm package may be imported from: folders of src/ (`conf`, `servers/webrtc`) or `*`; `isTestOnly`: tests only. */
export interface PackageRule { readonly folders: readonly string[]; readonly isTestOnly?: boolean }

/**
 * The npm packages src/ may import (the dependency choices of the project), and where. Anything else is refused,
 * so adding a package is a deliberate edit here. Planned entries keep a future import in its place from the start.
 */
export const PACKAGES: Readonly<Record<string, PackageRule>> = {
  yaml: { folders: ['conf', 'api'] },                       // mediamtx.yml, read with YAML 1.1 rules; api: apiPersist edits it
  zod: { folders: ['conf', 'api'] },                        // configuration schema and defaults; api: the v0.22.2 OpenAPI shapes
  tweetnacl: { folders: ['conf'] },                         // MTX_CONFKEY: NaCl secretbox of the configuration
  '@node-rs/argon2': { folders: ['auth'] },                 // `argon2:` credentials, verified off the event loop
  werift: { folders: ['protocols/webrtc', 'servers/webrtc'] }, // planned: WebRTC (ICE, DTLS, SRTP) for WHEP/WHIP
  'fast-check': { folders: ['*'], isTestOnly: true },       // property tests
  mediabunny: { folders: ['*'], isTestOnly: true },         // planned: test oracle for fMP4 and MPEG-TS output
  mp4box: { folders: ['*'], isTestOnly: true },             // planned: test oracle for fMP4 output
  'hls-parser': { folders: ['*'], isTestOnly: true },       // test oracle for HLS playlists (protocols/hls)
  'parse-prometheus-text-format': { folders: ['*'], isTestOnly: true }, // independent parser of the /metrics page
  'pprof-format': { folders: ['*'], isTestOnly: true },     // independent decoder of the profiler's pprof output
};

/**
 * Which top folders each top folder of src/ may import besides itself: data flows one way, from lib up to app.
 * servers/<p> and sources/<p> get their own protocol, core's and auth's contracts, stream, hooks, conf and lib, and:
 * - formats: RTSP is RTP and SDP (formats/rtp, formats/sdp), and the descriptions a Stream carries are formats
 *   types. Not codecs: bitstream work belongs to protocols and stream.
 * main.ts gets app and conf, and lib (its logger, for errors before App exists), the leaf every layer may use.
 */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  lib: [],
  conf: ['lib'],
  codecs: ['lib'],
  formats: ['codecs', 'lib'],
  stream: ['formats', 'codecs', 'lib'],
  auth: ['conf', 'lib'],
  hooks: ['conf', 'lib'],
  core: ['stream', 'formats', 'auth', 'hooks', 'conf', 'lib'], // never protocols/servers/sources: factories are injected
  protocols: ['stream', 'formats', 'codecs', 'lib'],
  fanout: ['lib'],                                          // fan-out shard processes: move bytes to sockets, know no protocol
  servers: ['fanout', 'protocols', 'core', 'stream', 'formats', 'auth', 'hooks', 'conf', 'lib'],
  sources: ['protocols', 'core', 'stream', 'formats', 'auth', 'hooks', 'conf', 'lib'],
  api: ['core', 'conf', 'lib'],
  metrics: ['core', 'conf', 'lib'],
  pprof: ['lib'],                                           // V8's profilers in pprof's format: knows no part of the server
  app: ['*'],
  'main.ts': ['app', 'conf', 'lib'],
};

/** protocols/<p> folders a server or source may use when not just its own name (TS-based HLS, UDP MPEG-TS). */
export const PROTOCOLS_OF: Readonly<Record<string, readonly string[]>> = {
  'servers/hls': ['hls', 'mpegts'],
  'sources/hls': ['hls', 'mpegts'],
  'sources/udp-mpegts': ['mpegts'],
};

/** The modules whose exports form a folder's contract, for the folders that may only see that contract. */
export const CONTRACTS: Readonly<Record<string, readonly string[]>> = {
  core: ['core/contracts.ts', 'core/errors.ts'],
  auth: ['auth/access-request.ts', 'auth/auth-error.ts', 'auth/http-credentials.ts'],
};

/** Folders held to CONTRACTS, and the folders whose contract (not whole index) they get. */
export const CONTRACT_USERS: Readonly<Record<string, readonly string[]>> = {
  servers: ['core', 'auth'], sources: ['core', 'auth'], api: ['core'], metrics: ['core'],
};

const MAX_LINES = 500;
// Top folders split into one folder per protocol; their files directly inside are shared by those folders.
const SPLIT = new Set(['protocols', 'servers', 'sources']);
const BUILTINS = new Set(builtinModules);

const top = (file: string): string => file.split('/')[0]!;
const isTest = (file: string): boolean => file.endsWith('.test.ts') || /(^|\/)(test-support|fixtures)\//.test(file);

/** The folder a src/ file belongs to for these rules: `core`, `servers/rtsp`, `servers` (shared files), `main.ts`. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return SPLIT.has(parts[0]!) && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

// Node of the folder graph: a shared file of a split folder is its own node, so servers/x.ts → servers/rtsp →
// servers/y.ts is no cycle while servers/x.ts → servers/rtsp → servers/x.ts is one.
const nodeOf = (file: string): string => (SPLIT.has(top(file)) && file.split('/').length === 2 ? file : folderOf(file));

/** The src/ path a relative specifier names (`.js` as written for `.ts` files), or a path starting with `../`. */
function resolveSpecifier(from: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.js$/, '.ts');
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function packageError(file: string, specifier: string, pkg: PackageJson): string | undefined {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!)) return undefined;
  const name = packageName(specifier);
  const rule = PACKAGES[name];
  if (!rule) return `package '${name}' is not in the package table of scripts/check-boundaries.ts`;
  if (rule.isTestOnly && !isTest(file)) return `package '${name}' is for tests only`;
  const here = folderOf(file);
  const isAllowedHere = rule.folders.some((f) => f === '*' || f === top(file) || f === here);
  if (!isAllowedHere) return `package '${name}' may only be used in ${rule.folders.join(', ')}`;
  if (pkg.dependencies?.[name] !== undefined) return undefined;
  if (isTest(file) && pkg.devDependencies?.[name] !== undefined) return undefined;
  return `package '${name}' is not in package.json ${isTest(file) ? 'dependencies or devDependencies' : 'dependencies'}`;
}

function layerError(from: string, to: string): string | undefined {
  const [uf, ut, tf, tt] = [folderOf(from), folderOf(to), top(from), top(to)];
  if (uf === ut) return undefined;
  if (tt === 'main.ts') return 'main.ts is the entry point: nothing imports it';
  if (tf === tt) return uf.includes('/') && ut.includes('/') ? `${uf} may not import its sibling ${ut}` : undefined;
  const allowed = LAYERS[tf];
  if (!allowed) return `${tf} has no row in the layer table (LAYERS)`;
  if (!allowed.includes('*') && !allowed.includes(tt)) return `${tf} may not import ${tt}`;
  if ((tf === 'servers' || tf === 'sources') && tt === 'protocols') {
    // Files shared by all servers (or sources) stay protocol-neutral.
    if (!uf.includes('/')) return `the shared files of ${uf} may not import ${ut}`;
    const own = PROTOCOLS_OF[uf] ?? [uf.split('/')[1]!];
    if (!own.includes(ut.split('/')[1] ?? '')) return `${uf} may only use ${own.map((p) => `protocols/${p}`).join(', ')}, not ${ut}`;
  }
  return undefined;
}

function deepImportError(from: string, to: string): string | undefined {
  const [uf, ut] = [folderOf(from), folderOf(to)];
  if (uf === ut || top(to) === 'main.ts') return undefined;
  // A protocol folder reaches the shared files of its parent directly: their index would re-export it (a cycle).
  if (top(from) === top(to) && !ut.includes('/')) return undefined;
  return to === `${ut}/index.ts` ? undefined : `deep import of ${to}: go through ${ut}/index.ts`;
}

/** Everything a module exports, following its re-exports within `scans`. */
function exportedNames(file: string, scans: ReadonlyMap<string, ModuleScan>, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  const scan = scans.get(file);
  if (!scan || seen.has(file)) return names;
  seen.add(file);
  scan.localExports.forEach((n) => names.add(n));
  for (const r of scan.refs) {
    if (r.form === 'export-from') r.names.forEach((n) => names.add(n.alias ?? n.name));
    if (r.form === 'export-star' && r.specifier?.startsWith('.')) {
      for (const n of exportedNames(resolveSpecifier(file, r.specifier), scans, seen)) if (n !== 'default') names.add(n);
    }
  }
  return names;
}

/** The module of its folder that an index.ts takes `name` from (itself for its own declarations), if it exports it. */
function originOf(index: string, name: string, scans: ReadonlyMap<string, ModuleScan>): string | undefined {
  const scan = scans.get(index);
  if (!scan) return undefined;
  if (scan.localExports.includes(name)) return index;
  const local = (r: ModuleRef): string | undefined => (r.specifier?.startsWith('.') ? resolveSpecifier(index, r.specifier) : undefined);
  const named = scan.refs.find((r) => r.form === 'export-from' && r.names.some((n) => (n.alias ?? n.name) === name));
  if (named) return local(named);
  const star = scan.refs.find((r) => r.form === 'export-star' && local(r) !== undefined && exportedNames(local(r)!, scans).has(name));
  return star ? local(star) : undefined;
}

function contractErrors(from: string, to: string, ref: ModuleRef, scans: ReadonlyMap<string, ModuleScan>): string[] {
  const target = top(to);
  if (!CONTRACT_USERS[top(from)]?.includes(target) || to !== `${target}/index.ts` || !scans.has(to)) return [];
  const contract = CONTRACTS[target]!;
  const what = `${target}'s contract (${contract.map((m) => posix.basename(m)).join(', ')})`;
  if (ref.isNamespace || ref.names.length === 0) return [`${top(from)} may only import named parts of ${what} from ${to}`];
  return ref.names.flatMap((n) => {
    const origin = originOf(to, n.name, scans);
    if (origin === undefined) return [`'${n.name}' is not exported by ${to}`];
    return contract.includes(origin) ? [] : [`'${n.name}' comes from ${origin}, outside ${what}`];
  });
}

function aliasErrors(ref: ModuleRef): string[] {
  return ref.names.filter((n) => n.alias !== undefined && n.alias !== n.name && n.name !== 'default' && n.name !== '*')
    .map((n) => `'${n.name} as ${n.alias}': names from src/ are imported under their own name`);
}

/** The first cycle of a strongly connected set of folder nodes, as nodes from `start` back to it. */
function cycleThrough(start: string, edges: ReadonlyMap<string, ReadonlyMap<string, Violation>>, members: ReadonlySet<string>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!members.has(next) || parent.has(next)) continue;
      parent.set(next, node);
      if (next === start) {
        const path: string[] = [];
        for (let n = node; n !== start; n = parent.get(n)!) path.unshift(n);
        return [start, ...path, start];
      }
      queue.push(next);
    }
  }
  return [start];
}

/** Strongly connected components of the folder graph (Tarjan), those with more than one node. */
function cycles(edges: ReadonlyMap<string, ReadonlyMap<string, Violation>>): Violation[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: Violation[] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const members = new Set<string>();
    for (let w = stack.pop()!; ; w = stack.pop()!) { onStack.delete(w); members.add(w); if (w === v) break; }
    if (members.size < 2) return;
    const start = [...members].sort()[0]!;
    const path = cycleThrough(start, edges, members);
    const hops = path.slice(1).map((n, i) => edges.get(path[i]!)!.get(n)!);
    const first = hops[0] ?? { file: start, line: 1 };
    const places = hops.map((h) => `src/${h.file}:${h.line}`).join(', ');
    out.push({ file: first.file, line: first.line, rule: 'cycle', message: `folder cycle ${path.join(' → ')} (${places})` });
  };
  [...edges.keys()].sort().forEach((v) => { if (!index.has(v)) visit(v); });
  return out;
}

// `requireCjsPackage<T>('name')` or `requireCjsPackage('name')` (lib/cjs-package.ts).
const CJS_LOAD = /\brequireCjsPackage\s*(?:<[^>()]*>)?\s*\(\s*'([^']+)'/g;

/** Checks in-memory sources: `files` maps src-relative paths (`core/path.ts`) to their text. */
export function checkSources(files: ReadonlyMap<string, string>, pkg: PackageJson): Violation[] {
  const scans = new Map([...files].map(([f, text]) => [f, scanModule(text)] as const));
  const out: Violation[] = [];
  const edges = new Map<string, Map<string, Violation>>();
  for (const [file, text] of files) {
    const lines = text.split('\n').length;
    if (lines > MAX_LINES && !isTest(file) && !file.endsWith('-vectors.ts')) {
      out.push({ file, line: MAX_LINES + 1, rule: 'file-size', message: `${lines} lines (ceiling ${MAX_LINES})` });
    }
    // A CommonJS package loaded with lib's requireCjsPackage('name') is held to the package table like an import.
    for (const m of text.matchAll(CJS_LOAD)) {
      const line = text.slice(0, m.index).split('\n').length;
      const message = packageError(file, m[1]!, pkg);
      if (message !== undefined) out.push({ file, line, rule: 'package', message });
    }
    for (const ref of scans.get(file)!.refs) {
      const add = (rule: Rule, message: string | undefined): void => {
        if (message !== undefined) out.push({ file, line: ref.line, rule, message });
      };
      const spec = ref.specifier;
      if (spec === undefined) { add('dynamic-import', 'import() of a computed specifier: use a string literal'); continue; }
      if (/^[/#]|^[a-z]+:\/\//.test(spec)) { add('outside-src', `'${spec}': import src/ files by relative path`); continue; }
      if (!spec.startsWith('.')) { add('package', packageError(file, spec, pkg)); continue; }
      const to = resolveSpecifier(file, spec);
      if (to.startsWith('../')) {
        if (!(isTest(file) && to.startsWith('../test/support/'))) add('outside-src', `'${spec}' leaves src/`);
        continue;
      }
      add('layer', layerError(file, to));
      add('deep-import', deepImportError(file, to));
      contractErrors(file, to, ref, scans).forEach((m) => add('contract', m));
      aliasErrors(ref).forEach((m) => add('alias', m));
      const [a, b] = [nodeOf(file), nodeOf(to)];
      if (a !== b && !edges.get(a)?.has(b)) edges.set(a, (edges.get(a) ?? new Map()).set(b, { file, line: ref.line, rule: 'cycle', message: '' }));
    }
  }
  out.push(...cycles(edges));
  return out.sort((x, y) => x.file.localeCompare(y.file) || x.line - y.line || x.message.localeCompare(y.message));
}

/** One violation as printed: `src/<file>:<line>: <message> [rule]`. */
export function formatViolation(v: Violation): string { return `src/${v.file}:${v.line}: ${v.message} [${v.rule}]`; }

/** Every .ts file under `dir`, keyed by its path relative to `dir` with `/` separators. */
export function readSources(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => readdirSync(d).forEach((n) => {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.set(relative(dir, p).split(sep).join('/'), readFileSync(p, 'utf8'));
  });
  walk(dir);
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(import.meta.dirname, '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  const violations = checkSources(readSources(join(root, 'src')), pkg);
  violations.forEach((v) => console.error(formatViolation(v)));
  if (violations.length > 0) process.exit(1);
  console.log('boundaries: ok');
}
