import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAv1Config, buildOpusHead, buildVpcc, parseVp9KeyFrame } from '../../codecs/index.ts';
import { descriptionToSdp, parseRtpPacket, parseSdp, sdpToDescription, type Description, type Format, type Media, type RtpPacket } from '../../formats/index.ts';
import { Logger } from '../../lib/index.ts';
import { Stream, StreamReader, type Unit } from '../../stream/index.ts';
import { encodeAmf0, encodeAmf0EcmaArray } from './amf0.ts';
import { EnhancedCaps } from './enhanced-caps.ts';
import { RtmpChunkReader } from './chunk-reader.ts';
import { buildFlvExAudio, buildFlvExVideo, fourccNumber } from './flv-enhanced.ts';
import { buildFlvLegacyAudio, parseFlvAudio, parseFlvVideo } from './flv-tags.ts';
import { FLV_AUDIO_MP3, FLV_AUDIO_PCMU, type RtmpVideoCodec } from './flv-types.ts';
import { RtmpStreamMuxer } from './from-stream.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';
import { RtmpToStream } from './to-stream.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
// Real headers (Debian FFmpeg 5.1: libaom / libvpx, 320x240) followed by filler standing in for coded data.
const AV1_SEQ = hex('0a0b 000000043cffbcdaf9 0040');
const TD = hex('1200');
const av1Frame = (n: number): Buffer => Buffer.concat([Buffer.from([0x32]), Buffer.from([0x80 | (n & 0x7f), n >> 7]), Buffer.alloc(n, 0x5a)]); // frame OBU, 2-byte LEB128 size
const VP9_KEY = Buffer.concat([hex('824983420013f00ef60838241c184a00'), Buffer.alloc(3000, 0x11)]);
const VP9_INTER = Buffer.concat([hex('86'), Buffer.alloc(700, 0x22)]);
const OPUS = [hex('fc ff fe'), hex('fc 01 02 03'), hex('fc 0a')];

type Written = { media: Media; format: Format; unit: Unit };

/** What an RTMP player receives: onMetaData, then sequence headers and frames, as parsed tags with timestamps. */
interface Played { video: { ms: number; tag: ReturnType<typeof parseFlvVideo> }[]; audio: { ms: number; tag: ReturnType<typeof parseFlvAudio> }[]; meta: RtmpMessage }

const msg = (type: number, timestamp: number, body: Buffer): RtmpMessage => ({ chunkStreamId: type === RtmpMessageType.Audio ? 4 : 6, type, timestamp, messageStreamId: 1, body });
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
const log = Logger.silent();

/** The audio track a test publisher sends: onMetaData's audiocodecid, the first message (sequence header or frame), and the i-th frame. */
interface TestAudio { readonly id: number; readonly first: Buffer; frame(i: number): Buffer }
const OPUS_AUDIO: TestAudio = {
  id: fourccNumber('Opus'), first: buildFlvExAudio({ codec: 'opus', config: buildOpusHead(2, 312) }), frame: (i) => buildFlvExAudio({ codec: 'opus', data: OPUS[i % OPUS.length]! }),
};

/** Attaches an RTMP player of `stream` as the server's RtmpPlayer does (a muxer, a reader of frames); returns what it got so far. */
function attachPlayer(stream: Stream, caps: EnhancedCaps): () => Played {
  const mux = new RtmpStreamMuxer(stream.description, 128, caps);
  assert.deepEqual(mux.skipped, []);
  const bytes = [mux.headerBytes()];
  const keep = (b: Buffer | null): void => { if (b) bytes.push(b); };
  const reader = new StreamReader({ queueSize: 4096, log, entries: 'frames' });
  if (mux.video) reader.onData(mux.video.media, mux.video.format, (u) => keep(mux.videoBytes(u)));
  if (mux.audio) reader.onData(mux.audio.media, mux.audio.format, (u) => keep(mux.audioBytes(u)));
  stream.addReader(reader);
  return () => {
    const msgs = new RtmpChunkReader().push(Buffer.concat(bytes));
    return {
      meta: msgs[0]!,
      video: msgs.filter((m) => m.type === RtmpMessageType.Video).map((m) => ({ ms: m.timestamp, tag: parseFlvVideo(m.body) })),
      audio: msgs.filter((m) => m.type === RtmpMessageType.Audio).map((m) => ({ ms: m.timestamp, tag: parseFlvAudio(m.body) })),
    };
  };
}

/** A publish through the server: the description, the units readers of units got, the RTP an RTSP reader got, and what players got. */
interface Published {
  desc: Description;
  units: Written[];
  rtp: { format: Format; packet: RtpPacket }[];
  /** What a player got from the stream as published, and from the same stream after a trip through RTSP (SDP and RTP). */
  played: [direct: Played, viaRtp: Played];
}

const PLAYER_CAPS = EnhancedCaps.fromConnect({ fourCcList: ['av01', 'vp09', 'Opus'] });

/**
 * Publishes Enhanced RTMP messages into a stream, read by a reader of units, an RTSP reader (RTP payloads of at most
 * 1200 bytes) and an RTMP player; then an RTSP publisher of the same SDP and packets feeds a second stream, read by
 * another player.
 */
async function publish(videocodecid: string, config: Buffer, frames: { ms: number; key: boolean; data: Buffer }[], codec: RtmpVideoCodec, audio = OPUS_AUDIO): Promise<Published> {
  const ts = new RtmpToStream();
  const meta = Buffer.concat([encodeAmf0('@setDataFrame', 'onMetaData'), encodeAmf0EcmaArray({ videocodecid: fourccNumber(videocodecid), audiocodecid: audio.id })]);
  assert.equal(ts.collect(msg(RtmpMessageType.DataAmf0, 0, meta)), undefined);
  assert.equal(ts.collect(msg(RtmpMessageType.Video, 0, buildFlvExVideo({ codec, config, isKeyframe: true, compositionTimeMs: 0 }))), undefined, 'waits for the announced audio');
  const desc = ts.collect(msg(RtmpMessageType.Audio, 0, audio.first));
  assert.ok(desc);
  const stream = new Stream(desc);
  const units: Written[] = [];
  const rtp: Published['rtp'] = [];
  const unitReader = new StreamReader({ queueSize: 4096, log });
  const rtspReader = new StreamReader({ queueSize: 4096, log, rtp: { maxPacketSize: 1212 } });
  for (const media of desc.medias) {
    for (const format of media.formats) {
      unitReader.onData(media, format, (unit) => { units.push({ media, format, unit }); });
      rtspReader.onData(media, format, (unit) => { for (const packet of unit.rtpPackets ?? []) rtp.push({ format, packet }); });
    }
  }
  stream.addReader(unitReader);
  stream.addReader(rtspReader);
  const direct = attachPlayer(stream, PLAYER_CAPS);
  ts.attach(stream);
  frames.forEach((f, i) => {
    ts.write(msg(RtmpMessageType.Video, f.ms, buildFlvExVideo({ codec, data: f.data, isKeyframe: f.key, compositionTimeMs: 0 })));
    ts.write(msg(RtmpMessageType.Audio, f.ms, audio.frame(i)));
  });
  await nextTurn();

  const sdp = descriptionToSdp(desc, { controls: desc.medias.map((_, i) => `trackID=${i}`) });
  const rtspDesc = sdpToDescription(parseSdp(sdp)).description;
  const rtspStream = new Stream(rtspDesc);
  const viaRtp = attachPlayer(rtspStream, PLAYER_CAPS);
  for (const { format, packet } of rtp) {
    const i: number = desc.medias.findIndex((m) => m.formats.includes(format));
    const media: Media = rtspDesc.medias[i]!;
    assert.equal(rtspStream.writeRtpPacket(media, media.formats[0]!, parseRtpPacket(packet.raw), new Date(0)), undefined);
  }
  await nextTurn();
  return { desc, units, rtp, played: [direct(), viaRtp()] };
}

describe('RTMP conversion through the stream and RTP: AV1, VP9, Opus (Enhanced RTMP), MP3 and G711 (FLV)', () => {
  it('AV1: av1C and temporal units reach RTMP players unchanged, directly and via RTP', async () => {
    const frames = [
      { ms: 0, key: true, data: Buffer.concat([TD, AV1_SEQ, av1Frame(3000)]) },
      { ms: 33, key: false, data: Buffer.concat([TD, av1Frame(200)]) },
      { ms: 67, key: true, data: av1Frame(2500) }, // a key frame whose sequence header the publisher left out
    ];
    const { desc, units, rtp, played } = await publish('av01', buildAv1Config(AV1_SEQ), frames, 'av1');
    const vf = desc.medias[0]!.formats[0]!;
    assert.deepEqual([vf.encoding, vf.clockRate, vf.fmtp], ['AV1', 90000, 'profile=0; level-idx=0; tier=0']);
    const video = units.filter((u) => u.format === vf);
    assert.deepEqual(video.map((u) => u.unit.randomAccess), [true, false, true]);
    const videoRtp = rtp.filter((r) => r.format === vf);
    assert.ok(videoRtp.length >= 6 && videoRtp.every((r) => r.packet.payload.length <= 1200), 'payloads within the limit');
    for (const out of played) {
      const tags = out.video.map((v) => v.tag);
      assert.deepEqual(tags[0], { kind: 'config', codec: 'av1', config: buildAv1Config(AV1_SEQ) });
      const got = tags.slice(1).filter((t) => t.kind === 'frame');
      assert.deepEqual(got.map((t) => t.kind === 'frame' && [t.isKeyframe, t.data.toString('hex')]), [
        [true, Buffer.concat([AV1_SEQ, av1Frame(3000)]).toString('hex')],
        [false, av1Frame(200).toString('hex')],
        [true, Buffer.concat([AV1_SEQ, av1Frame(2500)]).toString('hex')],
      ]);
      assert.deepEqual(out.video.filter((v) => v.tag.kind === 'frame').map((v) => v.ms), [0, 33, 67]);
    }
  });

  it('VP9: the vpcC is rebuilt from the key frame as FFmpeg writes it; frames and key flags survive, also via RTP', async () => {
    const vpcc = buildVpcc(parseVp9KeyFrame(VP9_KEY)!);
    assert.deepEqual(vpcc, hex('010000000014820202020000'));
    const frames = [{ ms: 0, key: true, data: VP9_KEY }, { ms: 40, key: false, data: VP9_INTER }, { ms: 80, key: false, data: VP9_INTER }];
    const { desc, played } = await publish('vp09', vpcc, frames, 'vp9');
    const vf = desc.medias[0]!.formats[0]!;
    assert.deepEqual([vf.encoding, vf.fmtp], ['VP9', 'profile-id=0']);
    for (const out of played) {
      assert.deepEqual(out.video[0]!.tag, { kind: 'config', codec: 'vp9', config: vpcc });
      const got = out.video.filter((v) => v.tag.kind === 'frame').map((v) => v.tag.kind === 'frame' && [v.ms, v.tag.isKeyframe, v.tag.data.length]);
      assert.deepEqual(got, [[0, true, VP9_KEY.length], [40, false, VP9_INTER.length], [80, false, VP9_INTER.length]]);
    }
  });

  it('Opus: OpusHead and packets reach RTMP players with their timestamps, also via RTP; onMetaData names the FourCCs', async () => {
    const { desc, played } = await publish('vp09', buildVpcc(parseVp9KeyFrame(VP9_KEY)!), [
      { ms: 0, key: true, data: VP9_KEY }, { ms: 20, key: false, data: VP9_INTER }, { ms: 40, key: false, data: VP9_INTER },
    ], 'vp9');
    const af = desc.medias[1]!.formats[0]!;
    assert.deepEqual([af.encoding, af.clockRate, af.channels, af.fmtp], ['opus', 48000, 2, 'sprop-stereo=1']);
    for (const out of played) {
      assert.deepEqual(out.audio[0]!.tag, { kind: 'config', codec: 'opus', config: buildOpusHead(2) });
      const frames = out.audio.slice(1);
      assert.deepEqual(frames.map((f) => f.tag), OPUS.map((data) => ({ kind: 'frame', codec: 'opus', data })));
      assert.deepEqual(frames.map((f) => f.ms), [0, 20, 40]);
      const meta = out.meta.body.toString('latin1');
      assert.ok(meta.includes('videocodecid') && meta.includes('audiocodecid'));
    }
  });

  it('a legacy player (no Enhanced RTMP in connect) gets H264/AAC only; AV1, VP9 and Opus are left out with the reason', async () => {
    const { desc } = await publish('vp09', buildVpcc(parseVp9KeyFrame(VP9_KEY)!), [], 'vp9');
    const mux = new RtmpStreamMuxer(desc, 128, EnhancedCaps.none);
    assert.equal(mux.video, undefined);
    assert.equal(mux.audio, undefined);
    assert.deepEqual(mux.skipped, [
      "vp9/90000 is left out: the player did not announce Enhanced RTMP 'vp09' in connect",
      "opus/48000 is left out: the player did not announce Enhanced RTMP 'Opus' in connect",
    ]);
    const onlyOpus = new RtmpStreamMuxer(desc, 128, EnhancedCaps.fromConnect({ fourCcList: ['Opus'] }));
    assert.equal(onlyOpus.video, undefined);
    assert.equal(onlyOpus.audio?.codec, 'opus');
  });

  it('MP3 (two frames a message) and G711 travel as legacy FLV to every player, frames and timestamps kept, also via RTP', async () => {
    // MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417-byte frames of 1152 samples.
    const mp3Frame = (n: number): Buffer => Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413, n)]);
    const mp3Msg = (i: number): Buffer => buildFlvLegacyAudio('mp3', 44100, 2, Buffer.concat([mp3Frame(2 * i), mp3Frame(2 * i + 1)]));
    const mp3: TestAudio = { id: FLV_AUDIO_MP3, first: mp3Msg(0), frame: (i) => mp3Msg(i + 1) };
    const vpcc = buildVpcc(parseVp9KeyFrame(VP9_KEY)!);
    const video = [{ ms: 0, key: true, data: VP9_KEY }, { ms: 52, key: false, data: VP9_INTER }];
    const { desc, played } = await publish('vp09', vpcc, video, 'vp9', mp3);
    const af = desc.medias[1]!.formats[0]!;
    assert.deepEqual([af.encoding, af.payloadType, af.clockRate], ['MPA', 14, 90000]);
    for (const out of played) {
      const frames = out.audio.map((a) => (a.tag.kind === 'frame' && a.tag.codec === 'mp3' ? [a.ms, a.tag.data[4]] : undefined));
      // The first message went into the description; 1152 samples at 44.1 kHz = 26.1 ms per frame.
      assert.deepEqual(frames, [[0, 2], [26, 3], [52, 4], [78, 5]]);
    }
    const legacy = new RtmpStreamMuxer(desc, 128, EnhancedCaps.none);
    assert.equal(legacy.audio?.codec, 'mp3', 'legacy players get MP3');

    const g711: TestAudio = { id: FLV_AUDIO_PCMU, first: buildFlvLegacyAudio('pcmu', 8000, 1, Buffer.alloc(160, 1)), frame: (i) => buildFlvLegacyAudio('pcmu', 8000, 1, Buffer.alloc(160, i + 2)) };
    const g = await publish('vp09', vpcc, [{ ms: 0, key: true, data: VP9_KEY }, { ms: 20, key: false, data: VP9_INTER }, { ms: 40, key: false, data: VP9_INTER }], 'vp9', g711);
    const gf = g.desc.medias[1]!.formats[0]!;
    assert.deepEqual([gf.encoding, gf.payloadType, gf.clockRate, gf.channels], ['PCMU', 0, 8000, 1]);
    for (const out of g.played) {
      assert.deepEqual(out.audio.map((a) => a.tag.kind === 'frame' && [a.ms, a.tag.codec, a.tag.data.length, a.tag.data[0]]), [[0, 'pcmu', 160, 2], [20, 'pcmu', 160, 3], [40, 'pcmu', 160, 4]]);
    }
  });
});
