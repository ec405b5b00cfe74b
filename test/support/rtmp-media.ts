import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FFMPEG_CODECS, GST_SINK_ENV, gstMessages, gstSinkCount, gstSinkDone, type TestCodec } from './media.ts';
import { describeRun, run, start, tail, type Running } from './process.ts';

/** Starts FFmpeg publishing H264 (+AAC, or `audioCodec`) over RTMP(S); `bframes` uses x264 defaults with B-frames. */
export function ffmpegPublishRtmp(url: string, o: { seconds: number; bframes?: boolean; audio?: boolean; audioCodec?: TestCodec }): Running {
  const args = ['-nostdin', '-loglevel', 'warning', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25'];
  if (o.audio !== false) args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  args.push('-t', String(o.seconds), ...FFMPEG_CODECS[o.bframes ? 'h264bframes' : 'h264']);
  if (o.audio !== false) args.push(...FFMPEG_CODECS[o.audioCodec ?? 'aac']);
  args.push('-f', 'flv', url);
  return start('ffmpeg', args, { timeoutMs: (o.seconds + 20) * 1000 });
}

/** Starts GStreamer publishing H264+AAC with rtmpsink (librtmp) or rtmp2sink. */
export function gstPublishRtmp(url: string, sink: 'rtmpsink' | 'rtmp2sink', seconds: number): Running {
  const p = [
    'videotestsrc', 'is-live=true', `num-buffers=${seconds * 25}`, '!', 'video/x-raw,width=320,height=240,framerate=25/1', '!',
    'x264enc', 'tune=zerolatency', 'speed-preset=ultrafast', 'key-int-max=25', '!', 'h264parse', '!', 'flvmux', 'name=m', 'streamable=true', '!',
    sink, `location=${url}`, 'audiotestsrc', 'is-live=true', `num-buffers=${seconds * 47}`, '!', 'avenc_aac', '!', 'aacparse', '!', 'm.',
  ];
  return start('gst-launch-1.0', ['-q', ...p], { timeoutMs: (seconds + 20) * 1000 });
}

/**
 * GStreamer reads RTMP and decodes 50 H264 frames and takes 50 audio buffers (both flvdemux pads linked:
 * docs/testing.md §Verified command lines; flvdemux adds them from one thread, so the two delayed links cannot race);
 * ok when both sinks rendered them all (gstSinkDone), whatever the exit code.
 */
export async function gstReadRtmp(url: string, src: 'rtmpsrc' | 'rtmp2src'): Promise<{ ok: boolean; frames: number; audio: number; stderr: string; detail: string }> {
  const p = [src, `location=${url}`, '!', 'flvdemux', 'name=d', 'd.video', '!', 'queue', '!', 'h264parse', '!', 'avdec_h264', '!', 'fakesink', 'name=decoded', 'silent=false', 'num-buffers=50', 'sync=false',
    'd.audio', '!', 'queue', '!', 'fakesink', 'name=audio', 'silent=false', 'num-buffers=50', 'sync=false'];
  const r = await run('gst-launch-1.0', ['-v', ...p], { timeoutMs: 30_000, env: { ...process.env, ...GST_SINK_ENV } });
  const videoDone = gstSinkDone(r.stderr, 'decoded');
  const audioDone = gstSinkDone(r.stderr, 'audio');
  const frames = videoDone ? 50 : Math.min(gstSinkCount(r.stdout, 'decoded'), 49);
  const audio = audioDone ? 50 : Math.min(gstSinkCount(r.stdout, 'audio'), 49);
  const end = r.timedOut ? 'killed after its 30 s timeout' : r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
  const detail = `gst-launch ${src} ${url}: video ${videoDone ? 'all 50 frames decoded' : `about ${frames} of 50 frames`}, audio ${audioDone ? 'all 50 buffers' : `about ${audio} of 50 buffers`}; ${end}\n--- gst-launch messages (tail) ---\n${tail(gstMessages(r), 800)}`;
  return { ok: videoDone && audioDone, frames, audio, stderr: r.stderr, detail };
}

/** One stream of a VLC recording: codec and frames ffprobe decodes. */
export interface VlcStream { codec: string; frames: number }

/**
 * VLC (as `nobody`: it refuses root) records `seconds` of `url`; returns codecs and decoded frames per stream, and
 * `detail` (VLC's and ffprobe's exit and stderr) for assertion messages. Its scratch folder is removed in every case.
 */
export async function vlcRecord(url: string, seconds = 4): Promise<VlcStream[] & { detail: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vlc-'));
  try {
    chownSync(dir, 65534, 65534);
    const out = join(dir, 'out.ts');
    // HOME, XDG_RUNTIME_DIR and TMPDIR inside the folder: VLC's PulseAudio client otherwise leaves /tmp/pulse-* behind.
    const v = await run('runuser', ['-u', 'nobody', '--', 'env', `HOME=${dir}`, `XDG_RUNTIME_DIR=${dir}`, `TMPDIR=${dir}`, 'cvlc', '-q', '--play-and-exit', `--run-time=${seconds}`, url, '--sout', `#std{access=file,mux=ts,dst=${out}}`], { timeoutMs: (seconds + 20) * 1000 });
    const p = await run('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=index,codec_name,nb_read_frames', '-of', 'csv=p=0', out], { timeoutMs: 20_000 });
    // MPEG-TS lists each stream under its program too: keep one line per stream index.
    const byIndex = new Map<string, VlcStream>();
    for (const l of p.stdout.trim().split('\n').filter((x) => x !== '')) {
      const [index, codec, frames] = l.split(',');
      byIndex.set(index ?? '', { codec: codec ?? '', frames: Number(frames) || 0 });
    }
    const streams = [...byIndex.values()];
    const detail = `VLC recorded ${url} for ${seconds} s: ${JSON.stringify(streams)}\n${describeRun('cvlc', v, 600)}\n${describeRun('ffprobe', p, 300)}`;
    return Object.assign(streams, { detail });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
