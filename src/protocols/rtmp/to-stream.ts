import {
  avccToNalus, h264NaluType, H264NaluType, h265NaluType, H265NaluType, h265IsRandomAccess, parseAudioSpecificConfig, parseAvcConfig,
  parseHevcConfig, type AvcConfig, type HevcConfig,
} from '../../codecs/index.ts';
import {
  H264Packetizer, H265Packetizer, Mpeg4AudioPacketizer, h264Format, h265Format, mpeg4AudioFormat, type Description, type Format, type Media,
} from '../../formats/index.ts';
import type { SubStream } from '../../stream/index.ts';
import { parseFlvAudio, parseFlvVideo } from './flv-tags.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';
import { decodeAmf0, type AmfValue } from './amf0.ts';

/** What the publisher announced in onMetaData: which tracks to wait for. */
interface Expected { video: boolean; audio: boolean }

/** The video configuration a publisher sent: H264 (FLV) or H265 (Enhanced RTMP). */
type VideoConfig = { readonly codec: 'h264'; readonly avc: AvcConfig } | { readonly codec: 'h265'; readonly hevc: HevcConfig };

/**
 * Turns an RTMP publisher's messages into a Description and units (MediaMTX's rtmp to-stream). Tracks are known once
 * the sequence headers announced by onMetaData arrived. Each unit gets both the codec payload and RTP packets, made
 * once here, so RTSP readers need no per-reader work.
 */
export class RtmpToStream {
  private expected: Expected | undefined;
  private config: VideoConfig | undefined;
  private aac: { config: Buffer; sampleRate: number; channels: number } | undefined;
  private video: { media: Media; format: Format; packetizer: H264Packetizer | H265Packetizer } | undefined;
  private audio: { media: Media; format: Format; packetizer: Mpeg4AudioPacketizer } | undefined;
  private sub: SubStream | undefined;
  /** Codecs this server can't carry yet, named once in the log by the caller. */
  readonly unsupported = new Set<string>();

  constructor(private readonly maxPayload: number) {}

  /** Feeds a message before the tracks are known; returns the description once they are. */
  collect(msg: RtmpMessage): Description | undefined {
    if (msg.type === RtmpMessageType.DataAmf0) this.onData(msg.body);
    else if (msg.type === RtmpMessageType.Video) {
      const v = parseFlvVideo(msg.body);
      if (v.kind === 'avcConfig') this.config = { codec: 'h264', avc: parseAvcConfig(v.config) };
      else if (v.kind === 'hevcConfig') this.config = { codec: 'h265', hevc: parseHevcConfig(v.config) };
      else if (v.kind === 'other') this.unsupported.add(v.description);
    } else if (msg.type === RtmpMessageType.Audio) {
      const a = parseFlvAudio(msg.body);
      if (a.kind === 'aacConfig') {
        const c = parseAudioSpecificConfig(a.config);
        this.aac = { config: Buffer.from(a.config), sampleRate: c.sampleRate, channels: c.channels };
      } else if (a.kind === 'other') this.unsupported.add(a.description);
    }
    return this.description(false);
  }

  /** The description with what arrived so far (`force`: stop waiting for announced tracks). */
  description(force: boolean): Description | undefined {
    const exp = this.expected ?? { video: true, audio: true };
    const haveVideo = this.config !== undefined;
    const haveAudio = this.aac !== undefined;
    if (!force && ((exp.video && !haveVideo) || (exp.audio && !haveAudio))) return undefined;
    if (!haveVideo && !haveAudio) return undefined;
    const medias: Media[] = [];
    if (this.config) {
      const c = this.config;
      const format = c.codec === 'h264' ? h264Format(96, c.avc.sps, c.avc.pps) : h265Format(96, c.hevc);
      const media: Media = { kind: 'video', formats: [format] };
      this.video = { media, format, packetizer: c.codec === 'h264' ? new H264Packetizer(96, this.maxPayload) : new H265Packetizer(96, this.maxPayload) };
      medias.push(media);
    }
    if (this.aac) {
      const format = mpeg4AudioFormat(97, this.aac.config, this.aac.sampleRate, this.aac.channels);
      const media: Media = { kind: 'audio', formats: [format] };
      this.audio = { media, format, packetizer: new Mpeg4AudioPacketizer(97) };
      medias.push(media);
    }
    return { medias };
  }

  /** Starts writing units of every following message into `sub`. */
  attach(sub: SubStream): void { this.sub = sub; }

  /** Feeds a message once attached. Throws RtmpProtocolError/CodecError on malformed data. */
  write(msg: RtmpMessage): void {
    if (!this.sub) return;
    if (msg.type === RtmpMessageType.Video && this.video) this.writeVideo(msg, this.video);
    else if (msg.type === RtmpMessageType.Audio && this.audio) {
      const a = parseFlvAudio(msg.body);
      if (a.kind !== 'aacFrame' || a.data.length === 0) return;
      const { media, format, packetizer } = this.audio;
      const pts = Math.round((msg.timestamp * format.clockRate) / 1000);
      const aus = [a.data];
      this.sub.writeUnit(media, format, { pts, payload: aus, rtpPackets: packetizer.packetize(aus, pts) });
    }
  }

  private writeVideo(msg: RtmpMessage, track: NonNullable<RtmpToStream['video']>): void {
    const v = parseFlvVideo(msg.body);
    if (v.kind === 'avcConfig' && this.config?.codec === 'h264') { this.config = { codec: 'h264', avc: parseAvcConfig(v.config) }; return; }
    if (v.kind === 'hevcConfig' && this.config?.codec === 'h265') { this.config = { codec: 'h265', hevc: parseHevcConfig(v.config) }; return; }
    const c = this.config;
    if (!c || (v.kind !== 'avcFrame' && v.kind !== 'hevcFrame') || (v.kind === 'avcFrame') !== (c.codec === 'h264')) return;
    let nalus = avccToNalus(v.data, c.codec === 'h264' ? c.avc.lengthSize : c.hevc.lengthSize);
    if (nalus.length === 0) return;
    let randomAccess: boolean;
    // Readers joining at a random access point need the parameter sets in band (MediaMTX's remuxing does the same).
    if (c.codec === 'h264') {
      randomAccess = nalus.some((n) => h264NaluType(n) === H264NaluType.Idr);
      if (randomAccess && !nalus.some((n) => h264NaluType(n) === H264NaluType.Sps)) nalus = [c.avc.sps, c.avc.pps, ...nalus];
    } else {
      randomAccess = h265IsRandomAccess(nalus);
      if (randomAccess && !nalus.some((n) => h265NaluType(n) === H265NaluType.Sps)) nalus = [c.hevc.vps, c.hevc.sps, c.hevc.pps, ...nalus];
    }
    const dts = msg.timestamp * 90;
    const pts = (msg.timestamp + v.compositionTimeMs) * 90;
    this.sub!.writeUnit(track.media, track.format, { pts, dts, payload: nalus, randomAccess, rtpPackets: track.packetizer.packetize(nalus, pts) });
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
