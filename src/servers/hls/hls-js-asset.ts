import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';

/** hls.js as the page loads it: the bytes, their gzip encoding and an ETag, read once. */
export interface HlsJsAsset { readonly body: Buffer; readonly gzip: Buffer; readonly etag: string }

let cached: HlsJsAsset | undefined;
let warming: Promise<void> | undefined;

// The UMD build (`hls.min.js`): the ESM builds would need a separate worker file.
function hlsJsFile(): string { return createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'); }

function asset(body: Buffer, zipped: Buffer): HlsJsAsset {
  return { body, gzip: zipped, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/**
 * Reads and compresses hls.js off the event loop (compressing 624 KB takes about 200 ms of CPU), so that the first
 * page load does not wait for it; called when the server starts. A failure is left to the first request to report.
 */
export function warmHlsJs(): Promise<void> {
  warming ??= (async () => {
    const body = await readFile(hlsJsFile());
    cached ??= asset(body, await promisify(gzip)(body, { level: 9 }));
  })().catch(() => undefined);
  return warming;
}

/** hls.js from node_modules (a runtime dependency: a missing file is an installation error, thrown). */
export function loadHlsJs(): HlsJsAsset {
  if (cached) return cached;
  const body = readFileSync(hlsJsFile());
  cached = asset(body, gzipSync(body, { level: 9 }));
  return cached;
}
