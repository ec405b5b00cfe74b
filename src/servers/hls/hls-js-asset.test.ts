import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { loadHlsJs, warmHlsJs } from './hls-js-asset.ts';

test('hls.js is read and compressed once, off the event loop, by the first warm; loadHlsJs then hands out that asset', async () => {
  const first = warmHlsJs();
  assert.equal(warmHlsJs(), first, 'a second warm waits for the same work');
  await first;
  const asset = loadHlsJs();
  assert.equal(loadHlsJs(), asset, 'read once');
  const file = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));
  assert.deepEqual(asset.body, file);
  assert.deepEqual(gunzipSync(asset.gzip), file);
  assert.match(asset.etag, /^"[\w-]{22}"$/);
});
