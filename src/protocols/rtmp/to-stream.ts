import {
  avccToNalus, av1IsRandomAccess, Av1ObuType, av1ObuType, h264NaluType, H264NaluType, h265NaluType, H265NaluType, h265IsRandomAccess,
  parseAudioSpecificConfig, parseAv1Config, parseAvcConfig, parseHevcConfig, parseMpegAudioHeader, parseOpusHead, parseVpcc, splitAv1Obus,
  splitMpegAudioFrames, vp9IsKeyFrame,
  type Av1Config, type AvcConfig, type HevcConfig,
} from '../../codecs/index.ts';
import {
  Av1Packetizer, FramePacketizer, H264Packetizer, H265Packetizer, Mpeg4AudioPacketizer, SamplesPacketizer, av1Format, g711Format, h264Format,
  h265Format, mpeg4AudioFormat, mpegAudioFormat, mpegAudioFraming, opusFormat, vp9Format, vp9Framing, type Description, type Format, type Media, type RtpPacket,
} from '../../formats/index.ts';
import type { SubStream } from '../../stream/index.ts';
import { parseFlvAudio, parseFlvVideo } from './flv-tags.ts';
import type { FlvVideo } from './flv-types.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';
import { decodeAmf0, type AmfValue } from './amf0.ts';

/** What the publisher announced in onMetaData: which tracks to wait for. */
interface Expected { video: boolean; audio: boolean }

/** The video configuration a publisher sent, by codec. */
type VideoConfig =
  | { readonly codec: 'h264'; readonly avc: AvcConfig }
  | { readonly codec: 'h265'; readonly hevc: HevcConfig }
  | { readonly codec: 'av1'; readonly av1: Av1Config }
  | { readonly codec: 'vp9'; readonly profile: number };

/** The audio configuration a publisher sent, by codec. */
type AudioConfig =
  | { readonly codec: 'aac'; readonly config: Buffer; readonly sampleRate: number; readonly channels: number }
  | { readonly codec: 'opus'; readonly channels: number }
  | { readonly codec: 'mp3'; readonly sampleRate: number; readonly samplesPerFrame: number }
  | { readonly codec: 'pcma' | 'pcmu'; readonly channels: number };

/** A track of the stream: where its units go and the packetizer that makes its RTP packets once. */
interface Track { readonly media: Media; readonly format: Format; readonly packetize: (payload: Buffer[], pts: number) => RtpPacket[] }

function parseVideoConfig(v: Extract<FlvVideo, { kind: 'config' }>): VideoConfig {
  switch (v.codec) {
    case 'h264': return { codec: 'h264', avc: parseAvcConfig(v.config) };
    case 'h265': return { codec: 'h265', hevc: parseHevcConfig(v.config) };
    case 'av1': return { codec: 'av1', av1: parseAv1Config(v.config) };
    case 'vp9': return { codec: 'vp9', profile: parseVpcc(v.config).profile };
  }
}

function videoTrack(c: VideoConfig, maxPayload: number): Track {
  const media = (format: Format): Media => ({ kind: 'video', formats: [format] });
  switch (c.codec) {
    case 'h264': {
      const p = new H264Packetizer(96, maxPayload);
      const format = h264Format(96, c.avc.sps, c.avc.pps);
      return { media: media(format), format, packetize: (nalus, pts) => p.packetize(nalus, pts) };
    }
    case 'h265': {
      const p = new H265Packetizer(96, maxPayload);
      const format = h265Format(96, c.hevc);
      return { media: media(format), format, packetize: (nalus, pts) => p.packetize(nalus, pts) };
    }
    case 'av1': {
      const p = new Av1Packetizer(96, maxPayload);
      const format = av1Format(96, c.av1.header);
      return { media: media(format), format, packetize: (obus, pts) => p.packetize(obus, pts) };
    }
    case 'vp9': {
      const p = new FramePacketizer(96, vp9Framing(), maxPayload);
      const format = vp9Format(96, c.profile);
      return { media: media(format), format, packetize: (frames, pts) => frames.flatMap((f) => p.packetize(f, pts)) };
    }
  }
}

function audioTrack(c: AudioConfig, maxPayload: number): Track {
  const media = (format: Format): Media => ({ kind: 'audio', formats: [format] });
  if (c.codec === 'aac') {
    const p = new Mpeg4AudioPacketizer(97);
    const format = mpeg4AudioFormat(97, c.config, c.sampleRate, c.channels);
    return { media: media(format), format, packetize: (aus, pts) => p.packetize(aus, pts) };
  }
  if (c.codec === 'mp3') {
    const p = new FramePacketizer(14, mpegAudioFraming, maxPayload);
    const format = mpegAudioFormat();
    const ticksPerFrame = (c.samplesPerFrame * format.clockRate) / c.sampleRate;
    return { media: media(format), format, packetize: (frames, pts) => frames.flatMap((f, i) => p.packetize(f, Math.round(pts + i * ticksPerFrame))) };
  }
  if (c.codec === 'pcma' || c.codec === 'pcmu') {
    const format = g711Format(c.codec === 'pcma', c.channels);
    const p = new SamplesPacketizer(format.payloadType, { bytesPerSample: 1, channels: c.channels }, maxPayload);
    return { media: media(format), format, packetize: (data, pts) => data.flatMap((d) => p.packetize(d, pts)) };
  }
  const p = new SamplesPacketizer(97, { bytesPerSample: 0, channels: 1 }, maxPayload); // one Opus packet per RTP packet
  const format = opusFormat(97, c.channels);
  return { media: media(format), format, packetize: (packets, pts) => packets.flatMap((d) => p.packetize(d, pts)) };
}

/**
 * Turns an RTMP publisher's messages into a Description and units (MediaMTX's rtmp to-stream). Tracks are known once
 * the sequence headers announced by onMetaData arrived. Each unit gets both the codec payload and RTP packets, made
 * once here, so RTSP readers need no per-reader work.
 */
export class RtmpToStream {
  private expected: Expected | undefined;
  private videoConfig: VideoConfig | undefined;
  private audioConfig: AudioConfig | undefined;
  private video: Track | undefined;
  private audio: Track | undefined;
  private sub: SubStream | undefined;
  /** Wall-clock time of RTMP timestamp 0, so units of both tracks get capture times on one clock. */
  private wallAtZero: number | undefined;
  /** Codecs this server can't carry yet, named once in the log by the caller. */
  readonly unsupported = new Set<string>();

  constructor(private readonly maxPayload: number) {}

  /** Feeds a message before the tracks are known; returns the description once they are. */
  collect(msg: RtmpMessage): Description | undefined {
    if (msg.type === RtmpMessageType.DataAmf0) this.onData(msg.body);
    else if (msg.type === RtmpMessageType.Video) {
      const v = parseFlvVideo(msg.body);
      if (v.kind === 'config') this.videoConfig = parseVideoConfig(v);
      else if (v.kind === 'other') this.unsupported.add(v.description);
    } else if (msg.type === RtmpMessageType.Audio) {
      const a = parseFlvAudio(msg.body);
      if (a.kind === 'config' && a.codec === 'aac') {
        const c = parseAudioSpecificConfig(a.config);
        this.audioConfig = { codec: 'aac', config: Buffer.from(a.config), sampleRate: c.sampleRate, channels: c.channels };
      } else if (a.kind === 'config' && a.codec === 'opus') {
        // An empty sequence start means mono or stereo with no more said (Enhanced RTMP v2): assume stereo.
        const head = a.config.length > 0 ? parseOpusHead(a.config) : { channels: 2, mappingFamily: 0 };
        if (head.mappingFamily === 0) this.audioConfig = { codec: 'opus', channels: head.channels };
        else this.unsupported.add(`Opus with ${head.channels} channels (mapping family ${head.mappingFamily})`);
      } else if (a.kind === 'frame' && !this.audioConfig) {
        // MP3 and G711 have no sequence header: the first frame tells the format.
        if (a.codec === 'mp3') {
          const h = parseMpegAudioHeader(a.data);
          this.audioConfig = { codec: 'mp3', sampleRate: h.sampleRate, samplesPerFrame: h.samples };
        } else if (a.codec === 'pcma' || a.codec === 'pcmu') {
          this.audioConfig = { codec: a.codec, channels: a.channels ?? 1 };
        }
      } else if (a.kind === 'other') this.unsupported.add(a.description);
    }
    return this.description(false);
  }

  /** The description with what arrived so far (`force`: stop waiting for announced tracks). */
  description(force: boolean): Description | undefined {
    const exp = this.expected ?? { video: true, audio: true };
    const haveVideo = this.videoConfig !== undefined;
    const haveAudio = this.audioConfig !== undefined;
    if (!force && ((exp.video && !haveVideo) || (exp.audio && !haveAudio))) return undefined;
    if (!haveVideo && !haveAudio) return undefined;
    this.video = this.videoConfig && videoTrack(this.videoConfig, this.maxPayload);
    this.audio = this.audioConfig && audioTrack(this.audioConfig, this.maxPayload);
    return { medias: [this.video?.media, this.audio?.media].filter((m): m is Media => m !== undefined) };
  }

  /** Starts writing units of every following message into `sub`. */
  attach(sub: SubStream): void { this.sub = sub; }

  /** Feeds a message once attached. Throws RtmpProtocolError/CodecError on malformed data. */
  write(msg: RtmpMessage): void {
    if (!this.sub) return;
    if (msg.type === RtmpMessageType.Video && this.video) this.writeVideo(msg, this.video);
    else if (msg.type === RtmpMessageType.Audio && this.audio) {
      const a = parseFlvAudio(msg.body);
      if (a.kind !== 'frame' || a.codec !== this.audioConfig?.codec || a.data.length === 0) return;
      const { media, format, packetize } = this.audio;
      const pts = Math.round((msg.timestamp * format.clockRate) / 1000);
      const payload = a.codec === 'mp3' ? splitMpegAudioFrames(a.data) : [a.data];
      this.sub.writeUnit(media, format, { pts, ntp: this.ntp(msg), payload, rtpPackets: packetize(payload, pts) });
    }
  }

  private writeVideo(msg: RtmpMessage, track: Track): void {
    const v = parseFlvVideo(msg.body);
    const c = this.videoConfig;
    if (!c || (v.kind !== 'config' && v.kind !== 'frame') || v.codec !== c.codec) return;
    if (v.kind === 'config') { this.videoConfig = parseVideoConfig(v); return; }
    const unit = this.videoUnit(c, v);
    if (!unit) return;
    const dts = msg.timestamp * 90;
    const pts = (msg.timestamp + v.compositionTimeMs) * 90;
    this.sub!.writeUnit(track.media, track.format, { pts, dts, ntp: this.ntp(msg), payload: unit.payload, randomAccess: unit.randomAccess, rtpPackets: track.packetize(unit.payload, pts) });
  }

  /**
   * Capture time of a message: RTMP timestamps of audio and video share one clock, so both tracks are placed on
   * it exactly (readers that align tracks by capture time, like RTMP players, keep the publisher's A/V sync).
   */
  private ntp(msg: RtmpMessage): Date {
    this.wallAtZero ??= Date.now() - msg.timestamp;
    return new Date(this.wallAtZero + msg.timestamp);
  }

  /** The payload of a frame and whether a decoder can start at it; parameter sets are put in band at key frames. */
  private videoUnit(c: VideoConfig, v: Extract<FlvVideo, { kind: 'frame' }>): { payload: Buffer[]; randomAccess: boolean } | undefined {
    if (c.codec === 'vp9') return v.data.length === 0 ? undefined : { payload: [v.data], randomAccess: vp9IsKeyFrame(v.data) };
    if (c.codec === 'av1') {
      let obus = splitAv1Obus(v.data).filter((o) => av1ObuType(o) !== Av1ObuType.TemporalDelimiter);
      if (obus.length === 0) return undefined;
      let randomAccess = av1IsRandomAccess(obus);
      // Readers joining at a key frame need the sequence header in band (RTP has no other place for it).
      if (v.isKeyframe && !randomAccess) { obus = [c.av1.sequenceHeader, ...obus]; randomAccess = true; }
      return { payload: obus, randomAccess };
    }
    let nalus = avccToNalus(v.data, c.codec === 'h264' ? c.avc.lengthSize : c.hevc.lengthSize);
    if (nalus.length === 0) return undefined;
    let randomAccess: boolean;
    // Readers joining at a random access point need the parameter sets in band (MediaMTX's remuxing does the same).
    if (c.codec === 'h264') {
      randomAccess = nalus.some((n) => h264NaluType(n) === H264NaluType.Idr);
      if (randomAccess && !nalus.some((n) => h264NaluType(n) === H264NaluType.Sps)) nalus = [c.avc.sps, c.avc.pps, ...nalus];
    } else {
      randomAccess = h265IsRandomAccess(nalus);
      if (randomAccess && !nalus.some((n) => h265NaluType(n) === H265NaluType.Sps)) nalus = [c.hevc.vps, c.hevc.sps, c.hevc.pps, ...nalus];
    }
    return { payload: nalus, randomAccess };
  }

  private onData(body: Buffer): void {
    const values = decodeAmf0(body);
    // `@setDataFrame`, `onMetaData`, {…} from FFmpeg/OBS; `onMetaData`, {…} from others.
    const found = values.find((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date));
    if (!found) return;
    const meta = found as Record<string, AmfValue>;
    const has = (k: string): boolean => meta[k] !== undefined && meta[k] !== null && meta[k] !== 0 && meta[k] !== '';
    this.expected = { video: has('videocodecid'), audio: has('audiocodecid') };
  }
}
