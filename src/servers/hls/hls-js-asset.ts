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
 * Reads and compresses hls.js off the event loop (compressing 624 KB takes about 200 ms of CPU); called when a page is
 * served, so hls.js is ready when the page asks for it, and by the request for it. Not at start: an idle server that
 * never serves a page would hold about 1.1 MiB for it (the bytes, and what the gzip thread leaves in malloc). A
 * failure is left to loadHlsJs to report.
 */
export function warmHlsJs(): Promise<void> {
  warming ??= (async () => {
    const body = await readFile(hlsJsFile());
    cached ??= asset(body, await promisify(gzip)(body, { level: 9 }));
  })().catch(() => undefined);
  return warming;
}

/**
 * hls.js from node_modules (a runtime dependency: a missing file is an installation error, thrown). Read and
 * compressed on the event loop when warmHlsJs has not done it: call that first.
 */
export function loadHlsJs(): HlsJsAsset {
  if (cached) return cached;
  const body = readFileSync(hlsJsFile());
  cached = asset(body, gzipSync(body, { level: 9 }));
  return cached;
}
