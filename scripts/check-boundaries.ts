/**
 * Enforces the dependency direction of ARCHITECTURE.md §2.3 and the file-size ceiling:
 * every import between src/ folders must be allowed by LAYERS and go through the target folder's index.ts.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', 'src');
const MAX_LINES = 500;

/** Which top-level folders each folder may import (besides itself). */
export const LAYERS: Record<string, readonly string[]> = {
  lib: [],
  conf: ['lib'],
  codecs: ['lib'],
  formats: ['codecs', 'lib'],
  stream: ['formats', 'codecs', 'lib'],
  auth: ['conf', 'lib'],
  hooks: ['conf', 'lib'],
  core: ['stream', 'formats', 'codecs', 'auth', 'hooks', 'conf', 'lib'],
  protocols: ['stream', 'formats', 'codecs', 'lib'],
  servers: ['protocols', 'core', 'stream', 'formats', 'codecs', 'auth', 'hooks', 'conf', 'lib'],
  sources: ['protocols', 'core', 'stream', 'formats', 'codecs', 'auth', 'hooks', 'conf', 'lib'],
  api: ['core', 'conf', 'lib'],
  metrics: ['core', 'conf', 'lib'],
  app: ['*'],
  'main.ts': ['app', 'conf', 'lib'],
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Top folder of a src-relative path, or the file name for files directly in src. */
function top(rel: string): string { return rel.split(sep)[0]!; }

/** Second-level unit for protocols/servers/sources (`protocols/rtsp`), else the top folder. */
function unit(rel: string): string {
  const parts = rel.split(sep);
  return ['protocols', 'servers', 'sources'].includes(parts[0]!) && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Returns the list of violations in src/. */
export function check(): string[] {
  const errors: string[] = [];
  for (const file of walk(SRC)) {
    const rel = relative(SRC, file);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').length;
    if (lines > MAX_LINES && !rel.endsWith('.test.ts') && !rel.endsWith('-vectors.ts')) errors.push(`${rel}: ${lines} lines (ceiling ${MAX_LINES})`);
    if (rel.endsWith('.test.ts')) continue;
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
      const target = relative(SRC, resolve(dirname(file), m[1]!));
      if (target.startsWith('..')) { errors.push(`${rel}: imports outside src: ${m[1]}`); continue; }
      const from = top(rel);
      const to = top(target);
      if (from === to) {
        // Inside protocols/servers/sources, sibling units may not import each other, except protocols/<p> → formats-like shared code.
        const uf = unit(rel);
        const ut = unit(target);
        if (uf !== ut && from === 'protocols') errors.push(`${rel}: protocol imports sibling protocol ${ut}`);
        if (uf !== ut && (from === 'servers' || from === 'sources') && !target.endsWith('index.ts')) errors.push(`${rel}: deep import ${m[1]}`);
        continue;
      }
      const allowed = LAYERS[from];
      if (!allowed) { errors.push(`${rel}: folder ${from} has no layer rule`); continue; }
      if (!allowed.includes('*') && !allowed.includes(to)) errors.push(`${rel}: ${from} may not import ${to} (${m[1]})`);
      if (from === 'servers' || from === 'sources') {
        const sameProtocol = to === 'protocols' && target.split(sep)[1] === rel.split(sep)[1];
        if (to === 'protocols' && !sameProtocol) errors.push(`${rel}: imports another protocol's folder ${m[1]}`);
      }
      if (!target.endsWith('index.ts') && to !== 'main.ts') errors.push(`${rel}: deep import ${m[1]} (go through the folder's index.ts)`);
    }
  }
  return errors;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const errors = check();
  for (const e of errors) console.error(e);
  if (errors.length > 0) process.exit(1);
  console.log('boundaries: ok');
}
