import { buildAvcConfig, buildHevcConfig, h264NaluType, H264NaluType, h265NaluType, H265NaluType, nalusToAvcc } from '../../codecs/index.ts';
import { h264ParameterSets, h265ParameterSets, mpeg4AudioConfig, type Description, type Format, type Media } from '../../formats/index.ts';
import type { Unit } from '../../stream/index.ts';
import { encodeAmf0, encodeAmf0EcmaArray } from './amf0.ts';
import { serializeRtmpMessage } from './chunk-writer.ts';
import { buildFlvAudio, buildFlvHevc, buildFlvVideo, FLV_AUDIO_AAC, FLV_VIDEO_AVC, FOURCC_HEVC } from './flv-tags.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';

// Chunk streams and message stream used for media sent to players (the values FFmpeg and nginx-rtmp use).
const VIDEO_CSID = 6;
const AUDIO_CSID = 4;
const DATA_CSID = 5;
/** Message stream of play/publish (the id createStream returns). */
export const RTMP_MEDIA_STREAM_ID = 1;

interface Track { readonly media: Media; readonly format: Format; base?: number; offsetMs?: number }

/** Parameter sets of the video track, by codec; `key` compares them. */
type ParamSets = { readonly codec: 'h264'; readonly sps: Buffer; readonly pps: Buffer } | { readonly codec: 'h265'; readonly vps: Buffer; readonly sps: Buffer; readonly pps: Buffer };

/** Parameter sets found in an access unit, when it carries a complete set. */
function inBandParamSets(codec: 'h264' | 'h265', nalus: readonly Buffer[]): ParamSets | undefined {
  if (codec === 'h264') {
    const sps = nalus.find((n) => h264NaluType(n) === H264NaluType.Sps);
    const pps = nalus.find((n) => h264NaluType(n) === H264NaluType.Pps);
    return sps && pps ? { codec, sps: Buffer.from(sps), pps: Buffer.from(pps) } : undefined;
  }
  const vps = nalus.find((n) => h265NaluType(n) === H265NaluType.Vps);
  const sps = nalus.find((n) => h265NaluType(n) === H265NaluType.Sps);
  const pps = nalus.find((n) => h265NaluType(n) === H265NaluType.Pps);
  return vps && sps && pps ? { codec, vps: Buffer.from(vps), sps: Buffer.from(sps), pps: Buffer.from(pps) } : undefined;
}

function sameParamSets(a: ParamSets | undefined, b: ParamSets): boolean {
  if (!a || a.codec !== b.codec || !a.sps.equals(b.sps) || !a.pps.equals(b.pps)) return false;
  return a.codec === 'h264' || (b.codec === 'h265' && a.vps.equals(b.vps));
}

/**
 * Serialises one stream for RTMP players, once for all of them: each unit becomes chunked RTMP bytes cached on
 * the unit, so N players cost N socket writes of the same Buffer (PERFORMANCE.md §2.1). H264 and AAC travel as
 * FLV; H265 as Enhanced RTMP ('hvc1'); other tracks are left out (`skipped`).
 */
export class RtmpStreamMuxer {
  readonly video: (Track & { readonly codec: 'h264' | 'h265' }) | undefined;
  readonly audio: Track | undefined;
  /** Tracks RTMP can't carry, named for the log. */
  readonly skipped: string[] = [];
  private params: ParamSets | undefined;
  private readonly cache = new WeakMap<Unit, Buffer | null>();
  private firstNtp: number | undefined;

  constructor(desc: Description, private readonly chunkSize: number) {
    let video: (Track & { codec: 'h264' | 'h265' }) | undefined;
    let audio: Track | undefined;
    for (const media of desc.medias) {
      for (const format of media.formats) {
        if ((format.codec === 'h264' || format.codec === 'h265') && !video) video = { media, format, codec: format.codec };
        else if (format.codec === 'mpeg4Audio' && !audio && mpeg4AudioConfig(format)) audio = { media, format };
        else this.skipped.push(`${format.encoding}/${format.clockRate}`);
      }
    }
    this.video = video;
    this.audio = audio;
    if (video?.codec === 'h264') { const ps = h264ParameterSets(video.format); if (ps) this.params = { codec: 'h264', ...ps }; }
    if (video?.codec === 'h265') { const ps = h265ParameterSets(video.format); if (ps) this.params = { codec: 'h265', ...ps }; }
  }

  /** Bytes a new player gets before media: onMetaData and the sequence headers known so far. */
  headerBytes(): Buffer {
    const meta: Record<string, number | string> = {};
    // Enhanced RTMP puts the FourCC, as a number, where FLV has its codec id.
    if (this.video) meta.videocodecid = this.video.codec === 'h264' ? FLV_VIDEO_AVC : Buffer.from(FOURCC_HEVC, 'latin1').readUInt32BE(0);
    if (this.audio) meta.audiocodecid = FLV_AUDIO_AAC;
    const parts = [this.chunk(DATA_CSID, RtmpMessageType.DataAmf0, 0, Buffer.concat([encodeAmf0('onMetaData'), encodeAmf0EcmaArray(meta)]))];
    if (this.params) parts.push(this.videoConfig(this.params, 0));
    if (this.audio) parts.push(this.chunk(AUDIO_CSID, RtmpMessageType.Audio, 0, buildFlvAudio({ config: mpeg4AudioConfig(this.audio.format)! })));
    return Buffer.concat(parts);
  }

  /** The RTMP bytes of a video unit (null when it carries nothing), computed once per unit. */
  videoBytes(unit: Unit): Buffer | null {
    let b = this.cache.get(unit);
    if (b === undefined) { b = this.makeVideo(unit); this.cache.set(unit, b); }
    return b;
  }

  /** The RTMP bytes of an audio unit (null when it carries nothing), computed once per unit. */
  audioBytes(unit: Unit): Buffer | null {
    let b = this.cache.get(unit);
    if (b === undefined) { b = this.makeAudio(unit); this.cache.set(unit, b); }
    return b;
  }

  private makeVideo(unit: Unit): Buffer | null {
    const t = this.video;
    const nalus = unit.payload as Buffer[] | undefined;
    if (!t || !nalus || nalus.length === 0) return null;
    const parts: Buffer[] = [];
    const dtsMs = this.ms(t, unit.dts ?? unit.pts, unit);
    const inBand = inBandParamSets(t.codec, nalus);
    if (inBand && !sameParamSets(this.params, inBand)) {
      this.params = inBand;
      parts.push(this.videoConfig(inBand, dtsMs)); // parameter sets changed: players need the new sequence header first
    }
    if (!this.params) return null; // nothing is decodable before the parameter sets are known
    const frames = nalus.filter((n) => (t.codec === 'h264' ? h264NaluType(n) !== H264NaluType.Aud : h265NaluType(n) !== H265NaluType.Aud));
    const cts = Math.round((unit.pts - (unit.dts ?? unit.pts)) / 90);
    const frame = { data: nalusToAvcc(frames), isKeyframe: unit.randomAccess === true, compositionTimeMs: cts };
    parts.push(this.chunk(VIDEO_CSID, RtmpMessageType.Video, dtsMs, t.codec === 'h264' ? buildFlvVideo(frame) : buildFlvHevc(frame)));
    return Buffer.concat(parts);
  }

  private makeAudio(unit: Unit): Buffer | null {
    const t = this.audio;
    const aus = unit.payload as Buffer[] | undefined;
    if (!t || !aus || aus.length === 0) return null;
    return Buffer.concat(aus.map((au, i) => this.chunk(AUDIO_CSID, RtmpMessageType.Audio, this.ms(t, unit.pts + i * 1024, unit), buildFlvAudio({ data: au }))));
  }

  private videoConfig(ps: ParamSets, ms: number): Buffer {
    const body = ps.codec === 'h264'
      ? buildFlvVideo({ config: buildAvcConfig(ps.sps, ps.pps), isKeyframe: true, compositionTimeMs: 0 })
      : buildFlvHevc({ config: buildHevcConfig(ps), isKeyframe: true, compositionTimeMs: 0 });
    return this.chunk(VIDEO_CSID, RtmpMessageType.Video, ms, body);
  }

  /**
   * Milliseconds since the start of the stream. Each track counts from its first unit; the second track is placed
   * by the wall-clock arrival of its first unit, since RTP timestamps of different tracks share no origin.
   */
  private ms(t: Track, ticks: number, unit: Unit): number {
    if (t.base === undefined) {
      const now = unit.ntp?.getTime() ?? Date.now();
      this.firstNtp ??= now;
      t.base = ticks;
      t.offsetMs = now - this.firstNtp;
    }
    return Math.max(0, Math.round(((ticks - t.base) * 1000) / t.format.clockRate + (t.offsetMs ?? 0)));
  }

  private chunk(csid: number, type: number, timestamp: number, body: Buffer): Buffer {
    const msg: RtmpMessage = { chunkStreamId: csid, type, timestamp: timestamp >>> 0, messageStreamId: RTMP_MEDIA_STREAM_ID, body };
    return serializeRtmpMessage(msg, this.chunkSize);
  }
}
