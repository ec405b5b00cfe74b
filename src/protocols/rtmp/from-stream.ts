import {
  Av1ObuType, av1ObuType, av1ObuWithSize, buildAv1Config, buildAvcConfig, buildHevcConfig, buildOpusHead, buildVpcc, h264NaluType,
  H264NaluType, h265NaluType, H265NaluType, nalusToAvcc, parseMpegAudioHeader, parseVp9KeyFrame,
} from '../../codecs/index.ts';
import {
  h264ParameterSets, h265ParameterSets, mpeg4AudioConfig, opusChannels, type Description, type Format, type Media,
} from '../../formats/index.ts';
import type { Unit } from '../../stream/index.ts';
import { encodeAmf0, encodeAmf0EcmaArray } from './amf0.ts';
import { serializeRtmpMessage } from './chunk-writer.ts';
import type { EnhancedCaps } from './enhanced-caps.ts';
import { AUDIO_FOURCC, buildFlvExAudio, buildFlvExVideo, fourccNumber, VIDEO_FOURCC } from './flv-enhanced.ts';
import { buildFlvAudio, buildFlvLegacyAudio, buildFlvVideo } from './flv-tags.ts';
import { FLV_AUDIO_AAC, FLV_AUDIO_MP3, FLV_AUDIO_PCMA, FLV_AUDIO_PCMU, FLV_VIDEO_AVC, type RtmpAudioCodec, type RtmpVideoCodec } from './flv-types.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';

// Chunk streams and message stream used for media sent to players (the values FFmpeg and nginx-rtmp use).
const VIDEO_CSID = 6;
const AUDIO_CSID = 4;
const DATA_CSID = 5;
/** Message stream of play/publish (the id createStream returns). */
export const RTMP_MEDIA_STREAM_ID = 1;

interface Track { readonly media: Media; readonly format: Format; base?: number; offsetMs?: number }

/** The RTMP codec a format travels as, when RTMP can carry it. */
function rtmpVideoCodec(f: Format): RtmpVideoCodec | undefined {
  return f.codec === 'h264' || f.codec === 'h265' || f.codec === 'av1' || f.codec === 'vp9' ? f.codec : undefined;
}

function rtmpAudioCodec(f: Format): RtmpAudioCodec | undefined {
  if (f.codec === 'mpeg4Audio' && mpeg4AudioConfig(f)) return 'aac';
  if (f.codec === 'mpeg1Audio') return 'mp3';
  // FLV carries G711 at 8 kHz only (FLV spec E.4.2.1).
  if (f.codec === 'g711' && f.clockRate === 8000 && (f.channels ?? 1) <= 2) return f.encoding.toUpperCase() === 'PCMA' ? 'pcma' : 'pcmu';
  return f.codec === 'opus' && f.clockRate === 48000 ? 'opus' : undefined;
}

/** onMetaData's audiocodecid of each codec: the FLV SoundFormat, or the FourCC for Enhanced RTMP. */
const AUDIO_CODEC_ID: Readonly<Record<RtmpAudioCodec, number>> = {
  aac: FLV_AUDIO_AAC, mp3: FLV_AUDIO_MP3, pcma: FLV_AUDIO_PCMA, pcmu: FLV_AUDIO_PCMU, opus: fourccNumber(AUDIO_FOURCC.opus),
};

/**
 * The codec configuration (sequence header) body found in a unit, when it carries one: H264/H265 parameter sets,
 * an AV1 sequence header OBU, or a VP9 key frame's header. Malformed data yields none: the frame is then sent or
 * held back as if it had none, and the stream goes on.
 */
function inBandConfig(codec: RtmpVideoCodec, payload: readonly Buffer[], randomAccess: boolean): Buffer | undefined {
  try {
    switch (codec) {
      case 'h264': {
        const sps = payload.find((n) => h264NaluType(n) === H264NaluType.Sps);
        const pps = payload.find((n) => h264NaluType(n) === H264NaluType.Pps);
        return sps && pps ? buildFlvVideo({ config: buildAvcConfig(sps, pps), isKeyframe: true, compositionTimeMs: 0 }) : undefined;
      }
      case 'h265': {
        const vps = payload.find((n) => h265NaluType(n) === H265NaluType.Vps);
        const sps = payload.find((n) => h265NaluType(n) === H265NaluType.Sps);
        const pps = payload.find((n) => h265NaluType(n) === H265NaluType.Pps);
        return vps && sps && pps ? buildFlvExVideo({ codec, config: buildHevcConfig({ vps, sps, pps }), isKeyframe: true, compositionTimeMs: 0 }) : undefined;
      }
      case 'av1': {
        const seq = payload.find((o) => av1ObuType(o) === Av1ObuType.SequenceHeader);
        return seq ? buildFlvExVideo({ codec, config: buildAv1Config(seq), isKeyframe: true, compositionTimeMs: 0 }) : undefined;
      }
      case 'vp9': {
        const key = randomAccess && payload[0] ? parseVp9KeyFrame(payload[0]) : undefined;
        return key ? buildFlvExVideo({ codec, config: buildVpcc(key), isKeyframe: true, compositionTimeMs: 0 }) : undefined;
      }
    }
  } catch {
    return undefined;
  }
}

/** The sequence header body of a format's out-of-band parameter sets (H264/H265 SDP), when it has them. */
function outOfBandConfig(codec: RtmpVideoCodec, f: Format): Buffer | undefined {
  if (codec === 'h264') { const ps = h264ParameterSets(f); return ps && inBandConfig(codec, [ps.sps, ps.pps], true); }
  if (codec === 'h265') { const ps = h265ParameterSets(f); return ps && inBandConfig(codec, [ps.vps, ps.sps, ps.pps], true); }
  return undefined; // AV1 and VP9 SDP carry no sequence header: wait for one in band
}

/** The FLV body of one video frame. */
function frameBody(codec: RtmpVideoCodec, payload: readonly Buffer[], isKeyframe: boolean, compositionTimeMs: number): Buffer | undefined {
  switch (codec) {
    case 'h264':
    case 'h265': {
      const frames = payload.filter((n) => (codec === 'h264' ? h264NaluType(n) !== H264NaluType.Aud : h265NaluType(n) !== H265NaluType.Aud));
      const frame = { data: nalusToAvcc(frames), isKeyframe, compositionTimeMs };
      return codec === 'h264' ? buildFlvVideo(frame) : buildFlvExVideo({ codec, ...frame });
    }
    case 'av1': {
      // The low-overhead format (every OBU with its size), temporal delimiters left out as in ISOBMFF.
      const obus = payload.filter((o) => o.length > 0 && av1ObuType(o) !== Av1ObuType.TemporalDelimiter).map(av1ObuWithSize);
      return obus.length > 0 ? buildFlvExVideo({ codec, data: Buffer.concat(obus), isKeyframe, compositionTimeMs: 0 }) : undefined;
    }
    case 'vp9': return payload[0] ? buildFlvExVideo({ codec, data: payload[0], isKeyframe, compositionTimeMs: 0 }) : undefined;
  }
}

/**
 * Serialises one stream for RTMP players, once for all of them: each unit becomes chunked RTMP bytes cached on
 * the unit, so N players cost N socket writes of the same Buffer (PERFORMANCE.md §2.1). H264 and AAC travel as
 * FLV, as do MP3 and G711; H265, AV1, VP9 and Opus as Enhanced RTMP to players that announced them; other tracks are left out (`skipped`).
 */
export class RtmpStreamMuxer {
  readonly video: (Track & { readonly codec: RtmpVideoCodec }) | undefined;
  readonly audio: (Track & { readonly codec: RtmpAudioCodec }) | undefined;
  /** Tracks left out, each with the reason, for the log ("track …"). */
  readonly skipped: string[] = [];
  /** The current video sequence header body; frames before the first one are held back (undecodable). */
  private config: Buffer | undefined;
  private readonly cache = new WeakMap<Unit, Buffer | null>();
  private firstNtp: number | undefined;

  /** `caps`: the Enhanced RTMP codecs the players announced; H264 and AAC go to every player as legacy FLV. */
  constructor(desc: Description, private readonly chunkSize: number, caps: EnhancedCaps) {
    let video: (Track & { codec: RtmpVideoCodec }) | undefined;
    let audio: (Track & { codec: RtmpAudioCodec }) | undefined;
    for (const media of desc.medias) {
      for (const format of media.formats) {
        const name = `${format.encoding.toLowerCase()}/${format.clockRate}`;
        const vc = rtmpVideoCodec(format);
        const ac = rtmpAudioCodec(format);
        // A legacy player would misread an Enhanced RTMP track, so it gets one only when it announced the FourCC.
        const fourcc = vc && vc !== 'h264' ? VIDEO_FOURCC[vc] : ac === 'opus' ? AUDIO_FOURCC.opus : undefined;
        if (fourcc && !caps.accepts(fourcc)) this.skipped.push(`${name} is left out: the player did not announce Enhanced RTMP '${fourcc}' in connect`);
        else if (vc && !video) video = { media, format, codec: vc };
        else if (ac && !audio) audio = { media, format, codec: ac };
        else this.skipped.push(`${name} can't be sent over RTMP and is left out`);
      }
    }
    this.video = video;
    this.audio = audio;
    if (video) this.config = outOfBandConfig(video.codec, video.format);
  }

  /** Bytes a new player gets before media: onMetaData and the sequence headers known so far. */
  headerBytes(): Buffer {
    const meta: Record<string, number | string> = {};
    // Enhanced RTMP puts the FourCC, as a number, where FLV has its codec id.
    if (this.video) meta.videocodecid = this.video.codec === 'h264' ? FLV_VIDEO_AVC : fourccNumber(VIDEO_FOURCC[this.video.codec]);
    if (this.audio) meta.audiocodecid = AUDIO_CODEC_ID[this.audio.codec];
    const parts = [this.chunk(DATA_CSID, RtmpMessageType.DataAmf0, 0, Buffer.concat([encodeAmf0('onMetaData'), encodeAmf0EcmaArray(meta)]))];
    if (this.config) parts.push(this.chunk(VIDEO_CSID, RtmpMessageType.Video, 0, this.config));
    const audioConfig = this.audio && this.audioConfig(this.audio);
    if (audioConfig) parts.push(this.chunk(AUDIO_CSID, RtmpMessageType.Audio, 0, audioConfig));
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
    const payload = unit.payload as Buffer[] | undefined;
    if (!t || !payload || payload.length === 0) return null;
    const parts: Buffer[] = [];
    const dtsMs = this.ms(t, unit.dts ?? unit.pts, unit);
    const randomAccess = unit.randomAccess === true;
    const inBand = inBandConfig(t.codec, payload, randomAccess);
    if (inBand && !this.config?.equals(inBand)) {
      this.config = inBand;
      parts.push(this.chunk(VIDEO_CSID, RtmpMessageType.Video, dtsMs, inBand)); // configuration changed: players need it first
    }
    if (!this.config) return null; // nothing is decodable before the configuration is known
    const cts = Math.round((unit.pts - (unit.dts ?? unit.pts)) / 90);
    const body = frameBody(t.codec, payload, randomAccess, cts);
    if (!body) return parts.length > 0 ? Buffer.concat(parts) : null;
    parts.push(this.chunk(VIDEO_CSID, RtmpMessageType.Video, dtsMs, body));
    return Buffer.concat(parts);
  }

  private makeAudio(unit: Unit): Buffer | null {
    const t = this.audio;
    const frames = unit.payload as Buffer[] | undefined;
    if (!t || !frames || frames.length === 0) return null;
    const msg = (ticks: number, body: Buffer): Buffer => this.chunk(AUDIO_CSID, RtmpMessageType.Audio, this.ms(t, ticks, unit), body);
    switch (t.codec) {
      case 'opus': return Buffer.concat(frames.map((f) => msg(unit.pts, buildFlvExAudio({ codec: 'opus', data: f }))));
      case 'aac': return Buffer.concat(frames.map((au, i) => msg(unit.pts + i * 1024, buildFlvAudio({ data: au }))));
      case 'pcma':
      case 'pcmu': {
        const codec = t.codec;
        return Buffer.concat(frames.map((d) => msg(unit.pts, buildFlvLegacyAudio(codec, 8000, t.format.channels ?? 1, d))));
      }
      case 'mp3': {
        const out: Buffer[] = [];
        let ticks = unit.pts;
        for (const f of frames) {
          let h;
          try { h = parseMpegAudioHeader(f); } catch { continue; } // not a frame: left out, the stream goes on
          out.push(msg(ticks, buildFlvLegacyAudio('mp3', h.sampleRate, h.channels, f)));
          ticks += (h.samples * t.format.clockRate) / h.sampleRate;
        }
        return out.length > 0 ? Buffer.concat(out) : null;
      }
    }
  }

  /** The audio sequence header body, for codecs that have one. */
  private audioConfig(t: Track & { codec: RtmpAudioCodec }): Buffer | undefined {
    if (t.codec === 'aac') return buildFlvAudio({ config: mpeg4AudioConfig(t.format)! });
    if (t.codec === 'opus') return buildFlvExAudio({ codec: 'opus', config: buildOpusHead(opusChannels(t.format)) });
    return undefined;
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
