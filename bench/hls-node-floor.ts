/**
 * `node --import tsx bench/hls-node-floor.ts <root> <port>`: the least a Node HTTP server can do to serve HLS files, for
 * the `node-floor` and `node-floor-ll` modes of bench/hls-fanout.ts. node:http, keep-alive, each file read from disk
 * once and then answered from memory with a Content-Length (what this project does with segments in memory, without
 * its routing, authentication and muxers). Playlists (mirrored into the folder every 250 ms, or at each part by
 * bench/hls-ll-mirror.ts) are read at each request. Between this and nginx lies what node:http and copying each
 * response into the socket cost; between this and the project, the project's own work.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';

const [root, portArg] = process.argv.slice(2);
if (!root || !portArg) throw new Error('usage: hls-node-floor.ts <root> <port>');
const cache = new Map<string, { body: Buffer }>();
// Forget files the muxer removed (their names never come back): the cache stays the size of the playlist window.
setInterval(() => {
  for (const f of cache.keys()) { try { statSync(join(root, f)); } catch { cache.delete(f); } }
}, 2000).unref();

createServer((req, res) => {
  const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^\/+/, '');
  if (path.includes('..')) { res.writeHead(400).end(); return; }
  const isPlaylist = path.endsWith('.m3u8');
  let hit = isPlaylist ? undefined : cache.get(path);
  try {
    if (!hit) {
      hit = { body: readFileSync(join(root, path)) };
      if (!isPlaylist) cache.set(path, hit);
    }
  } catch {
    res.writeHead(404, { 'Content-Length': 0 }).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': isPlaylist ? 'application/vnd.apple.mpegurl' : 'video/mp4', 'Content-Length': hit.body.length,
    ...(isPlaylist ? { 'Cache-Control': 'no-cache' } : {}),
  });
  res.end(hit.body);
}).listen(Number(portArg), '127.0.0.1', () => console.log('listening'));
