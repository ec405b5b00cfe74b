import {
  AAC_SAMPLES_PER_AU, Av1ObuType, av1ObuType, av1ObuWithSize, buildAv1Config, buildAvcConfig, buildHevcConfig, buildOpusHead, buildVpcc, h264NaluType,
  H264NaluType, h265NaluType, H265NaluType, nalusToAvccParts, parseMpegAudioHeader, parseVp9KeyFrame,
} from '../../codecs/index.ts';
import { opusChannels, type Description, type Format, type FormatOf, type Media, type PayloadByCodec } from '../../formats/index.ts';
import { rescale, SharedJoin } from '../../lib/index.ts';
import type { Unit } from '../../stream/index.ts';
import { encodeAmf0, encodeAmf0EcmaArray } from './amf0.ts';
import { serializeRtmpParts } from './chunk-writer.ts';
import type { EnhancedCaps } from './enhanced-caps.ts';
import { AUDIO_FOURCC, buildFlvExAudio, buildFlvExVideo, flvExVideoHeader, fourccNumber, VIDEO_FOURCC } from './flv-enhanced.ts';
import { buildFlvAudio, buildFlvLegacyAudio, buildFlvVideo, flvAacHeader, flvVideoHeader } from './flv-tags.ts';
import { FLV_AUDIO_AAC, FLV_AUDIO_MP3, FLV_AUDIO_PCMA, FLV_AUDIO_PCMU, FLV_VIDEO_AVC, type RtmpAudioCodec, type RtmpVideoCodec } from './flv-types.ts';
import { RtmpMessageType } from './rtmp-message.ts';

// Chunk streams and message stream used for media sent to players (the values FFmpeg and nginx-rtmp use).
const VIDEO_CSID = 6;
const AUDIO_CSID = 4;
const DATA_CSID = 5;
/** Message stream of play/publish (the id createStream returns). */
export const RTMP_MEDIA_STREAM_ID = 1;
// RTMP timestamps are milliseconds (RTMP spec §5.3.1.2.1).
const RTMP_CLOCK_RATE = 1000;

/** The stream codec each RTMP audio codec carries. */
interface StreamCodecOfAudio { aac: 'mpeg4Audio'; mp3: 'mpeg1Audio'; pcma: 'g711'; pcmu: 'g711'; opus: 'opus' }

/** Where a track's units start, to place its timestamps. */
interface TrackClock { base?: number; offsetMs?: number }

/** A video track sent to players, by RTMP codec (which is also its stream codec). */
export interface RtmpVideoTrack<C extends RtmpVideoCodec = RtmpVideoCodec> extends TrackClock { readonly codec: C; readonly media: Media; readonly format: FormatOf<C> }

/** An audio track sent to players, by RTMP codec. */
export interface RtmpAudioTrack<A extends RtmpAudioCodec = RtmpAudioCodec> extends TrackClock {
  readonly codec: A; readonly media: Media; readonly format: FormatOf<StreamCodecOfAudio[A]>;
}

/** An audio track of any RTMP codec: `codec` narrows `format`. */
export type AnyRtmpAudioTrack = { [A in RtmpAudioCodec]: RtmpAudioTrack<A> }[RtmpAudioCodec];

/** The RTMP video track a format makes, when RTMP can carry it. */
function videoTrack(media: Media, format: Format): RtmpVideoTrack | undefined {
  switch (format.codec) {
    case 'h264': case 'h265': case 'av1': case 'vp9': return { codec: format.codec, media, format };
    default: return undefined;
  }
}

/** The RTMP audio track a format makes, when RTMP can carry it. */
function audioTrack(media: Media, format: Format): AnyRtmpAudioTrack | undefined {
  switch (format.codec) {
    case 'mpeg4Audio': return format.config ? { codec: 'aac', media, format } : undefined;
    case 'mpeg1Audio': return { codec: 'mp3', media, format };
    // FLV carries G711 at 8 kHz only (FLV spec E.4.2.1).
    case 'g711': return format.clockRate === 8000 && (format.channels ?? 1) <= 2 ? { codec: format.encoding.toUpperCase() === 'PCMA' ? 'pcma' : 'pcmu', media, format } : undefined;
    case 'opus': return format.clockRate === 48000 ? { codec: 'opus', media, format } : undefined;
    default: return undefined;
  }
}

/** onMetaData's audiocodecid of each codec: the FLV SoundFormat, or the FourCC for Enhanced RTMP. */
const AUDIO_CODEC_ID: Readonly<Record<RtmpAudioCodec, number>> = {
  aac: FLV_AUDIO_AAC, mp3: FLV_AUDIO_MP3, pcma: FLV_AUDIO_PCMA, pcmu: FLV_AUDIO_PCMU, opus: fourccNumber(AUDIO_FOURCC.opus),
};

/** How each video codec travels over RTMP. */
interface VideoMapping<C extends RtmpVideoCodec> {
  /**
   * The codec configuration (sequence header) body a unit carries, when it carries one: H264/H265 parameter sets, an
   * AV1 sequence header OBU, or a VP9 key frame's header. Malformed data yields none (the stream goes on).
   */
  inBandConfig(payload: PayloadByCodec[C], randomAccess: boolean): Buffer | undefined;
  /** The configuration body of the format's out-of-band parameters (H264/H265 SDP), when it has them. */
  outOfBandConfig(format: FormatOf<C>): Buffer | undefined;
  /**
   * The FLV body of one frame, as parts to write in order: the tag header, then the frame's own bytes where the codec
   * allows it (AVCC lengths and NAL units), so that serialising copies the frame once.
   */
  frameBody(payload: PayloadByCodec[C], isKeyframe: boolean, compositionTimeMs: number): Buffer[] | undefined;
}

const configTag = (codec: RtmpVideoCodec, config: Buffer): Buffer =>
  codec === 'h264' ? buildFlvVideo({ config, isKeyframe: true, compositionTimeMs: 0 }) : buildFlvExVideo({ codec, config, isKeyframe: true, compositionTimeMs: 0 });

function h264Config(sps: Buffer | undefined, pps: Buffer | undefined): Buffer | undefined {
  return sps && pps ? configTag('h264', buildAvcConfig(sps, pps)) : undefined;
}

function h265Config(vps: Buffer | undefined, sps: Buffer | undefined, pps: Buffer | undefined): Buffer | undefined {
  return vps && sps && pps ? configTag('h265', buildHevcConfig({ vps, sps, pps })) : undefined;
}

/** Runs `build`, treating malformed data (any throw of the codec parsers) as none. */
function orNone(build: () => Buffer | undefined): Buffer | undefined {
  try { return build(); } catch { return undefined; }
}

// The stream's unit remuxer already dropped AUDs and temporal delimiters and put parameter sets before key frames.
const VIDEO: { readonly [C in RtmpVideoCodec]: VideoMapping<C> } = {
  h264: {
    inBandConfig: (au) => orNone(() => h264Config(au.find((n) => h264NaluType(n) === H264NaluType.Sps), au.find((n) => h264NaluType(n) === H264NaluType.Pps))),
    outOfBandConfig: (f) => orNone(() => h264Config(f.sps, f.pps)),
    frameBody: (au, isKeyframe, compositionTimeMs) => [flvVideoHeader(false, isKeyframe, compositionTimeMs), ...nalusToAvccParts(au)],
  },
  h265: {
    inBandConfig: (au) => {
      const find = (t: number): Buffer | undefined => au.find((n) => h265NaluType(n) === t);
      return orNone(() => h265Config(find(H265NaluType.Vps), find(H265NaluType.Sps), find(H265NaluType.Pps)));
    },
    outOfBandConfig: (f) => orNone(() => h265Config(f.vps, f.sps, f.pps)),
    frameBody: (au, isKeyframe, compositionTimeMs) => [flvExVideoHeader('h265', false, isKeyframe, compositionTimeMs), ...nalusToAvccParts(au)],
  },
  av1: {
    inBandConfig: (tu) => {
      const seq = tu.find((o) => av1ObuType(o) === Av1ObuType.SequenceHeader);
      return seq && orNone(() => configTag('av1', buildAv1Config(seq)));
    },
    outOfBandConfig: () => undefined, // AV1 SDP carries no sequence header: wait for one in band
    // The low-overhead format (every OBU with its size), as in ISOBMFF; empty OBUs (malformed RTP) left out.
    frameBody: (tu, isKeyframe) => {
      const obus = tu.filter((o) => o.length > 0).map(av1ObuWithSize);
      return obus.length === 0 ? undefined : [flvExVideoHeader('av1', false, isKeyframe, 0), ...obus];
    },
  },
  vp9: {
    inBandConfig: (frame, randomAccess) => {
      const key = randomAccess ? orNone(() => { const k = parseVp9KeyFrame(frame); return k && buildVpcc(k); }) : undefined;
      return key && configTag('vp9', key);
    },
    outOfBandConfig: () => undefined, // VP9 SDP carries no configuration either
    frameBody: (frame, isKeyframe) => [flvExVideoHeader('vp9', false, isKeyframe, 0), frame],
  },
};

/** How each audio codec travels over RTMP: its messages, each at a time in the track's clock. */
type AudioMessages<A extends RtmpAudioCodec> = (t: RtmpAudioTrack<A>, payload: PayloadByCodec[StreamCodecOfAudio[A]], pts: number) => AudioMessage[];

/** One audio message: its time in the track's clock and its body, as parts to write in order. */
interface AudioMessage { ticks: number; body: Buffer[] }

/** Each MP3 frame at the unit's time plus the samples of the frames before it; frames without a valid header are left out. */
function mp3Messages(t: RtmpAudioTrack<'mp3'>, frames: Buffer[], pts: number): AudioMessage[] {
  const out: AudioMessage[] = [];
  let samples = 0;
  for (const f of frames) {
    let h;
    try { h = parseMpegAudioHeader(f); } catch { continue; } // not a frame: left out, the stream goes on
    out.push({ ticks: pts + rescale(samples, h.sampleRate, t.format.clockRate, 'round'), body: [buildFlvLegacyAudio('mp3', h.sampleRate, h.channels, f)] });
    samples += h.samples;
  }
  return out;
}

const g711Messages = (codec: 'pcma' | 'pcmu'): AudioMessages<typeof codec> => (t, samples, pts) =>
  samples.length === 0 ? [] : [{ ticks: pts, body: [buildFlvLegacyAudio(codec, 8000, t.format.channels ?? 1, samples)] }];

const AUDIO: { readonly [A in RtmpAudioCodec]: AudioMessages<A> } = {
  // AAC: an AU every 1024 samples; the clock is the sample rate.
  aac: (_t, aus, pts) => aus.map((au, i) => ({ ticks: pts + i * AAC_SAMPLES_PER_AU, body: [flvAacHeader(false), au] })),
  opus: (_t, packets, pts) => packets.map((p) => ({ ticks: pts, body: [buildFlvExAudio({ codec: 'opus', data: p })] })),
  mp3: mp3Messages,
  pcma: g711Messages('pcma'),
  pcmu: g711Messages('pcmu'),
};

/**
 * Serialises one stream for RTMP players, once for all of them: each unit becomes chunked RTMP bytes cached on
 * the unit, so N players cost N socket writes of the same Buffer (docs/performance.md §Serialise once). H264 and AAC travel as
 * FLV, as do MP3 and G711; H265, AV1, VP9 and Opus as Enhanced RTMP to players that announced them; other tracks are left out (`skipped`).
 */
export class RtmpStreamMuxer {
  readonly video: RtmpVideoTrack | undefined;
  readonly audio: AnyRtmpAudioTrack | undefined;
  /** Tracks left out, each with the reason, for the log ("track …"). */
  readonly skipped: string[] = [];
  /** Where a player's batch (audio messages and the next video message) is joined once for all players (SharedJoin). */
  readonly join = new SharedJoin();
  /** The current video sequence header body; frames before the first one are held back (undecodable). */
  private config: Buffer | undefined;
  private readonly cache = new WeakMap<Unit, Buffer | null>();
  private firstNtp: number | undefined;

  /** `caps`: the Enhanced RTMP codecs the players announced; H264 and AAC go to every player as legacy FLV. */
  constructor(desc: Description, private readonly chunkSize: number, caps: EnhancedCaps) {
    let video: RtmpVideoTrack | undefined;
    let audio: AnyRtmpAudioTrack | undefined;
    for (const media of desc.medias) {
      for (const format of media.formats) {
        const name = `${format.encoding.toLowerCase()}/${format.clockRate}`;
        const vt = videoTrack(media, format);
        const at = audioTrack(media, format);
        // A legacy player would misread an Enhanced RTMP track, so it gets one only when it announced the FourCC.
        const fourcc = vt && vt.codec !== 'h264' ? VIDEO_FOURCC[vt.codec] : at?.codec === 'opus' ? AUDIO_FOURCC.opus : undefined;
        if (fourcc && !caps.accepts(fourcc)) this.skipped.push(`${name} is left out: the player did not announce Enhanced RTMP '${fourcc}' in connect`);
        else if (vt && !video) video = vt;
        else if (at && !audio) audio = at;
        else this.skipped.push(`${name} can't be sent over RTMP and is left out`);
      }
    }
    this.video = video;
    this.audio = audio;
    // The format's current parameters: those announced, or those the stream's format updater took in band since.
    if (video) this.config = outOfBandConfig(video);
  }

  /** Bytes a new player gets before media: onMetaData and the sequence headers known so far. */
  headerBytes(): Buffer {
    const meta: Record<string, number | string> = {};
    // Enhanced RTMP puts the FourCC, as a number, where FLV has its codec id.
    if (this.video) meta.videocodecid = this.video.codec === 'h264' ? FLV_VIDEO_AVC : fourccNumber(VIDEO_FOURCC[this.video.codec]);
    if (this.audio) meta.audiocodecid = AUDIO_CODEC_ID[this.audio.codec];
    const parts = [this.chunk(DATA_CSID, RtmpMessageType.DataAmf0, 0, Buffer.concat([encodeAmf0('onMetaData'), encodeAmf0EcmaArray(meta)]))];
    if (this.config) parts.push(this.chunk(VIDEO_CSID, RtmpMessageType.Video, 0, this.config));
    const audioConfig = this.audio && audioConfigBody(this.audio);
    if (audioConfig) parts.push(this.chunk(AUDIO_CSID, RtmpMessageType.Audio, 0, audioConfig));
    return Buffer.concat(parts);
  }

  /** The RTMP bytes of a unit of the video track (null when it carries nothing), computed once per unit. */
  videoBytes(unit: Unit<RtmpVideoCodec>): Buffer | null {
    let b = this.cache.get(unit);
    if (b === undefined) { b = this.video ? this.makeVideo(this.video, unit) : null; this.cache.set(unit, b); }
    return b;
  }

  /** The RTMP bytes of a unit of the audio track (null when it carries nothing), computed once per unit. */
  audioBytes(unit: Unit<StreamCodecOfAudio[RtmpAudioCodec]>): Buffer | null {
    let b = this.cache.get(unit);
    if (b === undefined) { b = this.audio ? this.makeAudio(this.audio, unit) : null; this.cache.set(unit, b); }
    return b;
  }

  private makeVideo<C extends RtmpVideoCodec>(t: RtmpVideoTrack<C>, unit: Unit<C>): Buffer | null {
    const payload = unit.payload;
    if (payload === undefined || payload.length === 0) return null;
    const mapping: VideoMapping<C> = VIDEO[t.codec];
    const parts: Buffer[] = [];
    const dts = unit.dts ?? unit.pts;
    const dtsMs = this.ms(t, dts, unit);
    const randomAccess = unit.randomAccess === true;
    const inBand = mapping.inBandConfig(payload, randomAccess);
    if (inBand && !this.config?.equals(inBand)) {
      this.config = inBand;
      parts.push(this.chunk(VIDEO_CSID, RtmpMessageType.Video, dtsMs, inBand)); // configuration changed: players need it first
    }
    if (!this.config) return null; // nothing is decodable before the configuration is known
    const cts = rescale(unit.pts - dts, t.format.clockRate, RTMP_CLOCK_RATE, 'round');
    const body = mapping.frameBody(payload, randomAccess, cts);
    if (body) parts.push(this.chunk(VIDEO_CSID, RtmpMessageType.Video, dtsMs, body));
    return joinMessages(parts);
  }

  private makeAudio<A extends RtmpAudioCodec>(t: RtmpAudioTrack<A>, unit: Unit<StreamCodecOfAudio[A]>): Buffer | null {
    if (unit.payload === undefined) return null;
    const messages: AudioMessages<A> = AUDIO[t.codec];
    const out = messages(t, unit.payload, unit.pts).map((m) => this.chunk(AUDIO_CSID, RtmpMessageType.Audio, this.ms(t, m.ticks, unit), m.body));
    return joinMessages(out);
  }

  /**
   * Milliseconds since the start of the stream. Each track counts from its first unit; the second track is placed
   * by the wall-clock arrival of its first unit, since RTP timestamps of different tracks share no origin.
   */
  private ms(t: TrackClock & { readonly format: Format }, ticks: number, unit: Unit): number {
    if (t.base === undefined) {
      const now = unit.ntp?.getTime() ?? Date.now();
      this.firstNtp ??= now;
      t.base = ticks;
      t.offsetMs = now - this.firstNtp;
    }
    return Math.max(0, rescale(ticks - t.base, t.format.clockRate, RTMP_CLOCK_RATE, 'round') + (t.offsetMs ?? 0));
  }

  private chunk(csid: number, type: number, timestamp: number, body: Buffer | readonly Buffer[]): Buffer {
    const head = { chunkStreamId: csid, type, timestamp: timestamp >>> 0, messageStreamId: RTMP_MEDIA_STREAM_ID };
    return serializeRtmpParts(head, Buffer.isBuffer(body) ? [body] : body, this.chunkSize);
  }
}

/** The serialised messages of one unit as one Buffer; a single message is returned as is (Buffer.concat would copy it). */
function joinMessages(parts: Buffer[]): Buffer | null {
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** The sequence header body of the video track's current out-of-band parameters, when it has them. */
function outOfBandConfig<C extends RtmpVideoCodec>(t: RtmpVideoTrack<C>): Buffer | undefined {
  const mapping: VideoMapping<C> = VIDEO[t.codec];
  return mapping.outOfBandConfig(t.format);
}

/** The audio sequence header body, for codecs that have one. */
function audioConfigBody(t: AnyRtmpAudioTrack): Buffer | undefined {
  switch (t.codec) {
    case 'aac': return t.format.config && buildFlvAudio({ config: t.format.config });
    case 'opus': return buildFlvExAudio({ codec: 'opus', config: buildOpusHead(opusChannels(t.format)) });
    default: return undefined;
  }
}
