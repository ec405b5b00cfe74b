import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { FFMPEG_CODECS } from './media.ts';
import { start, type Running } from './process.ts';

/** A plain HTTP server of files on 127.0.0.1 (node:http), with extra routes answered by `routes`. */
export interface StaticHttpServer {
  readonly port: number;
  readonly dir: string;
  url(file: string): string;
  /** Requests received, as `GET /path?query`. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves `dir` (or a new temporary directory) on 127.0.0.1; a path of `routes` is answered by its function instead. */
export async function startStaticHttpServer(o: { dir?: string; routes?: Record<string, (query: URLSearchParams) => string | Buffer> } = {}): Promise<StaticHttpServer> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'mtx-hls-upstream-'));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://x');
    const route = o.routes?.[url.pathname];
    if (route) { res.end(route(url.searchParams)); return; }
    const file = normalize(join(dir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dir)) { res.statusCode = 403; res.end(); return; }
    try {
      const body = readFileSync(file);
      res.setHeader('content-type', file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'application/octet-stream');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port, dir, requests, url: (file) => `http://127.0.0.1:${port}/${file}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * FFmpeg writing a live HLS stream (H264 + AAC at 25 fps, a key frame each second, 1-second segments, a sliding
 * window of 6) into `dir/<name>.m3u8`, MPEG-TS or fMP4 segments.
 */
export function ffmpegLiveHls(dir: string, name: string, o: { segmentType: 'mpegts' | 'fmp4'; seconds: number }): Running {
  const args = [
    '-nostdin', '-loglevel', 'warning', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(o.seconds), ...FFMPEG_CODECS.h264, ...FFMPEG_CODECS.aac,
    '-f', 'hls', '-hls_time', '1', '-hls_list_size', '6', '-hls_flags', 'delete_segments+temp_file', '-hls_segment_type', o.segmentType,
    '-hls_segment_filename', join(dir, `${name}-%d.${o.segmentType === 'fmp4' ? 'm4s' : 'ts'}`),
    ...(o.segmentType === 'fmp4' ? ['-hls_fmp4_init_filename', `${name}-init.mp4`] : []),
    join(dir, `${name}.m3u8`),
  ];
  return start('ffmpeg', args, { timeoutMs: (o.seconds + 20) * 1000 });
}

/** Writes a multivariant playlist listing `variants` (URI and BANDWIDTH) into `dir/<name>`. */
export function writeMultivariant(dir: string, name: string, variants: readonly { uri: string; bandwidth: number }[]): void {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3'];
  for (const v of variants) lines.push(`#EXT-X-STREAM-INF:BANDWIDTH=${v.bandwidth},CODECS="avc1.64001e,mp4a.40.2"`, v.uri);
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
}

/** An HTTP proxy on 127.0.0.1 in front of `127.0.0.1:targetPort` that records the request targets it forwards. */
export async function startRecordingProxy(targetPort: number): Promise<{ readonly port: number; readonly requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => { res.statusCode = 502; res.end(); });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port, requests,
    close: async () => { server.closeAllConnections(); await new Promise<void>((r) => server.close(() => r())); },
  };
}
