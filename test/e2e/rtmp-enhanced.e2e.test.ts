import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish } from '../support/media.ts';
import { publishRaw, type TimedBody } from '../support/rtmp-raw-publisher.ts';
import { playRtmpMessages } from '../support/rtmp-raw-player.ts';
import { rawRead } from '../support/rtsp-raw-client.ts';
import { readIvf, readOggPackets, writeIvf, writeOggOpus, opusPacketSamples, type IvfFrame } from '../support/media-files.ts';
import { describeRun, run, tail } from '../support/process.ts';
import {
  av1IsRandomAccess, av1ObuWithSize, buildAv1Config, buildVpcc, parseAv1Config, parseOpusHead, parseVp9KeyFrame, parseVpcc, splitAv1Obus, vp9IsKeyFrame,
} from '../../src/codecs/index.ts';
import { Av1Depacketizer, parseRtpPacket } from '../../src/formats/index.ts';
import { RtmpMessageType, buildFlvExAudio, buildFlvExVideo, fourccNumber, parseFlvAudio, parseFlvVideo } from '../../src/protocols/rtmp/index.ts';

// Debian's FFmpeg 5.1 and GStreamer 1.22 predate Enhanced RTMP, so the RTMP side here is our own minimal client
// (test/support/rtmp-raw-*), fed with and checked by FFmpeg's encoders and decoders. Neither can carry AV1 over RTP
// (FFmpeg: "Unsupported codec av1"; no rtpav1pay/depay in GStreamer 1.22), so AV1's RTSP side is read by our RTSP
// client and depacketizer, and FFmpeg decodes what came out.

/** Encodes `seconds` of the test pattern or a sine tone with FFmpeg into `file`. */
async function encode(file: string, input: 'video' | 'audio', codecArgs: string[], format: string, seconds: number): Promise<void> {
  const src = input === 'video' ? ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25'] : ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
  const r = await run('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...src, '-t', String(seconds), ...codecArgs, '-f', format, file], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `encoding ${file}\n${describeRun('ffmpeg', r)}`);
}

/** Frames FFmpeg decodes from `file`, per stream index, and what it printed on stderr. */
async function decode(file: string, format?: string): Promise<{ frames: Map<number, number>; stderr: string }> {
  const r = await run('ffmpeg', ['-nostdin', '-v', 'error', ...(format ? ['-f', format] : []), '-i', file, '-map', '0', '-f', 'framecrc', '-'], { timeoutMs: 30_000 });
  const frames = new Map<number, number>();
  for (const l of r.stdout.split('\n')) {
    if (l === '' || l.startsWith('#')) continue;
    const idx = Number(l.split(',')[0]);
    frames.set(idx, (frames.get(idx) ?? 0) + 1);
  }
  return { frames, stderr: r.stderr };
}

/** Opus packets of an Ogg file and their timestamps (ms), OpusHead first. */
function opusTrack(file: string): { head: Buffer; packets: { ms: number; data: Buffer }[] } {
  const [head, , ...audio] = readOggPackets(file);
  let samples = 0;
  const packets = audio.map((data) => { const ms = Math.round(samples / 48); samples += opusPacketSamples(data); return { ms, data }; });
  return { head: head!, packets };
}

// FFmpeg publishers run until the test stops them (in finally): no reader can outlast them, however slow the machine.
const LIVE_SECONDS = 300;

const video = (ms: number, body: Buffer): TimedBody => ({ ms, type: 'video', body });
const audio = (ms: number, body: Buffer): TimedBody => ({ ms, type: 'audio', body });

describe('AV1, VP9 and Opus over Enhanced RTMP', () => {
  let server: TestServer;
  before(async () => { server = await startServer('paths:\n  all:\n'); });
  after(async () => { await server?.stop(); });

  it('an Enhanced RTMP AV1 publisher is read as av01 by RTMP players and as AV1/RTP by RTSP readers; FFmpeg decodes both', async () => {
    const src = join(server.dir, 'src-av1.ivf');
    await encode(src, 'video', ['-c:v', 'libaom-av1', '-cpu-used', '8', '-usage', 'realtime', '-g', '25', '-b:v', '300k'], 'ivf', 12);
    const tus = readIvf(src);
    const seq = splitAv1Obus(tus[0]!.data).find((o) => av1IsRandomAccess([o]))!;
    const pub = publishRaw(server.ports.rtmp, 'live', 'av1in', {
      metadata: { videocodecid: fourccNumber('av01'), width: 320, height: 240 },
      headers: [video(0, buildFlvExVideo({ codec: 'av1', config: buildAv1Config(seq), isKeyframe: true, compositionTimeMs: 0 }))],
      media: tus.map((tu, i) => video(i * 40, buildFlvExVideo({ codec: 'av1', data: tu.data, isKeyframe: av1IsRandomAccess(splitAv1Obus(tu.data)), compositionTimeMs: 0 }))),
      loop: true, // until the test ends, however long the readers take
    });
    try {
      await server.waitForLog(/\[path live\/av1in\] stream is ready.*AV1/, 15_000);
      // RTMP player: av1C first, then temporal units from a key frame on.
      const got: IvfFrame[] = [];
      let config: Buffer | undefined;
      await playRtmpMessages(server.ports.rtmp, 'live', 'av1in', (m) => {
        if (m.type !== RtmpMessageType.Video) return false;
        const v = parseFlvVideo(m.body);
        if (v.kind === 'config' && v.codec === 'av1') config = v.config;
        if (v.kind === 'frame' && v.codec === 'av1') {
          if (got.length === 0) assert.ok(v.isKeyframe && av1IsRandomAccess(splitAv1Obus(v.data)), `the first frame is a key frame with its sequence header (key frame flag: ${v.isKeyframe})`);
          got.push({ pts: m.timestamp, data: Buffer.concat([Buffer.from([0x12, 0]), v.data]) }); // IVF frames start with a temporal delimiter
        }
        return got.length >= 50;
      }, 20_000);
      assert.ok(config, `av1C sent before the frames (${got.length} frames came without one)`);
      assert.deepEqual(parseAv1Config(config).sequenceHeader, seq, 'the av1C carries the publisher\'s sequence header');
      const viaRtmp = join(server.dir, 'got-rtmp.ivf');
      writeIvf(viaRtmp, 'AV01', 320, 240, got);
      const d1 = await decode(viaRtmp);
      assert.equal(d1.stderr, '', `FFmpeg decodes what the RTMP player got without errors:\n${tail(d1.stderr)}`);
      assert.equal(d1.frames.get(0), 50, `FFmpeg decoded ${d1.frames.get(0)} of the 50 AV1 frames the RTMP player got`);

      // RTSP reader: AV1 RTP packets, depacketized by our depacketizer.
      const client = await rawRead(server.ports.rtsp, 'live/av1in');
      const depack = new Av1Depacketizer();
      const rtsp: IvfFrame[] = [];
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`only ${rtsp.length} temporal units over RTSP in 15 s\n${logTail(server)}`)), 15_000);
        client.onFrame = (channel, payload) => {
          if (channel !== 0) return;
          for (const tu of depack.push(parseRtpPacket(payload))) {
            if (rtsp.length === 0 && !av1IsRandomAccess(tu.obus)) continue; // RTSP readers start live: wait for a key frame
            rtsp.push({ pts: Math.round(tu.pts / 90), data: Buffer.concat([Buffer.from([0x12, 0]), ...tu.obus.map(av1ObuWithSize)]) });
          }
          if (rtsp.length >= 30) { clearTimeout(t); resolve(); }
        };
      });
      client.close();
      const viaRtsp = join(server.dir, 'got-rtsp.ivf');
      writeIvf(viaRtsp, 'AV01', 320, 240, rtsp.map((f) => ({ pts: f.pts - rtsp[0]!.pts, data: f.data })));
      const d2 = await decode(viaRtsp);
      assert.equal(d2.stderr, '', `FFmpeg decodes what the RTSP reader got without errors:\n${tail(d2.stderr)}`);
      assert.equal(d2.frames.get(0), 30, `FFmpeg decoded ${d2.frames.get(0)} of the 30 AV1 temporal units the RTSP reader got`);
    } finally {
      pub.socket.destroy();
    }
  });

  it('an Enhanced RTMP VP9 + Opus publisher is read and decoded by FFmpeg over RTSP', async () => {
    const v = join(server.dir, 'src-vp9.ivf');
    const a = join(server.dir, 'src-opus.ogg');
    await encode(v, 'video', ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '25', '-pix_fmt', 'yuv420p'], 'ivf', 12);
    await encode(a, 'audio', ['-c:a', 'libopus', '-b:a', '64k', '-ac', '2'], 'ogg', 12);
    const frames = readIvf(v);
    const opus = opusTrack(a);
    const key = parseVp9KeyFrame(frames[0]!.data)!;
    const pub = publishRaw(server.ports.rtmp, 'live', 'vp9in', {
      metadata: { videocodecid: fourccNumber('vp09'), audiocodecid: fourccNumber('Opus') },
      headers: [
        video(0, buildFlvExVideo({ codec: 'vp9', config: buildVpcc(key), isKeyframe: true, compositionTimeMs: 0 })),
        audio(0, buildFlvExAudio({ codec: 'opus', config: opus.head })),
      ],
      media: [
        ...frames.map((f, i) => video(i * 40, buildFlvExVideo({ codec: 'vp9', data: f.data, isKeyframe: vp9IsKeyFrame(f.data), compositionTimeMs: 0 }))),
        ...opus.packets.map((p) => audio(p.ms, buildFlvExAudio({ codec: 'opus', data: p.data }))),
      ],
      loop: true, // until the test ends, however long the readers take
    });
    try {
      await server.waitForLog(/\[path live\/vp9in\] stream is ready.*VP9.*Opus/i, 15_000);
      const p = await run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-show_entries', 'stream=codec_name,channels,profile', '-of', 'csv=p=0', server.url('live/vp9in')], { timeoutMs: 20_000 });
      assert.deepEqual(p.stdout.trim().split('\n').map((l) => l.replace(/,+$/, '')), ['vp9,Profile 0', 'opus,unknown,2'], `ffprobe's codec, profile, channels\n${describeRun('ffprobe', p)}`);
      const r = await run('ffmpeg', ['-nostdin', '-v', 'error', '-rtsp_transport', 'tcp', '-i', server.url('live/vp9in'), '-t', '3', '-map', '0', '-f', 'framecrc', '-'], { timeoutMs: 25_000 });
      const lines = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      const videoFrames = lines.filter((l) => l.startsWith('0,')).length;
      const audioFrames = lines.filter((l) => l.startsWith('1,')).length;
      assert.ok(videoFrames >= 50, `decoded ${videoFrames} VP9 frames (50 wanted) in 3 s\n${describeRun('ffmpeg', r)}\n${logTail(server)}`);
      assert.ok(audioFrames >= 100, `decoded ${audioFrames} Opus frames (100 wanted) in 3 s\n${describeRun('ffmpeg', r)}\n${logTail(server)}`);
    } finally {
      pub.socket.destroy();
    }
  });

  it('an RTSP VP9 + Opus publisher (FFmpeg) is sent to RTMP players as vp09 + Opus that FFmpeg decodes', async () => {
    const pub = ffmpegPublish(server.url('vp9out'), { video: 'vp9', audio: 'opus', seconds: LIVE_SECONDS });
    try {
      await server.waitForLog(/\[path vp9out\] stream is ready/, 15_000);
      const frames: IvfFrame[] = [];
      const packets: Buffer[] = [];
      let vpcc: Buffer | undefined;
      let head: Buffer | undefined;
      await playRtmpMessages(server.ports.rtmp, 'vp9out', '', (m) => {
        if (m.type === RtmpMessageType.Video) {
          const t = parseFlvVideo(m.body);
          if (t.kind === 'config' && t.codec === 'vp9') vpcc = t.config;
          if (t.kind === 'frame' && t.codec === 'vp9') {
            if (frames.length === 0) assert.ok(t.isKeyframe && vp9IsKeyFrame(t.data), `the first frame is a key frame (key frame flag: ${t.isKeyframe})`);
            frames.push({ pts: m.timestamp, data: t.data });
          }
        } else if (m.type === RtmpMessageType.Audio) {
          const t = parseFlvAudio(m.body);
          if (t.kind === 'config' && t.codec === 'opus') head = t.config;
          if (t.kind === 'frame' && t.codec === 'opus' && frames.length > 0) packets.push(t.data);
        }
        return frames.length >= 50;
      }, 20_000);
      assert.ok(vpcc && head, `vpcC ${vpcc ? 'sent' : 'missing'}, OpusHead ${head ? 'sent' : 'missing'} (${frames.length} VP9 frames, ${packets.length} Opus packets received)`);
      assert.deepEqual(parseVpcc(vpcc), { profile: 0, bitDepth: 8 }, 'vpcC: profile and bit depth');
      assert.equal(parseOpusHead(head).channels, 2, 'OpusHead channels');
      const ivf = join(server.dir, 'vp9out.ivf');
      const ogg = join(server.dir, 'vp9out.ogg');
      writeIvf(ivf, 'VP90', 320, 240, frames.map((f) => ({ pts: f.pts - frames[0]!.pts, data: f.data })));
      writeOggOpus(ogg, head, packets);
      const dv = await decode(ivf);
      assert.equal(dv.stderr, '', `VP9 decodes without errors:\n${tail(dv.stderr)}`);
      assert.equal(dv.frames.get(0), 50, `FFmpeg decoded ${dv.frames.get(0)} of the 50 VP9 frames received`);
      const da = await decode(ogg);
      assert.equal(da.stderr, '', `Opus decodes without errors:\n${tail(da.stderr)}`);
      assert.ok(packets.length >= 80 && da.frames.get(0) === packets.length, `${da.frames.get(0)} of ${packets.length} Opus packets decoded`);
    } finally {
      await pub.stop();
    }
  });

  it('a legacy RTMP player (no Enhanced RTMP in connect) of a VP9 + Opus stream is refused with the reason; an Enhanced one plays', async () => {
    const pub = ffmpegPublish(server.url('vp9legacy'), { video: 'vp9', audio: 'opus', seconds: LIVE_SECONDS });
    try {
      await server.waitForLog(/\[path vp9legacy\] stream is ready/, 15_000);
      let legacyMessages = 0;
      const refused = await playRtmpMessages(server.ports.rtmp, 'vp9legacy', '', () => { legacyMessages++; return false; }, 10_000, {}).then(() => undefined, (e: Error) => e);
      assert.match(refused?.message ?? 'not refused', /closed by the server/, `a legacy player: ${refused?.message ?? 'not refused'} after ${legacyMessages} messages\n${logTail(server)}`);
      // The server logs these as it refuses the player, but its log reaches this process through a pipe, which may
      // deliver them after the player saw the connection close: wait for each line instead of reading the log once.
      await server.waitForLog(/track vp9\/90000 is left out: the player did not announce Enhanced RTMP 'vp09' in connect/);
      await server.waitForLog(/track opus\/48000 is left out: the player did not announce Enhanced RTMP 'Opus' in connect/);
      await server.waitForLog(/doesn't contain any codec this player can receive over RTMP/);
      let frames = 0;
      await playRtmpMessages(server.ports.rtmp, 'vp9legacy', '', (m) => {
        const t = m.type === RtmpMessageType.Video ? parseFlvVideo(m.body) : undefined;
        if (t?.kind === 'frame' && t.codec === 'vp9') frames++;
        return frames >= 10;
      }, 15_000, { fourCcList: ['vp09'] });
      assert.equal(frames, 10, `an Enhanced RTMP player got ${frames} VP9 frames`);
    } finally {
      await pub.stop();
    }
  });
});
