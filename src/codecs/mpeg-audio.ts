import { CodecError } from './codec-error.ts';

// ISO/IEC 11172-3 §2.4.2.3 and ISO/IEC 13818-3 bitrate tables, kbit/s, index 1–14.
const BITRATES = {
  v1l1: [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  v1l2: [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  v1l3: [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2l1: [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  v2l23: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
} as const;
const SAMPLE_RATES: Record<number, readonly number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** What an MPEG-1/2/2.5 audio frame header says (layer I, II, III). */
export interface MpegAudioHeader { readonly layer: 1 | 2 | 3; readonly sampleRate: number; readonly channels: number; readonly samples: number; readonly frameLength: number | undefined }

/** Parses a 4-byte MPEG audio frame header; frameLength is undefined for free-format streams. Throws CodecError. */
export function parseMpegAudioHeader(b: Uint8Array): MpegAudioHeader {
  if (b.length < 4 || b[0] !== 0xff || (b[1]! & 0xe0) !== 0xe0) throw new CodecError('missing MPEG audio sync word');
  const version = (b[1]! >> 3) & 3;
  const layerBits = (b[1]! >> 1) & 3;
  const brIdx = b[2]! >> 4;
  const srIdx = (b[2]! >> 2) & 3;
  const rates = SAMPLE_RATES[version];
  if (!rates || layerBits === 0 || brIdx === 15 || srIdx === 3) throw new CodecError('invalid MPEG audio header');
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const sampleRate = rates[srIdx]!;
  const v1 = version === 3;
  const table = v1 ? (layer === 1 ? BITRATES.v1l1 : layer === 2 ? BITRATES.v1l2 : BITRATES.v1l3) : layer === 1 ? BITRATES.v2l1 : BITRATES.v2l23;
  const padding = (b[2]! >> 1) & 1;
  const samples = layer === 1 ? 384 : layer === 3 && !v1 ? 576 : 1152;
  const channels = b[3]! >> 6 === 3 ? 1 : 2;
  if (brIdx === 0) return { layer, sampleRate, channels, samples, frameLength: undefined };
  const bps = table[brIdx - 1]! * 1000;
  const frameLength = layer === 1 ? (Math.floor((12 * bps) / sampleRate) + padding) * 4 : Math.floor((samples / 8) * bps / sampleRate) + padding;
  return { layer, sampleRate, channels, samples, frameLength };
}

/** Most frames one message may hold (docs/limits.md §Media: parsed lists are bounded). */
const MAX_FRAMES = 256;

/** Splits whole MPEG audio frames that follow each other (as FLV carries MP3) by their header lengths. Throws CodecError. */
export function splitMpegAudioFrames(data: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (frames.length >= MAX_FRAMES) throw new CodecError('too many MPEG audio frames in one message');
    const length = parseMpegAudioHeader(data.subarray(pos, pos + 4)).frameLength ?? data.length - pos; // free format: the rest
    if (pos + length > data.length) throw new CodecError('MPEG audio frame cut short');
    frames.push(data.subarray(pos, pos + length));
    pos += length;
  }
  return frames;
}
