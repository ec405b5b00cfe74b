import { parseExAudio, parseExVideo } from './flv-enhanced.ts';
import {
  clampCompositionTime, FLV_AUDIO_AAC, FLV_AUDIO_EX_HEADER, FLV_AUDIO_MP3, FLV_AUDIO_MP3_8K, FLV_AUDIO_PCMA, FLV_AUDIO_PCMU, FLV_VIDEO_AVC,
  type FlvAudio, type FlvVideo,
} from './flv-types.ts';
import { RtmpProtocolError } from './rtmp-errors.ts';

/** Parses an RTMP video message body (FLV VIDEODATA, or the Enhanced RTMP header for FourCC codecs). */
export function parseFlvVideo(body: Buffer): FlvVideo {
  if (body.length < 1) throw new RtmpProtocolError('empty video message');
  const b0 = body[0]!;
  if (b0 & 0x80) return parseExVideo(body); // Enhanced RTMP: IsExHeader, frame type, packet type, FourCC
  const frameType = b0 >> 4;
  const codecId = b0 & 0x0f;
  if (codecId !== FLV_VIDEO_AVC) return { kind: 'other', description: `FLV video codec ${codecId}` };
  if (frameType === 5) return { kind: 'ignore' }; // video info/command frame: no picture
  if (body.length < 5) throw new RtmpProtocolError('short AVC video message');
  const packetType = body[1]!;
  const cts = body.readIntBE(2, 3);
  if (packetType === 0) return { kind: 'config', codec: 'h264', config: body.subarray(5) };
  if (packetType === 1) return { kind: 'frame', codec: 'h264', isKeyframe: frameType === 1, compositionTimeMs: cts, data: body.subarray(5) };
  if (packetType === 2) return { kind: 'ignore' }; // end of sequence
  return { kind: 'other', description: `AVC packet type ${packetType}` };
}

/** Parses an RTMP audio message body (FLV AUDIODATA, or the Enhanced RTMP header for FourCC codecs). */
export function parseFlvAudio(body: Buffer): FlvAudio {
  if (body.length < 1) throw new RtmpProtocolError('empty audio message');
  const format = body[0]! >> 4;
  if (format === FLV_AUDIO_EX_HEADER) return parseExAudio(body);
  // MP3 and G711 bodies are the codec's bytes after the header byte; G711's SoundType says mono or stereo.
  if (format === FLV_AUDIO_MP3 || format === FLV_AUDIO_MP3_8K) return { kind: 'frame', codec: 'mp3', data: body.subarray(1) };
  if (format === FLV_AUDIO_PCMA || format === FLV_AUDIO_PCMU) {
    return { kind: 'frame', codec: format === FLV_AUDIO_PCMA ? 'pcma' : 'pcmu', data: body.subarray(1), channels: (body[0]! & 1) + 1 };
  }
  if (format !== FLV_AUDIO_AAC) return { kind: 'other', description: `FLV audio format ${format}` };
  if (body.length < 2) throw new RtmpProtocolError('short AAC audio message');
  return body[1] === 0 ? { kind: 'config', codec: 'aac', config: body.subarray(2) } : { kind: 'frame', codec: 'aac', data: body.subarray(2) };
}

/** Legacy FLV video body: AVC sequence header or frame (`data` is AVCC). */
export function buildFlvVideo(o: { config?: Buffer; data?: Buffer; isKeyframe: boolean; compositionTimeMs: number }): Buffer {
  return Buffer.concat([flvVideoHeader(o.config !== undefined, o.isKeyframe, o.compositionTimeMs), o.config ?? o.data ?? Buffer.alloc(0)]);
}

/** The 5 bytes a legacy FLV AVC body starts with (FLV spec E.4.3.1): frame type, codec, AVC packet type, composition time. */
export function flvVideoHeader(isConfig: boolean, isKeyframe: boolean, compositionTimeMs: number): Buffer {
  const h = Buffer.allocUnsafe(5);
  h[0] = ((isKeyframe || isConfig ? 1 : 2) << 4) | FLV_VIDEO_AVC;
  h[1] = isConfig ? 0 : 1;
  h.writeIntBE(isConfig ? 0 : clampCompositionTime(compositionTimeMs), 2, 3);
  return h;
}

/**
 * Legacy FLV MP3 or G711 body. The SoundRate flags of MP3 are the nearest FLV has (48 and 32 kHz are written as
 * 44 kHz, as FFmpeg does; decoders read the rate from the frame header); G711 is 8 kHz, which FLV marks with rate 0.
 */
export function buildFlvLegacyAudio(codec: 'mp3' | 'pcma' | 'pcmu', sampleRate: number, channels: number, data: Buffer): Buffer {
  const format = codec === 'mp3' ? (sampleRate === 8000 ? FLV_AUDIO_MP3_8K : FLV_AUDIO_MP3) : codec === 'pcma' ? FLV_AUDIO_PCMA : FLV_AUDIO_PCMU;
  const rate = codec !== 'mp3' ? 0 : sampleRate >= 32000 ? 3 : sampleRate >= 16000 ? 2 : sampleRate >= 11025 ? 1 : 0;
  return Buffer.concat([Buffer.from([(format << 4) | (rate << 2) | 0x02 | (channels > 1 ? 1 : 0)]), data]);
}

/** Legacy FLV audio body: AAC sequence header or raw frame. */
export function buildFlvAudio(o: { config?: Buffer; data?: Buffer }): Buffer {
  return Buffer.concat([flvAacHeader(o.config !== undefined), o.config ?? o.data ?? Buffer.alloc(0)]);
}

// `0xAF` = AAC, 44 kHz, 16-bit, stereo flags (ignored for AAC), then the AAC packet type (FLV spec E.4.2.1).
const AAC_CONFIG_HEADER = Buffer.from([0xaf, 0]);
const AAC_FRAME_HEADER = Buffer.from([0xaf, 1]);

/** The 2 bytes a legacy FLV AAC body starts with; the same shared, never written, bytes for every message. */
export function flvAacHeader(isConfig: boolean): Buffer {
  return isConfig ? AAC_CONFIG_HEADER : AAC_FRAME_HEADER;
}
