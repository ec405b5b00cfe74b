import { buildAvcConfig, h264NaluType, H264NaluType, nalusToAvcc } from '../../codecs/index.ts';
import { h264ParameterSets, mpeg4AudioConfig, type Description, type Format, type Media } from '../../formats/index.ts';
import type { Unit } from '../../stream/index.ts';
import { encodeAmf0, encodeAmf0EcmaArray } from './amf0.ts';
import { serializeRtmpMessage } from './chunk-writer.ts';
import { buildFlvAudio, buildFlvVideo, FLV_AUDIO_AAC, FLV_VIDEO_AVC } from './flv-tags.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';

// Chunk streams and message stream used for media sent to players (the values FFmpeg and nginx-rtmp use).
const VIDEO_CSID = 6;
const AUDIO_CSID = 4;
const DATA_CSID = 5;
/** Message stream of play/publish (the id createStream returns). */
export const RTMP_MEDIA_STREAM_ID = 1;

interface Track { readonly media: Media; readonly format: Format; base?: number; offsetMs?: number }

/**
 * Serialises one stream for RTMP players, once for all of them: each unit becomes chunked RTMP bytes cached on
 * the unit, so N players cost N socket writes of the same Buffer (PERFORMANCE.md §2.1). Only H264 and AAC are
 * carried; other tracks are left out (`skipped`).
 */
export class RtmpStreamMuxer {
  readonly video: Track | undefined;
  readonly audio: Track | undefined;
  /** Tracks RTMP can't carry, named for the log. */
  readonly skipped: string[] = [];
  private sps: Buffer | undefined;
  private pps: Buffer | undefined;
  private readonly cache = new WeakMap<Unit, Buffer | null>();
  private firstNtp: number | undefined;

  constructor(desc: Description, private readonly chunkSize: number) {
    let video: Track | undefined;
    let audio: Track | undefined;
    for (const media of desc.medias) {
      for (const format of media.formats) {
        if (format.codec === 'h264' && !video) video = { media, format };
        else if (format.codec === 'mpeg4Audio' && !audio && mpeg4AudioConfig(format)) audio = { media, format };
        else this.skipped.push(`${format.encoding}/${format.clockRate}`);
      }
    }
    this.video = video;
    this.audio = audio;
    const ps = video ? h264ParameterSets(video.format) : undefined;
    this.sps = ps?.sps;
    this.pps = ps?.pps;
  }

  /** Bytes a new player gets before media: onMetaData and the sequence headers known so far. */
  headerBytes(): Buffer {
    const meta: Record<string, number | string> = {};
    if (this.video) meta.videocodecid = FLV_VIDEO_AVC;
    if (this.audio) meta.audiocodecid = FLV_AUDIO_AAC;
    const parts = [this.chunk(DATA_CSID, RtmpMessageType.DataAmf0, 0, Buffer.concat([encodeAmf0('onMetaData'), encodeAmf0EcmaArray(meta)]))];
    if (this.sps && this.pps) parts.push(this.videoConfig(0));
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
    const sps = nalus.find((n) => h264NaluType(n) === H264NaluType.Sps);
    const pps = nalus.find((n) => h264NaluType(n) === H264NaluType.Pps);
    const dtsMs = this.ms(t, unit.dts ?? unit.pts, unit);
    if (sps && pps && (!this.sps?.equals(sps) || !this.pps?.equals(pps))) {
      this.sps = Buffer.from(sps);
      this.pps = Buffer.from(pps);
      parts.push(this.videoConfig(dtsMs)); // parameter sets changed: players need the new sequence header first
    }
    if (!this.sps) return null; // nothing is decodable before the parameter sets are known
    const frames = nalus.filter((n) => h264NaluType(n) !== H264NaluType.Aud);
    const cts = Math.round((unit.pts - (unit.dts ?? unit.pts)) / 90);
    parts.push(this.chunk(VIDEO_CSID, RtmpMessageType.Video, dtsMs, buildFlvVideo({ data: nalusToAvcc(frames), isKeyframe: unit.randomAccess === true, compositionTimeMs: cts })));
    return Buffer.concat(parts);
  }

  private makeAudio(unit: Unit): Buffer | null {
    const t = this.audio;
    const aus = unit.payload as Buffer[] | undefined;
    if (!t || !aus || aus.length === 0) return null;
    return Buffer.concat(aus.map((au, i) => this.chunk(AUDIO_CSID, RtmpMessageType.Audio, this.ms(t, unit.pts + i * 1024, unit), buildFlvAudio({ data: au }))));
  }

  private videoConfig(ms: number): Buffer {
    return this.chunk(VIDEO_CSID, RtmpMessageType.Video, ms, buildFlvVideo({ config: buildAvcConfig(this.sps!, this.pps!), isKeyframe: true, compositionTimeMs: 0 }));
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
