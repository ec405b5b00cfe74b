#!/usr/bin/env node
// The package's `mediamtx` bin. It runs the compiled dist/main.js when it is built and newer than every source file,
// and otherwise src/main.ts through tsx, so `npx mediamtx` works right after `npm ci`, before or without a build.
// Why a launcher and not `"bin": "dist/main.js"`: npm links a bin only if its file exists when the package is
// installed (npx does so once, in its cache), so a bin pointing into an unbuilt dist/ stays "not found" even after
// a later build; and a stale dist/ would silently run old code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const built = join(root, 'dist', 'main.js');
const sources = join(root, 'src');

/** Newest modification time of the .ts files under `dir` (0 when there are none). */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const hasSources = existsSync(join(sources, 'main.ts'));
const isBuilt = existsSync(built);
if (isBuilt && (!hasSources || statSync(built).mtimeMs >= newestSource(sources))) {
  await import(pathToFileURL(built).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    register = undefined;
  }
  if (register && hasSources) {
    register();
    await import(pathToFileURL(join(sources, 'main.ts')).href);
  } else if (isBuilt) {
    process.stderr.write('mediamtx: dist/ is older than src/ and tsx is not installed: running dist/ (npm run build updates it)\n');
    await import(pathToFileURL(built).href);
  } else {
    process.stderr.write('mediamtx: nothing to run: install the dependencies with `npm ci`, or build with `npm run build`\n');
    process.exitCode = 1;
  }
}
