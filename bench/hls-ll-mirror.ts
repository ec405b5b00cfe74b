/**
 * The mirror of the `nginx-ll` and `node-floor-ll` modes of bench/hls-fanout.ts: a static file server given the same
 * Low-Latency playlists and parts as this server serves, for the same LL readers. Each media playlist listed in
 * index.m3u8 is followed with blocking reloads, one request in flight at a time; the files it names that are not in
 * the folder yet (each new part, the init segment, a segment the server has not written yet) are downloaded under
 * the same relative URI, then the playlist is written (tmp + rename), so a reader never sees a name it cannot fetch.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';

// A blocking reload is held at most 3 target durations (6 s with this stream).
const REQUEST_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 20_000;

/** A file a media playlist names: its URL at the server, and its path relative to the mirror's root. */
interface Named { url: URL; path: string; isPart: boolean }

/** Mirrors the LL-HLS stream whose index.m3u8 is at `base` (a folder URL ending in '/') into the folder `root`. */
export function mirrorLowLatency(base: string, root: string): { ready: Promise<void>; stop(): Promise<void> } {
  const abort = new AbortController();
  const { signal } = abort;
  let markReady = (): void => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    setTimeout(() => reject(new Error(`the LL-HLS mirror of ${base} wrote no playlist within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS).unref();
  });
  ready.catch(() => {}); // awaited by the caller; a stop before it is ready must not be an unhandled rejection
  const pause = (ms: number): Promise<void> => sleep(ms, undefined, { signal }).catch(() => {});

  const get = async (url: URL): Promise<Buffer> => {
    const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) });
    if (res.status !== 200) throw new Error(`${url.pathname}${url.search}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  const put = async (path: string, body: Buffer | string): Promise<void> => {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    // Not `.tmp`: the server writes its segments through `<name>.tmp`, and may write the one being mirrored.
    await writeFile(`${file}.mirror-tmp`, body);
    await rename(`${file}.mirror-tmp`, file);
  };
  /** Follows one media playlist until stopped; `onFirstWrite` runs once its first copy is in the folder. */
  const follow = async ({ url, path }: Named, onFirstWrite: () => Promise<void>): Promise<void> => {
    const parts = new Set<string>(); // part files written for this playlist, removed once it no longer lists them
    let next: URL = url;
    let last = '';
    let isFirst = true;
    while (!signal.aborted) {
      try {
        const text = (await get(next)).toString();
        if (text === last) { await pause(100); continue; } // a reload the server did not hold is not repeated at once
        const pl = parseMedia(text, url, base);
        for (const f of pl.files) {
          if (!existsSync(join(root, f.path))) await put(f.path, await get(f.url));
          if (f.isPart) parts.add(f.path);
        }
        // nginx would answer 404 for the hinted part (not written yet); CAN-BLOCK-RELOAD=YES stays, as the LL
        // readers need it, and nginx answers a blocking reload at once with the current playlist.
        await put(path, text.replace(/^#EXT-X-PRELOAD-HINT:.*\r?\n?/gm, ''));
        last = text;
        const listed = new Set(pl.files.map((f) => f.path));
        for (const p of parts) if (!listed.has(p)) { parts.delete(p); await rm(join(root, p), { force: true }); }
        if (isFirst) { await onFirstWrite(); isFirst = false; }
        next = new URL(url);
        next.searchParams.set('_HLS_msn', String(pl.msn));
        next.searchParams.set('_HLS_part', String(pl.part));
      } catch (e) {
        if (signal.aborted) break;
        console.warn(`hls-ll-mirror: ${path}: ${(e as Error).message}`);
        next = url; // a plain reload next: the part asked for may have left the server's window (HTTP 400)
        await pause(500);
      }
    }
    for (const p of parts) await rm(join(root, p), { force: true });
  };

  const done = (async () => {
    const indexUrl = new URL('index.m3u8', base);
    while (!signal.aborted) {
      try {
        const index = await get(indexUrl);
        const media = mediaUris(index.toString()).map((u) => local(u, indexUrl, base));
        if (media.length === 0) throw new Error('index.m3u8 lists no media playlist');
        const written = new Set<string>();
        // index.m3u8 last: a reader finds every media playlist it names
        await Promise.all(media.map((u) => follow(u, async () => {
          written.add(u.path);
          if (written.size === media.length) { await put('index.m3u8', index); markReady(); }
        })));
      } catch (e) {
        if (signal.aborted) break;
        console.warn(`hls-ll-mirror: index.m3u8: ${(e as Error).message}`);
        await pause(500);
      }
    }
  })();

  return { ready, stop: async () => { abort.abort(); await done; } };
}

/** The media playlists a multivariant playlist names: variant URIs, and EXT-X-MEDIA URIs (separate audio). */
function mediaUris(text: string): string[] {
  const uris = new Set<string>();
  for (const line of text.split(/\r?\n/).map((l) => l.trim())) {
    if (line !== '' && !line.startsWith('#')) uris.add(line);
    else if (line.startsWith('#EXT-X-MEDIA:')) { const m = /URI="([^"]*)"/.exec(line); if (m) uris.add(m[1]!); }
  }
  return [...uris];
}

/**
 * The files a media playlist names (init segment, segments, parts; not the preload hint, nor gap segments or parts:
 * the server names `gap.mp4` for the segments before the stream's first, which readers skip), and the position of its next part, for the next blocking reload: `_HLS_msn` the segment in progress, `_HLS_part`
 * the number of its parts listed.
 */
function parseMedia(text: string, url: URL, base: string): { files: Named[]; msn: number; part: number } {
  const files: Named[] = [];
  let msn = 0;
  let part = 0;
  let isGap = false;
  for (const line of text.split(/\r?\n/).map((l) => l.trim())) {
    const uri = /URI="([^"]*)"/.exec(line)?.[1];
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) msn = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-MAP:') && uri) files.push(local(uri, url, base));
    else if (line.startsWith('#EXT-X-PART:') && uri) {
      part++;
      if (!/GAP=YES|BYTERANGE=/.test(line)) files.push({ ...local(uri, url, base), isPart: true });
    } else if (line === '#EXT-X-GAP') isGap = true;
    else if (line !== '' && !line.startsWith('#')) {
      if (!isGap) files.push(local(line, url, base));
      isGap = false;
      msn++;
      part = 0;
    }
  }
  return { files, msn, part };
}

/** `uri` (relative to `from`) at the server, and its path in the mirror: relative to `base`, as the playlists name it. */
function local(uri: string, from: URL, base: string): Named {
  const url = new URL(uri, from);
  const path = decodeURIComponent(url.pathname).slice(new URL(base).pathname.length);
  if (!`${url.origin}${url.pathname}`.startsWith(base) || path.split('/').includes('..')) throw new Error(`${uri}: outside ${base}`);
  return { url, path, isPart: false };
}
