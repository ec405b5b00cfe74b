import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { avccToNalus, nalusToAnnexB, parseHevcConfig } from '../../src/codecs/index.ts';
import { RtmpMessageType, parseFlvVideo } from '../../src/protocols/rtmp/index.ts';
import { describeRun, run, start, tail, type RunResult, type Running } from './process.ts';
import { playRtmpMessages } from './rtmp-raw-player.ts';

/** Encoder arguments per codec for FFmpeg test sources (lavfi testsrc2 / sine). */
export const FFMPEG_CODECS = {
  h264: ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p'],
  h264bframes: ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-bf', '2', '-pix_fmt', 'yuv420p'],
  hevc: ['-c:v', 'libx265', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-x265-params', 'log-level=error'],
  hevcbframes: ['-c:v', 'libx265', '-preset', 'ultrafast', '-g', '25', '-x265-params', 'log-level=error:bframes=3'],
  vp8: ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '25'],
  vp9: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '25', '-strict', 'experimental'],
  mpeg4: ['-c:v', 'mpeg4', '-g', '25'],
  mpeg2video: ['-c:v', 'mpeg2video', '-g', '25'],
  mpeg1video: ['-c:v', 'mpeg1video', '-g', '25'],
  mjpeg: ['-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p', '-huffman', '0'],
  aac: ['-c:a', 'aac', '-b:a', '64k'],
  opus: ['-c:a', 'libopus', '-b:a', '64k'],
  mp3: ['-c:a', 'libmp3lame', '-ar', '44100'],
  pcm_mulaw: ['-c:a', 'pcm_mulaw', '-ar', '8000', '-ac', '1'],
  pcm_alaw: ['-c:a', 'pcm_alaw', '-ar', '8000', '-ac', '1'],
  g722: ['-c:a', 'g722', '-ar', '16000', '-ac', '1'],
  pcm_s16be: ['-c:a', 'pcm_s16be', '-ar', '48000', '-ac', '2'],
} as const;

/** A codec name of FFMPEG_CODECS. */
export type TestCodec = keyof typeof FFMPEG_CODECS;

const VIDEO_IN = ['-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25'];
const AUDIO_IN = ['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];

/** Starts FFmpeg publishing test media over RTSP. */
/** FFmpeg reading `url` (over TCP for RTSP) for up to a minute, decoding nothing: a stream copy to null. */
export function ffmpegCopyRead(url: string): Running {
  const args = ['-nostdin', '-loglevel', 'warning', ...(url.startsWith('rtsp') ? ['-rtsp_transport', 'tcp'] : []), '-i', url, '-t', '60', '-c', 'copy', '-f', 'null', '-'];
  return start('ffmpeg', args, { timeoutMs: 80_000 });
}

export function ffmpegPublish(url: string, o: { video?: TestCodec; audio?: TestCodec; transport?: 'tcp' | 'udp'; seconds: number; pktSize?: number }): Running {
  const args = ['-nostdin', '-loglevel', 'warning'];
  if (o.video) args.push(...VIDEO_IN);
  if (o.audio) args.push(...AUDIO_IN);
  args.push('-t', String(o.seconds));
  if (o.video) args.push(...FFMPEG_CODECS[o.video]);
  if (o.audio) args.push(...FFMPEG_CODECS[o.audio]);
  if (o.pktSize) args.push('-pkt_size', String(o.pktSize)); // RTP packets up to this size (TCP carries any)
  args.push('-f', 'rtsp', '-rtsp_transport', o.transport ?? 'tcp', url);
  return start('ffmpeg', args, { timeoutMs: (o.seconds + 20) * 1000 });
}

/** Starts GStreamer's rtspclientsink publishing H264 + Opus. */
export function gstPublish(url: string, o: { transport: 'tcp' | 'udp'; seconds: number; tlsNoValidation?: boolean }): Running {
  const frames = o.seconds * 25;
  const pipeline = [
    'videotestsrc', 'is-live=true', `num-buffers=${frames}`, '!', 'video/x-raw,width=320,height=240,framerate=25/1', '!',
    'x264enc', 'tune=zerolatency', 'speed-preset=ultrafast', 'key-int-max=25', '!', 'video/x-h264,profile=baseline', '!', 'h264parse', '!',
    'rtspclientsink', 'name=s', `location=${url}`, `protocols=${o.transport}`, ...(o.tlsNoValidation ? ['tls-validation-flags=0'] : []),
    'audiotestsrc', 'is-live=true', `num-buffers=${o.seconds * 50}`, '!', 'audio/x-raw,rate=48000,channels=2', '!', 'opusenc', '!', 's.',
  ];
  return start('gst-launch-1.0', ['-q', ...pipeline], { timeoutMs: (o.seconds + 20) * 1000 });
}

/**
 * Reads with FFmpeg and decodes `seconds` worth of video (`seconds` × 25 frames: the test sources run at 25 fps);
 * returns the decoded frame count, the exit code and `detail` for assertion messages. The read ends when FFmpeg has
 * decoded that many frames (`-frames:v`), bounded by a generous wall-clock timeout, rather than after a fixed stream
 * duration: a reader that joins mid-GOP waits up to a second for the key frame, and would otherwise decode anywhere
 * between half and all of its frames depending on that moment. It also ends, with fewer frames, when the stream ends.
 */
export async function ffmpegReadFrames(url: string, transport: 'tcp' | 'udp' | 'udp_multicast' | undefined, seconds = 2): Promise<{ frames: number; code: number | null; stderr: string; detail: string }> {
  const want = Math.max(1, Math.round(seconds * 25));
  const args = ['-nostdin', ...(transport ? ['-rtsp_transport', transport] : []), '-i', url, '-map', '0:v:0', '-frames:v', String(want), '-f', 'null', '-'];
  const r = await run('ffmpeg', args, { timeoutMs: seconds * 1000 + 25_000 });
  const all = [...r.stderr.matchAll(/frame=\s*(\d+)/g)];
  const frames = all.length > 0 ? Number(all[all.length - 1]![1]) : 0;
  const detail = `ffmpeg read ${url}${transport ? ` over ${transport}` : ''}: ${frames} of ${want} frames decoded; ${describeRun('ffmpeg', r)}`;
  return { frames, code: r.code, stderr: r.stderr, detail };
}

/**
 * Reads with FFmpeg and decodes `frames` frames of the first audio stream (`-frames:a`, written as framecrc: one line
 * a decoded frame), bounded by a generous timeout. Returns the decoded count, the codec FFmpeg found (from its
 * input description: `aac`, `opus`, `mp3`…) and `detail` for assertion messages.
 */
export async function ffmpegReadAudioFrames(url: string, transport: 'tcp' | 'udp' | undefined, frames = 40): Promise<{ frames: number; codec: string | undefined; detail: string }> {
  const args = ['-nostdin', ...(transport ? ['-rtsp_transport', transport] : []), '-i', url, '-map', '0:a:0', '-frames:a', String(frames), '-f', 'framecrc', '-'];
  const r = await run('ffmpeg', args, { timeoutMs: 30_000 });
  const decoded = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  const codec = /Stream #0:\d+[^:]*: Audio: (\w+)/.exec(r.stderr)?.[1];
  const detail = `ffmpeg read ${url}${transport ? ` over ${transport}` : ''}: ${decoded} of ${frames} ${codec ?? 'unknown'} audio frames decoded; ${describeRun('ffmpeg', r)}`;
  return { frames: decoded, codec, detail };
}

/**
 * Reads `frames` H265 frames of `path` over Enhanced RTMP with our minimal player (Debian's FFmpeg 5.1 predates
 * Enhanced RTMP, as in rtmp-hevc.e2e), from the first decoder configuration on, and decodes them with FFmpeg.
 * Returns the frames received and decoded, and `detail` for assertion messages.
 */
export async function rtmpReadH265Frames(port: number, path: string, frames = 50): Promise<{ received: number; decoded: number; detail: string }> {
  const parts: Buffer[] = [];
  let received = 0;
  let playError = '';
  await playRtmpMessages(port, path, '', (m) => {
    if (m.type !== RtmpMessageType.Video) return false;
    const v = parseFlvVideo(m.body);
    if (v.kind === 'config' && v.codec === 'h265') { const c = parseHevcConfig(v.config); parts.push(nalusToAnnexB([c.vps, c.sps, c.pps])); }
    if (v.kind === 'frame' && v.codec === 'h265' && parts.length > 0) { parts.push(nalusToAnnexB(avccToNalus(v.data))); received++; }
    return received >= frames;
  }, 25_000).catch((e: Error) => { playError = `, then: ${e.message}`; });
  const dir = mkdtempSync(join(tmpdir(), 'rtmp-h265-'));
  try {
    const file = join(dir, 'got.hevc');
    writeFileSync(file, Buffer.concat(parts));
    const r = await run('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'hevc', '-i', file, '-f', 'framecrc', '-'], { timeoutMs: 20_000 });
    const decoded = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    const detail = `Enhanced RTMP read of ${path}: ${received} of ${frames} H265 frames received${playError}; FFmpeg decoded ${decoded}; ${describeRun('ffmpeg', r)}`;
    return { received, decoded, detail };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment for gst-launch runs whose sinks are checked: fakesink's debug line "we are EOS" (see gstSinkDone). */
export const GST_SINK_ENV = { GST_DEBUG: 'fakesink:5', GST_DEBUG_NO_COLOR: '1' } as const;

/**
 * True when the fakesink named `name` (with `num-buffers=N`) rendered all N buffers. It logs "we are EOS" (with
 * GST_SINK_ENV) when a buffer arrives after its N-th: an exact count, unlike the `-v` last-message notifications,
 * which gst-launch can merge or repeat (two sinks reported 48 and 52 of 50 here while both got exactly 50).
 */
export function gstSinkDone(stderr: string, name: string): boolean {
  return stderr.includes(`<${name}> we are EOS`);
}

/** Buffers a `silent=false` fakesink named `name` reported under `-v`: approximate (see gstSinkDone), for messages. */
export function gstSinkCount(stdout: string, name: string): number {
  return (stdout.match(new RegExp(`last-message = chain .*\\(${name}:sink\\)`, 'g')) ?? []).length;
}

/** gst-launch's own lines: state changes, warnings, errors, without -v property notifications and debug lines. */
export function gstMessages(r: RunResult): string {
  const lines = (r.stdout + '\n' + r.stderr).split('\n');
  return lines.filter((l) => l !== '' && !l.startsWith('/Gst') && !l.startsWith('Redistribute latency') && !/^\d+:\d\d:\d\d\.\d+ /.test(l)).join('\n');
}

/**
 * How gst-launch's delayed linking failed in run `r`, if it did: undefined when it did not. Seen on these machines:
 * - its WARNING "Delayed linking failed" (on stdout), then "not-linked" (1 run in about 100 here);
 * - GLib criticals from `gst_pad_unlink` on a pad that is no longer one (on stderr): both pad-added callbacks worked
 *   on the one pending link at once, and one freed it under the other (1 CI run, 2026-12-03).
 */
export function gstLinkRaced(r: RunResult): string | undefined {
  if ((r.stdout + r.stderr).includes('Delayed linking failed')) return '"Delayed linking failed"';
  if (r.stderr.includes("gst_pad_unlink: assertion 'GST_IS_PAD (srcpad)' failed")) return 'gst_pad_unlink on a freed pad';
  return undefined;
}

/** gst-launch's ERROR and WARNING lines with the debug line under each, for assertion messages (a tail can miss them). */
function gstProblems(r: RunResult): string {
  const lines = (r.stdout + '\n' + r.stderr).split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => { if (/^(ERROR|WARNING): /.test(l)) out.push(...lines.slice(i, i + 4)); });
  return out.join('\n');
}

/**
 * Reads with GStreamer rtspsrc and decodes `buffers` H264 frames; ok when the video sink rendered them all
 * (gstSinkDone), whatever the exit code: rtspsrc may still fail its teardown ("Could not write to resource") after
 * the frames were decoded. A run ends as soon as the sink has them, bounded by a generous timeout.
 *
 * gst-launch links rtspsrc's pads as they appear ("delayed linking"), and its delayed linking is not thread-safe:
 * rtspsrc adds its video and audio pads from two streaming threads at once. Measured here, with an H264 + AAC
 * stream and two busy loops on the two cores:
 * - linking the audio pad too (`src. ! application/x-rtp,media=audio ! fakesink`, as this helper did) stalled 3 runs
 *   in 80: no branch linked, nothing decoded, nothing on stderr, until the timeout killed it;
 * - linking only the video pad failed 1 run in 60, at once: "Delayed linking failed" then "not-linked".
 * So only the video pad is linked (rtspsrc leaves the other alone: docs/testing.md §Verified command lines), and a
 * run that failed in gst-launch's delayed linking (gstLinkRaced) is started again, up to 3 runs: that failure is
 * gst-launch's own, and a stream it cannot link at all (wrong caps) fails all three. Any other failure is reported as
 * it is.
 * `detail` says what happened, for assertion messages.
 */
export async function gstReadH264(url: string, protocols: 'tcp' | 'udp' | 'udp-mcast', opts: { tls?: boolean; buffers?: number } = {}): Promise<{ ok: boolean; frames: number; stderr: string; detail: string }> {
  const buffers = opts.buffers ?? 40;
  const args = ['-v', 'rtspsrc', `location=${url}`, `protocols=${protocols}`, ...(opts.tls ? ['tls-validation-flags=0'] : []),
    '!', 'application/x-rtp,media=video', '!', 'rtph264depay', '!', 'h264parse', '!', 'avdec_h264', '!', 'fakesink', 'name=decoded', 'silent=false', `num-buffers=${buffers}`, 'sync=false'];
  const retried: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const r = await run('gst-launch-1.0', args, { timeoutMs: 30_000, env: { ...process.env, ...GST_SINK_ENV } });
    const ok = gstSinkDone(r.stderr, 'decoded');
    const raced = gstLinkRaced(r);
    if (!ok && attempt < 3 && raced !== undefined) {
      retried.push(`run ${attempt}: gst-launch's delayed linking raced (${raced}), started again`);
      continue;
    }
    const frames = ok ? buffers : Math.min(gstSinkCount(r.stdout, 'decoded'), buffers - 1);
    const end = r.timedOut ? 'killed after its 30 s timeout' : r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
    const detail = `gst-launch rtspsrc protocols=${protocols} ${url}: ${ok ? `all ${buffers} frames decoded` : `the sink did not get its ${buffers} frames (about ${frames} reported)`}; ${end}${retried.map((x) => `\n${x}`).join('')}\n--- gst-launch errors and warnings ---\n${gstProblems(r) || '(none)'}\n--- gst-launch messages (tail) ---\n${tail(gstMessages(r), 800)}`;
    return { ok, frames, stderr: r.stderr, detail };
  }
}

/** Codec names of a stream as ffprobe reports them, and frames FFmpeg decodes in `seconds` (one framecrc line per frame). */
export async function probeAndDecode(url: string, seconds = 2): Promise<{ codecs: string[]; frames: number; stderr: string; detail: string }> {
  const p = await run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', url], { timeoutMs: 25_000 });
  const d = await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url, '-t', String(seconds), '-map', '0', '-f', 'framecrc', '-'], { timeoutMs: 25_000 });
  const frames = d.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  const codecs = p.stdout.trim().split('\n').map((l) => l.replace(/,+$/, '')).filter((l) => l !== '');
  const detail = `${url}: ffprobe found ${JSON.stringify(codecs)}, ffmpeg decoded ${frames} frames (all streams) in ${seconds} s\n${describeRun('ffprobe', p, 400)}\n${describeRun('ffmpeg', d, 400)}`;
  return { codecs, frames, stderr: p.stderr + d.stderr, detail };
}

/** Per-stream packet timestamps ffprobe reads from `url` in `seconds` (RTSP over TCP, RTMP as is). */
export interface ProbedStream { codec: string; packets: { pts: number; dts: number; key: boolean }[] }

/** Reads `seconds` of packets with ffprobe; returns codec and pts/dts/keyframe of every packet, per stream. */
export async function probePackets(url: string, seconds = 3): Promise<{ streams: ProbedStream[]; stderr: string; detail: string }> {
  const rtsp = url.startsWith('rtsp') ? ['-rtsp_transport', 'tcp'] : [];
  const r = await run('ffprobe', ['-v', 'error', ...rtsp, '-read_intervals', `%+${seconds}`, '-show_entries', 'stream=index,codec_name:packet=stream_index,pts,dts,flags',
    '-of', 'csv', url], { timeoutMs: 30_000 });
  const streams: ProbedStream[] = [];
  for (const line of r.stdout.split('\n')) {
    const f = line.split(',');
    if (f[0] === 'stream') streams[Number(f[1])] = { codec: f[2] ?? '', packets: [] };
  }
  for (const line of r.stdout.split('\n')) {
    const f = line.split(',');
    if (f[0] !== 'packet') continue;
    const s = streams[Number(f[1])];
    if (s && f[2] !== 'N/A' && f[3] !== 'N/A') s.packets.push({ pts: Number(f[2]), dts: Number(f[3]), key: (f[4] ?? '').includes('K') });
  }
  const found = streams.filter((s) => s !== undefined);
  const detail = `ffprobe read ${url} for ${seconds} s: ${found.map((s) => `${s.codec} ${s.packets.length} packets`).join(', ') || 'no stream'}; ${describeRun('ffprobe', r, 600)}`;
  return { streams: found, stderr: r.stderr, detail };
}

/** First problem with a stream's timestamps: DTS going backwards or repeating, or PTS before DTS; undefined when none. */
export function timestampProblem(s: ProbedStream): string | undefined {
  for (let i = 0; i < s.packets.length; i++) {
    const p = s.packets[i]!;
    if (p.pts < p.dts) return `${s.codec} packet ${i}: pts ${p.pts} < dts ${p.dts}`;
    const prev = s.packets[i - 1];
    if (prev && p.dts <= prev.dts) return `${s.codec} packet ${i}: dts ${p.dts} after ${prev.dts}`;
  }
  return undefined;
}
