import { RtmpProtocolError } from './rtmp-errors.ts';
import { clampCompositionTime, FLV_AUDIO_EX_HEADER, type FlvAudio, type FlvVideo, type RtmpVideoCodec } from './flv-types.ts';

// Enhanced RTMP v2 (veovera/enhanced-rtmp): ExVideoTagHeader / ExAudioTagHeader packet types.
const VideoPacket = { SequenceStart: 0, CodedFrames: 1, SequenceEnd: 2, CodedFramesX: 3, Metadata: 4, Mpeg2TsSequenceStart: 5, Multitrack: 6, ModEx: 7 } as const;
const AudioPacket = { SequenceStart: 0, CodedFrames: 1, SequenceEnd: 2, MultichannelConfig: 4, Multitrack: 5, ModEx: 7 } as const;
const FRAME_TYPE_COMMAND = 5;

/** Enhanced RTMP FourCC of each video codec. */
export const VIDEO_FOURCC: Readonly<Record<RtmpVideoCodec, string>> = { h264: 'avc1', h265: 'hvc1', av1: 'av01', vp9: 'vp09' };
/** Audio codecs with an Enhanced RTMP FourCC that we read. */
export type EnhancedAudioCodec = 'aac' | 'opus' | 'mp3';
/** Enhanced RTMP FourCC of each audio codec. */
export const AUDIO_FOURCC: Readonly<Record<EnhancedAudioCodec, string>> = { aac: 'mp4a', opus: 'Opus', mp3: '.mp3' };

/** The FourCC as a number, as onMetaData's videocodecid/audiocodecid carry it in Enhanced RTMP. */
export function fourccNumber(fourcc: string): number { return Buffer.from(fourcc, 'latin1').readUInt32BE(0); }

/** FourCC → codec, built once: every media message of a publisher is looked up. */
function byFourcc<C extends string>(table: Readonly<Record<C, string>>): ReadonlyMap<string, C> {
  return new Map((Object.keys(table) as C[]).map((c) => [table[c], c]));
}
const VIDEO_BY_FOURCC = byFourcc(VIDEO_FOURCC);
const AUDIO_BY_FOURCC = byFourcc(AUDIO_FOURCC);

const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?');

/**
 * Skips ModEx blocks (packet type 7: a size, that many bytes of modifier data, then a byte whose low nibble is the
 * real packet type). The only modifier defined is a sub-millisecond timestamp offset, which we don't need.
 */
function skipModEx(body: Buffer, packetType: number, modEx: number): { packetType: number; pos: number } {
  let pos = 1;
  while (packetType === modEx) {
    if (pos >= body.length) throw new RtmpProtocolError('truncated Enhanced RTMP ModEx');
    let size = body[pos++]! + 1;
    if (size === 256) {
      if (pos + 2 > body.length) throw new RtmpProtocolError('truncated Enhanced RTMP ModEx');
      size = body.readUInt16BE(pos) + 1;
      pos += 2;
    }
    pos += size;
    if (pos >= body.length) throw new RtmpProtocolError('truncated Enhanced RTMP ModEx');
    packetType = body[pos++]! & 0x0f;
  }
  return { packetType, pos };
}

function readFourcc(body: Buffer, pos: number): string {
  if (pos + 4 > body.length) throw new RtmpProtocolError('short Enhanced RTMP message');
  return body.toString('latin1', pos, pos + 4);
}

/** Parses a video body whose first byte has IsExHeader set (ExVideoTagHeader). */
export function parseExVideo(body: Buffer): FlvVideo {
  const frameType = (body[0]! >> 4) & 7;
  const { packetType, pos: afterType } = skipModEx(body, body[0]! & 0x0f, VideoPacket.ModEx);
  if (packetType === VideoPacket.Multitrack) return { kind: 'other', description: 'Enhanced RTMP multitrack video' };
  if (frameType === FRAME_TYPE_COMMAND && packetType !== VideoPacket.Metadata) return { kind: 'ignore' };
  const fourcc = readFourcc(body, afterType);
  let pos = afterType + 4;
  const codec = VIDEO_BY_FOURCC.get(fourcc);
  if (!codec) return { kind: 'other', description: `Enhanced RTMP video '${printable(fourcc)}'` };
  const isKeyframe = frameType === 1;
  switch (packetType) {
    case VideoPacket.SequenceStart: return { kind: 'config', codec, config: body.subarray(pos) };
    case VideoPacket.CodedFrames: {
      let compositionTimeMs = 0;
      if (codec === 'h264' || codec === 'h265') { // only these carry a composition time (SI24)
        if (pos + 3 > body.length) throw new RtmpProtocolError('short Enhanced RTMP coded frames');
        compositionTimeMs = body.readIntBE(pos, 3);
        pos += 3;
      }
      return { kind: 'frame', codec, isKeyframe, compositionTimeMs, data: body.subarray(pos) };
    }
    case VideoPacket.CodedFramesX: return { kind: 'frame', codec, isKeyframe, compositionTimeMs: 0, data: body.subarray(pos) };
    case VideoPacket.SequenceEnd:
    case VideoPacket.Metadata: return { kind: 'ignore' };
    default: return { kind: 'other', description: `Enhanced RTMP video packet type ${packetType}` };
  }
}

/** Parses an audio body whose SoundFormat is 9 (ExAudioTagHeader). */
export function parseExAudio(body: Buffer): FlvAudio {
  const { packetType, pos } = skipModEx(body, body[0]! & 0x0f, AudioPacket.ModEx);
  if (packetType === AudioPacket.Multitrack) return { kind: 'other', description: 'Enhanced RTMP multitrack audio' };
  const fourcc = readFourcc(body, pos);
  const codec = AUDIO_BY_FOURCC.get(fourcc);
  if (!codec) return { kind: 'other', description: `Enhanced RTMP audio '${printable(fourcc)}'` };
  switch (packetType) {
    case AudioPacket.SequenceStart: return { kind: 'config', codec, config: body.subarray(pos + 4) };
    case AudioPacket.CodedFrames: return { kind: 'frame', codec, data: body.subarray(pos + 4) };
    case AudioPacket.SequenceEnd:
    case AudioPacket.MultichannelConfig: return { kind: 'ignore' };
    default: return { kind: 'other', description: `Enhanced RTMP audio packet type ${packetType}` };
  }
}

/**
 * Enhanced RTMP video body: sequence start (`config`) or coded frames (`data`). H264/H265 frames carry a composition
 * time, sent as CodedFramesX when it is zero; AV1 and VP9 frames have none (CodedFrames, as FFmpeg writes them).
 */
export function buildFlvExVideo(o: { codec: RtmpVideoCodec; config?: Buffer; data?: Buffer; isKeyframe: boolean; compositionTimeMs: number }): Buffer {
  return Buffer.concat([flvExVideoHeader(o.codec, o.config !== undefined, o.isKeyframe, o.compositionTimeMs), o.config ?? o.data ?? Buffer.alloc(0)]);
}

/** The 5 or 8 bytes an Enhanced RTMP video body starts with: flags and packet type, FourCC, composition time when it has one. */
export function flvExVideoHeader(codec: RtmpVideoCodec, isConfig: boolean, isKeyframe: boolean, compositionTimeMs: number): Buffer {
  const hasCts = !isConfig && (codec === 'h264' || codec === 'h265');
  const cts = hasCts ? clampCompositionTime(compositionTimeMs) : 0;
  const packetType = isConfig ? VideoPacket.SequenceStart : hasCts && cts === 0 ? VideoPacket.CodedFramesX : VideoPacket.CodedFrames;
  const withCts = hasCts && packetType === VideoPacket.CodedFrames;
  const h = Buffer.alloc(withCts ? 8 : 5);
  h[0] = 0x80 | ((isKeyframe || isConfig ? 1 : 2) << 4) | packetType;
  h.write(VIDEO_FOURCC[codec], 1, 'latin1');
  if (withCts) h.writeIntBE(cts, 5, 3);
  return h;
}

/** Enhanced RTMP audio body: sequence start (`config`) or coded frames (`data`). */
export function buildFlvExAudio(o: { codec: EnhancedAudioCodec; config?: Buffer; data?: Buffer }): Buffer {
  const h = Buffer.alloc(5);
  h[0] = (FLV_AUDIO_EX_HEADER << 4) | (o.config ? AudioPacket.SequenceStart : AudioPacket.CodedFrames);
  h.write(AUDIO_FOURCC[o.codec], 1, 'latin1');
  return Buffer.concat([h, o.config ?? o.data ?? Buffer.alloc(0)]);
}
