import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * Loads a CommonJS package (yaml, tweetnacl) with require() rather than `import`. Why: when ES modules import a
 * CommonJS one, Node parses it for its named exports with cjs-module-lexer, a WebAssembly module whose first use
 * costs an idle server about 3 MiB (docs/performance.md, Memory). Types still come from `import type`.
 */
export function requireCjsPackage<T>(name: string): T {
  return requireHere(name) as T;
}
