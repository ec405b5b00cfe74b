import { RtmpProtocolError } from './rtmp-errors.ts';

/** FLV video codec ids and Enhanced RTMP FourCCs we know (FLV spec E.4.3.1; veovera enhanced-rtmp). */
export const FLV_VIDEO_AVC = 7;
export const FLV_AUDIO_AAC = 10;
export const FLV_AUDIO_MP3 = 2;

/** A parsed video tag body. */
export type FlvVideo =
  | { readonly kind: 'avcConfig'; readonly config: Buffer }
  | { readonly kind: 'avcFrame'; readonly isKeyframe: boolean; readonly compositionTimeMs: number; readonly data: Buffer }
  | { readonly kind: 'hevcConfig'; readonly config: Buffer }
  | { readonly kind: 'hevcFrame'; readonly isKeyframe: boolean; readonly compositionTimeMs: number; readonly data: Buffer }
  | { readonly kind: 'other'; readonly description: string };

/** Enhanced RTMP video packet types (veovera enhanced-rtmp v1, ExVideoTagHeader). */
const ExVideoPacket = { SequenceStart: 0, CodedFrames: 1, SequenceEnd: 2, CodedFramesX: 3 } as const;
/** The Enhanced RTMP FourCC of H265. */
export const FOURCC_HEVC = 'hvc1';

function parseExVideo(body: Buffer): FlvVideo {
  if (body.length < 5) throw new RtmpProtocolError('short Enhanced RTMP video message');
  const frameType = (body[0]! >> 4) & 7;
  const packetType = body[0]! & 0x0f;
  const fourcc = body.toString('latin1', 1, 5);
  if (fourcc !== FOURCC_HEVC) return { kind: 'other', description: `Enhanced RTMP video '${fourcc.replace(/[^\x20-\x7e]/g, '?')}'` };
  if (packetType === ExVideoPacket.SequenceStart) return { kind: 'hevcConfig', config: body.subarray(5) };
  if (packetType === ExVideoPacket.CodedFramesX) return { kind: 'hevcFrame', isKeyframe: frameType === 1, compositionTimeMs: 0, data: body.subarray(5) };
  if (packetType === ExVideoPacket.CodedFrames) {
    if (body.length < 8) throw new RtmpProtocolError('short Enhanced RTMP HEVC frame');
    return { kind: 'hevcFrame', isKeyframe: frameType === 1, compositionTimeMs: body.readIntBE(5, 3), data: body.subarray(8) };
  }
  return { kind: 'other', description: `Enhanced RTMP packet type ${packetType}` };
}

/** Parses an RTMP video message body (FLV VIDEODATA, and the Enhanced RTMP header for FourCC codecs). */
export function parseFlvVideo(body: Buffer): FlvVideo {
  if (body.length < 1) throw new RtmpProtocolError('empty video message');
  const b0 = body[0]!;
  if (b0 & 0x80) return parseExVideo(body); // Enhanced RTMP: IsExHeader, frame type, packet type, FourCC
  const frameType = b0 >> 4;
  const codecId = b0 & 0x0f;
  if (codecId !== FLV_VIDEO_AVC) return { kind: 'other', description: `FLV video codec ${codecId}` };
  if (frameType === 5) return { kind: 'other', description: 'FLV video info/command frame' }; // carries no picture
  if (body.length < 5) throw new RtmpProtocolError('short AVC video message');
  const packetType = body[1]!;
  const cts = body.readIntBE(2, 3);
  if (packetType === 0) return { kind: 'avcConfig', config: body.subarray(5) };
  if (packetType === 1) return { kind: 'avcFrame', isKeyframe: frameType === 1, compositionTimeMs: cts, data: body.subarray(5) };
  return { kind: 'other', description: `AVC packet type ${packetType}` };
}

/** A parsed audio tag body. */
export type FlvAudio =
  | { readonly kind: 'aacConfig'; readonly config: Buffer }
  | { readonly kind: 'aacFrame'; readonly data: Buffer }
  | { readonly kind: 'other'; readonly description: string };

/** Parses an RTMP audio message body (FLV AUDIODATA). */
export function parseFlvAudio(body: Buffer): FlvAudio {
  if (body.length < 1) throw new RtmpProtocolError('empty audio message');
  const format = body[0]! >> 4;
  if (format !== FLV_AUDIO_AAC) return { kind: 'other', description: `FLV audio format ${format}` };
  if (body.length < 2) throw new RtmpProtocolError('short AAC audio message');
  return body[1] === 0 ? { kind: 'aacConfig', config: body.subarray(2) } : { kind: 'aacFrame', data: body.subarray(2) };
}

/** Video body: AVC sequence header or frame (`data` is AVCC). */
export function buildFlvVideo(o: { config?: Buffer; data?: Buffer; isKeyframe: boolean; compositionTimeMs: number }): Buffer {
  const h = Buffer.allocUnsafe(5);
  h[0] = ((o.isKeyframe || o.config ? 1 : 2) << 4) | FLV_VIDEO_AVC;
  h[1] = o.config ? 0 : 1;
  h.writeIntBE(o.config ? 0 : Math.max(-0x800000, Math.min(0x7fffff, o.compositionTimeMs)), 2, 3);
  return Buffer.concat([h, o.config ?? o.data ?? Buffer.alloc(0)]);
}

/** Audio body: AAC sequence header or raw frame. `0xAF` = AAC, 44 kHz, 16-bit, stereo flags (ignored for AAC). */
export function buildFlvAudio(o: { config?: Buffer; data?: Buffer }): Buffer {
  return Buffer.concat([Buffer.from([0xaf, o.config ? 0 : 1]), o.config ?? o.data ?? Buffer.alloc(0)]);
}

/** Enhanced RTMP H265 body: sequence start (hvcC) or coded frames (`data` is length-prefixed NAL units). */
export function buildFlvHevc(o: { config?: Buffer; data?: Buffer; isKeyframe: boolean; compositionTimeMs: number }): Buffer {
  const cts = o.config ? 0 : Math.max(-0x800000, Math.min(0x7fffff, o.compositionTimeMs));
  const packetType = o.config ? ExVideoPacket.SequenceStart : cts === 0 ? ExVideoPacket.CodedFramesX : ExVideoPacket.CodedFrames;
  const h = Buffer.alloc(packetType === ExVideoPacket.CodedFrames ? 8 : 5);
  h[0] = 0x80 | ((o.isKeyframe || o.config ? 1 : 2) << 4) | packetType;
  h.write(FOURCC_HEVC, 1, 'latin1');
  if (packetType === ExVideoPacket.CodedFrames) h.writeIntBE(cts, 5, 3);
  return Buffer.concat([h, o.config ?? o.data ?? Buffer.alloc(0)]);
}
