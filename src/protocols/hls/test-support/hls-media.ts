import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  annexBToNalus, av1ObuType, Av1ObuType, parseAdts, parseAv1SequenceHeader, splitAv1Obus, splitMpegAudioFrames,
  h264NaluType, H264NaluType, h265NaluType, H265NaluType,
} from '../../../codecs/index.ts';
import {
  av1Format, decodeOpusAccessUnits, h264Format, h265Format, mpeg4AudioFormat, mpegAudioFormat, MpegTsDemuxer, opusFormat, vp9Format,
  type Format, type Media,
} from '../../../formats/index.ts';
import type { Unit } from '../../../stream/index.ts';
import { readIvf } from '../../../../test/support/media-files.ts';
import type { TimedUnit } from './hls-units.ts';

const INSTALL = 'sudo apt-get install -y ffmpeg   (or run the test command as root: npm test installs it)';

/** Media encoded by FFmpeg for a test: its medias and its units in the order FFmpeg wrote them, due at their dts. */
export interface EncodedMedia { readonly medias: Media[]; readonly units: TimedUnit[] }

function run(cmd: string, args: readonly string[]): Buffer {
  const r = spawnSync(cmd, args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${cmd} is not installed: ${INSTALL}`);
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} exited with ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

const LAVFI = (seconds: number): string[] => [
  '-f', 'lavfi', '-i', `testsrc2=size=64x64:rate=25:duration=${seconds}`,
  '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
];

/** FFmpeg's codec options per test codec. */
export const ENCODERS = {
  h264: ['-c:v', 'libx264', '-bf', '2', '-pix_fmt', 'yuv420p'],
  h265: ['-c:v', 'libx265', '-pix_fmt', 'yuv420p'],
  aac: ['-c:a', 'aac', '-b:a', '32k', '-ac', '1'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '32k', '-ac', '1', '-ar', '44100'],
  opus: ['-c:a', 'libopus', '-b:a', '32k', '-ac', '2'],
} as const;

/**
 * `seconds` of 64x64 video at 25 fps (a key frame every `gopFrames`, 1 s by default) and a sine, encoded by FFmpeg into MPEG-TS and read
 * back with our demuxer into units, as an RTSP or RTMP publisher's stream would carry them.
 */
export function encodeTs(video: 'h264' | 'h265', audio: 'aac' | 'mp3' | 'opus', seconds: number, gopFrames = 25): EncodedMedia {
  const gop = video === 'h264' ? ['-g', String(gopFrames)] : ['-x265-params', `log-level=none:keyint=${gopFrames}:bframes=2`];
  const ts = run('ffmpeg', ['-v', 'error', ...LAVFI(seconds), '-fflags', '+bitexact', ...ENCODERS[video], ...gop, ...ENCODERS[audio], '-f', 'mpegts', 'pipe:1']);
  const d = new MpegTsDemuxer();
  const events = [...d.push(ts), ...d.flush()];
  let videoFormat: Format | undefined;
  let audioFormat: Format | undefined;
  const raw: { kind: 'video' | 'audio'; unit: Unit }[] = [];
  for (const e of events) {
    if (e.kind !== 'pes') continue;
    const codec = e.track.codec.codec;
    if (codec === 'h264' || codec === 'h265') {
      const nalus = annexBToNalus(e.data).map((n) => Buffer.from(n));
      const isKey = e.isRandomAccess;
      videoFormat ??= codec === 'h264' ? h264FormatOf(nalus) : h265FormatOf(nalus);
      raw.push({ kind: 'video', unit: { pts: e.pts, dts: e.dts, payload: nalus, randomAccess: isKey } });
    } else if (codec === 'mpeg4Audio') {
      const frames = parseAdts(e.data);
      audioFormat ??= mpeg4AudioFormat(97, frames[0]!.config, frames[0]!.sampleRate, frames[0]!.channels);
      raw.push({ kind: 'audio', unit: { pts: rescale90k(e.pts, audioFormat.clockRate), payload: frames.map((f) => Buffer.from(f.au)) } });
    } else if (codec === 'mpeg1Audio') {
      audioFormat ??= mpegAudioFormat();
      raw.push({ kind: 'audio', unit: { pts: e.pts, payload: splitMpegAudioFrames(Buffer.from(e.data)) } });
    } else if (codec === 'opus') {
      audioFormat ??= opusFormat(97, 2);
      raw.push({ kind: 'audio', unit: { pts: rescale90k(e.pts, 48000), payload: decodeOpusAccessUnits(e.data) } });
    }
  }
  const first = Math.min(...events.flatMap((e) => (e.kind === 'pes' ? [e.dts] : [])));
  const units = raw.map((r) => {
    const format = r.kind === 'video' ? videoFormat! : audioFormat!;
    const dts90k = r.kind === 'video' ? r.unit.dts! : (r.unit.pts * 90000) / format.clockRate;
    return { format, unit: r.unit, atMs: Math.max(0, (dts90k - first) / 90) };
  });
  return { medias: [{ kind: 'video', formats: [videoFormat!] }, { kind: 'audio', formats: [audioFormat!] }], units };
}

const rescale90k = (ticks90k: number, rate: number): number => Math.round((ticks90k * rate) / 90000);

function h264FormatOf(nalus: readonly Buffer[]): Format {
  return h264Format(96, nalus.find((n) => h264NaluType(n) === H264NaluType.Sps)!, nalus.find((n) => h264NaluType(n) === H264NaluType.Pps)!);
}

function h265FormatOf(nalus: readonly Buffer[]): Format {
  const find = (t: number): Buffer => nalus.find((n) => h265NaluType(n) === t)!;
  return h265Format(96, { vps: find(H265NaluType.Vps), sps: find(H265NaluType.Sps), pps: find(H265NaluType.Pps) });
}

/** `seconds` of VP9 or AV1 video (64x64, 25 fps, a key frame every second), encoded by FFmpeg into IVF and read back. */
export function encodeIvf(codec: 'vp9' | 'av1', seconds: number): EncodedMedia {
  const dir = mkdtempSync(join(tmpdir(), 'mtx-hls-ivf-'));
  try {
    const file = join(dir, 'v.ivf');
    const encoder = codec === 'vp9'
      ? ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-g', '25']
      : ['-c:v', 'libaom-av1', '-usage', 'realtime', '-cpu-used', '8', '-g', '25'];
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=64x64:rate=25:duration=${seconds}`, ...encoder, '-pix_fmt', 'yuv420p', '-f', 'ivf', file]);
    // FFmpeg writes IVF timestamps in its time base (rate / scale at bytes 16 and 20 of the header).
    const header = readFileSync(file).subarray(0, 32);
    const msPerTick = (1000 * header.readUInt32LE(20)) / header.readUInt32LE(16);
    const frames = readIvf(file).map((f) => ({ pts: Math.round(f.pts * msPerTick), data: f.data }));
    let format: Format;
    let units: TimedUnit[];
    if (codec === 'vp9') {
      format = vp9Format(96);
      units = frames.map((f) => ({ format, unit: { pts: f.pts * 90, payload: f.data }, atMs: f.pts }));
    } else {
      const tus = frames.map((f) => splitAv1Obus(Buffer.from(f.data)).filter((o) => av1ObuType(o) !== Av1ObuType.TemporalDelimiter));
      const sequenceHeader = tus[0]!.find((o) => av1ObuType(o) === Av1ObuType.SequenceHeader)!;
      format = av1Format(96, { sequenceHeader, header: parseAv1SequenceHeader(sequenceHeader) });
      units = tus.map((tu, i) => ({ format, unit: { pts: frames[i]!.pts * 90, payload: tu }, atMs: frames[i]!.pts }));
    }
    return { medias: [{ kind: 'video', formats: [format] }], units };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What ffprobe says of a file after decoding every frame (`-count_frames`). */
export interface Probe {
  readonly streams: readonly { codec_name: string; codec_type: string; nb_read_frames?: string }[];
  readonly packets: readonly { stream_index: number; dts_time?: string; pts_time?: string; flags: string }[];
  /** What FFmpeg printed at level error while reading and decoding (empty when all went well). */
  readonly errors: string;
}

/** Runs ffprobe on bytes (as a file with `extension`), decoding every frame. */
export function probe(bytes: Uint8Array, extension: string): Probe {
  const dir = mkdtempSync(join(tmpdir(), 'mtx-hls-probe-'));
  try {
    const file = join(dir, `probe.${extension}`);
    writeFileSync(file, bytes);
    const r = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_packets', '-of', 'json', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw new Error(`ffprobe: ${r.error.message}: ${INSTALL}`);
    const json = JSON.parse(r.stdout) as Partial<Probe>;
    return { streams: json.streams ?? [], packets: json.packets ?? [], errors: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
