import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FFMPEG_CODECS, type TestCodec } from './media.ts';
import { run, start, type Running } from './process.ts';

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

/** GStreamer reads RTMP and decodes 50 H264 frames (both flvdemux pads linked: REAL-CLIENTS §4). */
export async function gstReadRtmp(url: string, src: 'rtmpsrc' | 'rtmp2src'): Promise<{ ok: boolean; stderr: string }> {
  const p = [src, `location=${url}`, '!', 'flvdemux', 'name=d', 'd.video', '!', 'queue', '!', 'h264parse', '!', 'avdec_h264', '!', 'fakesink', 'num-buffers=50', 'sync=false',
    'd.audio', '!', 'queue', '!', 'fakesink', 'num-buffers=50', 'sync=false'];
  const r = await run('gst-launch-1.0', ['-q', ...p], { timeoutMs: 25_000 });
  return { ok: r.code === 0, stderr: r.stderr };
}

/** VLC (as `nobody`: it refuses root) records `seconds` of `url`; returns codecs and decoded frames per stream. */
export async function vlcRecord(url: string, seconds = 4): Promise<{ codec: string; frames: number }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vlc-'));
  chownSync(dir, 65534, 65534);
  const out = join(dir, 'out.ts');
  await run('runuser', ['-u', 'nobody', '--', 'env', `HOME=${dir}`, 'cvlc', '-q', '--play-and-exit', `--run-time=${seconds}`, url, '--sout', `#std{access=file,mux=ts,dst=${out}}`], { timeoutMs: (seconds + 20) * 1000 });
  const p = await run('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=index,codec_name,nb_read_frames', '-of', 'csv=p=0', out], { timeoutMs: 20_000 });
  // MPEG-TS lists each stream under its program too: keep one line per stream index.
  const byIndex = new Map<string, { codec: string; frames: number }>();
  for (const l of p.stdout.trim().split('\n').filter((x) => x !== '')) {
    const [index, codec, frames] = l.split(',');
    byIndex.set(index ?? '', { codec: codec ?? '', frames: Number(frames) || 0 });
  }
  return [...byIndex.values()];
}
