import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gunzipSync } from 'node:zlib';
import { GST_SINK_ENV, gstMessages, gstSinkCount, gstSinkDone } from './media.ts';
import { describeRun, run, start, tail, waitFor } from './process.ts';
import type { TestServer } from './server.ts';

/** `http(s)://127.0.0.1:<hls port>/<path>/<file>` (the page when `file` is ''). */
export function hlsUrl(server: Pick<TestServer, 'ports'>, path: string, file = 'index.m3u8', o: { secure?: boolean; user?: string; pass?: string } = {}): string {
  const auth = o.user !== undefined ? `${encodeURIComponent(o.user)}:${encodeURIComponent(o.pass ?? '')}@` : '';
  return `${o.secure ? 'https' : 'http'}://${auth}127.0.0.1:${server.ports.hls}/${path}${path === '' ? '' : '/'}${file}`;
}

/** An HTTP answer as the tests look at it. */
export interface FetchedAnswer { status: number; headers: Record<string, string | string[] | undefined>; text: string; body: Buffer; ms: number }

/**
 * One GET (or `method`) to `url` on a fresh connection, bounded by `timeoutMs`; HTTPS accepts self-signed
 * certificates; gzip bodies are decoded. Rejects only on connection errors and timeouts.
 */
export function fetchHttp(url: string, o: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<FetchedAnswer> {
  const u = new URL(url);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const opts = {
      host: u.hostname, port: u.port, path: u.pathname + u.search, method: o.method ?? 'GET', agent: false as const,
      headers: { ...o.headers, ...(u.username ? { authorization: `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` } : {}) },
      rejectUnauthorized: false,
    };
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        let body = Buffer.concat(chunks);
        if (res.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: body.toString(), body, ms: Date.now() - t0 });
      });
    });
    const timeoutMs = o.timeoutMs ?? 10_000;
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Frames FFmpeg decoded per stream type when reading HLS. */
export interface HlsDecode { video: number; audio: number; codecs: string[]; detail: string }

/**
 * FFmpeg reads an HLS URL and decodes every stream (video and audio, from the main and alternative renditions) for
 * `seconds`; counts decoded frames per stream from framecrc lines, and the codecs ffprobe sees.
 */
export async function ffmpegDecodeHls(url: string, seconds = 3, extra: readonly string[] = []): Promise<HlsDecode> {
  const p = await run('ffprobe', ['-v', 'error', ...extra, '-show_entries', 'stream=index,codec_type,codec_name', '-of', 'csv=p=0', url], { timeoutMs: 30_000 });
  // The HLS demuxer lists each stream under its program too: one line per stream index is kept.
  const byIndex = new Map(p.stdout.trim().split('\n').filter((l) => l !== '').map((l) => l.split(',')).map((f) => [f[0], f] as const));
  const streams = [...byIndex.values()];
  const d = await run('ffmpeg', ['-nostdin', '-loglevel', 'error', ...extra, '-i', url, '-t', String(seconds), '-map', '0:v?', '-map', '0:a?', '-f', 'framecrc', '-'], { timeoutMs: 40_000 });
  const perStream = new Map<number, number>();
  for (const l of d.stdout.split('\n')) {
    const m = /^(\d+),/.exec(l);
    if (m) perStream.set(Number(m[1]), (perStream.get(Number(m[1])) ?? 0) + 1);
  }
  // Output streams are the video streams, then the audio ones (the -map order), each in input order.
  const videoStreams = streams.filter((s) => s[2] === 'video').length;
  let video = 0;
  let audio = 0;
  for (const [i, n] of perStream) {
    if (i < videoStreams) video += n; else audio += n;
  }
  const codecs = streams.map((s) => s[1] ?? '');
  const detail = `ffmpeg read ${url} for ${seconds} s: ${video} video and ${audio} audio frames decoded; ffprobe saw ${JSON.stringify(streams)}\n`
    + `${describeRun('ffprobe', p, 400)}\n${describeRun('ffmpeg', d, 600)}`;
  return { video, audio, codecs, detail };
}

/**
 * GStreamer plays an HLS URL with playbin (hlsdemux, the demuxer and decoders it picks) into fakesinks; ok when the
 * video sink rendered `buffers` decoded frames (gstSinkDone, exact) and the audio sink at least `buffers / 2` decoded
 * buffers (counted from `-v`, approximate: see gstSinkCount).
 */
export async function gstPlayHls(url: string, buffers = 50): Promise<{ ok: boolean; detail: string }> {
  // Only the video sink is bounded. A bounded audio sink that reaches its EOS first (44 buffers/s against 25 frames/s)
  // starves the video branch of a live two-track playbin, which then never gets its frames (GStreamer 1.22 here); so
  // audio is left unbounded and counted, and the run is stopped once the video sink is done.
  const args = ['-v', 'playbin', `uri=${url}`, `video-sink=fakesink name=decoded num-buffers=${buffers} sync=false`, 'audio-sink=fakesink name=audio sync=false silent=false'];
  const p = start('gst-launch-1.0', args, { timeoutMs: 40_000, env: { ...process.env, ...GST_SINK_ENV } });
  const minAudio = Math.ceil(buffers / 2);
  const done = (): boolean => gstSinkDone(p.output().stderr, 'decoded') && gstSinkCount(p.output().stdout, 'audio') >= minAudio;
  await waitFor(() => done() || p.child.exitCode !== null || p.child.signalCode !== null, { timeoutMs: 45_000, what: 'gst-launch' }).catch(() => undefined);
  const ok = done();
  const r = await p.stop('SIGINT', { killAfterMs: 2000 });
  const end = r.timedOut ? 'killed after its 40 s timeout' : ok ? 'stopped once both sinks had their buffers' : r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
  const what = `video sink done (${buffers} frames): ${gstSinkDone(r.stderr, 'decoded')}, audio buffers: about ${gstSinkCount(r.stdout, 'audio')} (${minAudio} wanted)`;
  return { ok, detail: `gst-launch playbin ${url}: ${what}; ${end}\n--- gst-launch messages (tail) ---\n${tail(gstMessages(r), 800)}` };
}
