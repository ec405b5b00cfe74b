import {
  avccToNalus, av1IsRandomAccess, h264IsRandomAccess, h265IsRandomAccess, parseAudioSpecificConfig, parseAv1Config, parseAvcConfig,
  parseHevcConfig, parseMpegAudioHeader, parseOpusHead, parseVpcc, splitAv1Obus, splitMpegAudioFrames, vp9IsKeyFrame,
  type Av1Config, type AvcConfig, type HevcConfig,
} from '../../codecs/index.ts';
import {
  av1Format, g711Format, h264Format, h265Format, mpeg4AudioFormat, mpegAudioFormat, opusFormat, setMpeg4AudioConfig, vp9Format, type Description,
  type Format, type Media,
} from '../../formats/index.ts';
import { rescale } from '../../lib/index.ts';
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
  | { readonly codec: 'mp3' }
  | { readonly codec: 'pcma' | 'pcmu'; readonly channels: number };

/** A track of the stream: where its units go. */
interface Track { readonly media: Media; readonly format: Format }

function parseVideoConfig(v: Extract<FlvVideo, { kind: 'config' }>): VideoConfig {
  switch (v.codec) {
    case 'h264': return { codec: 'h264', avc: parseAvcConfig(v.config) };
    case 'h265': return { codec: 'h265', hevc: parseHevcConfig(v.config) };
    case 'av1': return { codec: 'av1', av1: parseAv1Config(v.config) };
    case 'vp9': return { codec: 'vp9', profile: parseVpcc(v.config).profile };
  }
}

function videoTrack(c: VideoConfig): Track {
  const track = (format: Format): Track => ({ media: { kind: 'video', formats: [format] }, format });
  switch (c.codec) {
    case 'h264': return track(h264Format(96, c.avc.sps, c.avc.pps));
    case 'h265': return track(h265Format(96, c.hevc));
    case 'av1': return track(av1Format(96, c.av1));
    case 'vp9': return track(vp9Format(96, c.profile));
  }
}

function audioTrack(c: AudioConfig): Track {
  const track = (format: Format): Track => ({ media: { kind: 'audio', formats: [format] }, format });
  switch (c.codec) {
    case 'aac': return track(mpeg4AudioFormat(97, c.config, c.sampleRate, c.channels));
    case 'mp3': return track(mpegAudioFormat());
    case 'pcma': case 'pcmu': return track(g711Format(c.codec === 'pcma', c.channels));
    case 'opus': return track(opusFormat(97, c.channels));
  }
}

/** The parameter sets (or AV1 sequence header) of a video configuration, as a payload; VP9 has none. */
function configPayload(c: VideoConfig): Buffer[] | undefined {
  switch (c.codec) {
    case 'h264': return [c.avc.sps, c.avc.pps];
    case 'h265': return [c.hevc.vps, c.hevc.sps, c.hevc.pps];
    case 'av1': return [c.av1.sequenceHeader];
    case 'vp9': return undefined;
  }
}

/**
 * The payload of a frame and whether a decoder can start at it. The stream's remuxer puts the parameter sets (or the
 * AV1 sequence header) in front of key frames, and drops AUDs and temporal delimiters.
 */
function videoUnit(c: VideoConfig, v: Extract<FlvVideo, { kind: 'frame' }>): { payload: Buffer | Buffer[]; randomAccess: boolean } | undefined {
  switch (c.codec) {
    case 'vp9': return v.data.length === 0 ? undefined : { payload: v.data, randomAccess: vp9IsKeyFrame(v.data) };
    case 'av1': {
      const obus = splitAv1Obus(v.data);
      // A publisher may leave the sequence header out of a key frame (it is in the configuration): the FLV flag tells.
      return obus.length === 0 ? undefined : { payload: obus, randomAccess: v.isKeyframe || av1IsRandomAccess(obus) };
    }
    case 'h264':
    case 'h265': {
      const nalus = avccToNalus(v.data, c.codec === 'h264' ? c.avc.lengthSize : c.hevc.lengthSize);
      if (nalus.length === 0) return undefined;
      return { payload: nalus, randomAccess: c.codec === 'h264' ? h264IsRandomAccess(nalus) : h265IsRandomAccess(nalus) };
    }
  }
}

/**
 * Turns an RTMP publisher's messages into a Description and units (MediaMTX's rtmp to-stream). Tracks are known once
 * the sequence headers announced by onMetaData arrived. Units carry codec payloads only: the stream makes RTP
 * packets when readers of RTP exist.
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
          parseMpegAudioHeader(a.data); // throws when it is no MPEG audio frame
          this.audioConfig = { codec: 'mp3' };
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
    this.video = this.videoConfig && videoTrack(this.videoConfig);
    this.audio = this.audioConfig && audioTrack(this.audioConfig);
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
      if (a.kind === 'config' && a.codec === 'aac') { this.updateAacConfig(a.config); return; }
      if (a.kind !== 'frame' || a.codec !== this.audioConfig?.codec || a.data.length === 0) return;
      const { media, format } = this.audio;
      const pts = rescale(msg.timestamp, 1000, format.clockRate, 'round');
      // G711 units are samples; the others lists of frames (AAC: one AU a message; MP3: as many frames as it holds).
      const payload = a.codec === 'mp3' ? splitMpegAudioFrames(a.data) : a.codec === 'pcma' || a.codec === 'pcmu' ? a.data : [a.data];
      this.sub.writeUnit(media, format, { pts, ntp: this.ntp(msg), payload });
    }
  }

  /**
   * A new AAC sequence header while publishing (an encoder restarted with other settings): the format takes it, so
   * players, RTSP readers (DESCRIBE) and muxers set up from now on decode with it. Malformed ones throw, as at the start.
   */
  private updateAacConfig(config: Buffer): void {
    const format = this.audio?.format;
    if (format?.codec !== 'mpeg4Audio' || format.config?.equals(config)) return;
    const c = parseAudioSpecificConfig(config);
    // Copied: the message body is a view into a chunk buffer, which the format would keep alive.
    this.audioConfig = { codec: 'aac', config: Buffer.from(config), sampleRate: c.sampleRate, channels: c.channels };
    setMpeg4AudioConfig(format, this.audioConfig.config);
  }

  private writeVideo(msg: RtmpMessage, track: Track): void {
    const v = parseFlvVideo(msg.body);
    const c = this.videoConfig;
    if (!c || (v.kind !== 'config' && v.kind !== 'frame') || v.codec !== c.codec) return;
    const dts = rescale(msg.timestamp, 1000, track.format.clockRate);
    if (v.kind === 'config') {
      // A new sequence header: its parameters go to the stream like in-band ones (its format updater takes them).
      this.videoConfig = parseVideoConfig(v);
      const payload = configPayload(this.videoConfig);
      if (payload) this.sub!.writeUnit(track.media, track.format, { pts: dts, dts, ntp: this.ntp(msg), payload });
      return;
    }
    const unit = videoUnit(c, v);
    if (!unit) return;
    const pts = rescale(msg.timestamp + v.compositionTimeMs, 1000, track.format.clockRate);
    this.sub!.writeUnit(track.media, track.format, { pts, dts, ntp: this.ntp(msg), ...unit });
  }

  /**
   * Capture time of a message: RTMP timestamps of audio and video share one clock, so both tracks are placed on
   * it exactly (readers that align tracks by capture time, like RTMP players, keep the publisher's A/V sync).
   */
  private ntp(msg: RtmpMessage): Date {
    this.wallAtZero ??= Date.now() - msg.timestamp;
    return new Date(this.wallAtZero + msg.timestamp);
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
