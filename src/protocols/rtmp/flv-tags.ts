import { RtmpProtocolError } from './rtmp-errors.ts';

/** FLV video codec ids and Enhanced RTMP FourCCs we know (FLV spec E.4.3.1; veovera enhanced-rtmp). */
export const FLV_VIDEO_AVC = 7;
export const FLV_AUDIO_AAC = 10;
export const FLV_AUDIO_MP3 = 2;

/** A parsed video tag body. */
export type FlvVideo =
  | { readonly kind: 'avcConfig'; readonly config: Buffer }
  | { readonly kind: 'avcFrame'; readonly isKeyframe: boolean; readonly compositionTimeMs: number; readonly data: Buffer }
  | { readonly kind: 'other'; readonly description: string };

/** Parses an RTMP video message body (FLV VIDEODATA, and the Enhanced RTMP header for FourCC codecs). */
export function parseFlvVideo(body: Buffer): FlvVideo {
  if (body.length < 1) throw new RtmpProtocolError('empty video message');
  const b0 = body[0]!;
  if (b0 & 0x80) {
    // Enhanced RTMP: IsExHeader, frame type, packet type, FourCC.
    const fourcc = body.length >= 5 ? body.toString('latin1', 1, 5) : '';
    return { kind: 'other', description: `Enhanced RTMP video '${fourcc}'` };
  }
  const frameType = b0 >> 4;
  const codecId = b0 & 0x0f;
  if (codecId !== FLV_VIDEO_AVC) return { kind: 'other', description: `FLV video codec ${codecId}` };
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
