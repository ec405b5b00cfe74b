import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * Loads a CommonJS package (yaml, tweetnacl) with require() rather than `import`. Why: when ES modules import a
 * CommonJS one, Node scans its source for named exports with cjs-module-lexer (on Node 20 its JavaScript build), whose
 * loop over a package file gets hot enough for V8 to optimize it with TurboFan mid-run. `import('tweetnacl')` took an
 * empty ES module from 41 to 50 MiB resident, `require` to 43 (docs/performance.md, Memory). Types still come from
 * `import type`.
 */
export function requireCjsPackage<T>(name: string): T {
  return requireHere(name) as T;
}
