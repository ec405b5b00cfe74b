/**
 * `npm run build` (after the type check): dist/ as an esbuild bundle of src/, ES modules split at every dynamic
 * `import()` so what loads on first use stays out of an idle server. Why a bundle: Node keeps a record, a scope and
 * the source of every ES module it loads, and one module per source file cost about 0.7 MiB more resident memory at
 * idle than these few chunks (docs/performance.md, Memory). npm packages stay outside (node_modules).
 *
 * Layout, which code resolving files next to itself relies on: every file is directly in dist/ — `main.js`, the
 * fan-out shard entry `shard-main.js` (fanout/shard-pool.ts forks `./shard-main.js` next to the chunk holding it),
 * and the chunks. The UDP addon and hls.js are found from the package root, whatever the depth.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outdir = join(root, 'dist');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/main.ts', 'shard-main': 'src/fanout/shard-main.ts' },
  tsconfig: 'tsconfig.json',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: '[name]-[hash]',
  legalComments: 'none',
  // V8 keeps the source text of every module: whitespace was a fifth of it (-0.2 MiB idle); names stay for stack traces.
  minifyWhitespace: true,
  // Stack traces name chunks and their lines; `node --enable-source-maps dist/main.js` maps them back to src/ through
  // these maps. Without that flag Node never reads them (a comment line per chunk), so an idle server pays nothing.
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
});
if (result.errors.length > 0) process.exit(1);
