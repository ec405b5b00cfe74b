import { CodecError } from './codec-error.ts';
import { parseAudioSpecificConfig } from './mpeg4-audio.ts';

/**
 * ADTS (ISO/IEC 14496-3 §1.A.2.2), the self-framing AAC transport of MPEG-TS (stream type 0x0F) and .aac files.
 *
 *   byte 0–1: syncword 0xFFF(12) ID(1) layer(2)=0 protection_absent(1)
 *   byte 2:   profile_ObjectType(2) sampling_frequency_index(4) private_bit(1) channel_configuration[2](1)
 *   byte 3:   channel_configuration[1..0](2) original_copy(1) home(1) copyright bits(2) aac_frame_length[12..11](2)
 *   byte 4–5: aac_frame_length[10..0](11) adts_buffer_fullness[10..6](5)
 *   byte 6:   adts_buffer_fullness[5..0](6) number_of_raw_data_blocks_in_frame(2)
 *   then a 16-bit CRC when protection_absent is 0, then the raw data block (the access unit).
 */
const HEADER_LENGTH = 7;
const CRC_LENGTH = 2;
const MAX_FRAME_LENGTH = 0x1fff;
/** adts_buffer_fullness 0x7FF: variable bit rate, as encoders write it for live streams. */
const VBR_FULLNESS = 0x7ff;
/** Most frames one buffer may hold (docs/limits.md §Media: parsed lists are bounded). */
const MAX_FRAMES = 256;

/** One ADTS frame: the AudioSpecificConfig its header implies (2 bytes), that config parsed, and the access unit. */
export interface AdtsFrame {
  readonly config: Buffer;
  readonly objectType: number;
  readonly sampleRate: number;
  readonly channels: number;
  readonly au: Buffer;
}

/** Splits consecutive ADTS frames into access units (views). One raw data block per frame; throws CodecError. */
export function parseAdts(buf: Uint8Array): AdtsFrame[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const frames: AdtsFrame[] = [];
  let pos = 0;
  while (pos < b.length) {
    if (frames.length >= MAX_FRAMES) throw new CodecError('too many ADTS frames in one buffer');
    if (pos + HEADER_LENGTH > b.length) throw new CodecError('ADTS header truncated');
    if (b[pos] !== 0xff || (b[pos + 1]! & 0xf6) !== 0xf0) throw new CodecError('missing ADTS syncword');
    const hasCrc = (b[pos + 1]! & 1) === 0;
    const profile = b[pos + 2]! >> 6;
    const rateIndex = (b[pos + 2]! >> 2) & 0x0f;
    const channelConfig = ((b[pos + 2]! & 1) << 2) | (b[pos + 3]! >> 6);
    const frameLength = ((b[pos + 3]! & 3) << 11) | (b[pos + 4]! << 3) | (b[pos + 5]! >> 5);
    // Several raw data blocks share one header only in rare encoders; each would need its own position table.
    if ((b[pos + 6]! & 3) !== 0) throw new CodecError('ADTS frames with several raw data blocks are not supported');
    const headerLength = HEADER_LENGTH + (hasCrc ? CRC_LENGTH : 0);
    if (frameLength <= headerLength || pos + frameLength > b.length) throw new CodecError('invalid ADTS frame length');
    // The equivalent AudioSpecificConfig (14496-3 §1.6.2.1): objectType(5) samplingFrequencyIndex(4) channelConfiguration(4).
    const objectType = profile + 1;
    const config = Buffer.from([(objectType << 3) | (rateIndex >> 1), ((rateIndex & 1) << 7) | (channelConfig << 3)]);
    const { sampleRate } = parseAudioSpecificConfig(config);
    frames.push({ config, objectType, sampleRate, channels: channelConfig, au: b.subarray(pos + headerLength, pos + frameLength) });
    pos += frameLength;
  }
  return frames;
}

/**
 * Prefixes each access unit with an ADTS header (no CRC) built from an AudioSpecificConfig. ADTS can only say object
 * types 1–4 (AAC Main, LC, SSR, LTP) and indexed sample rates; anything else throws CodecError.
 */
export function buildAdts(aus: readonly Uint8Array[], config: Uint8Array): Buffer {
  if (config.length < 2) throw new CodecError('AudioSpecificConfig too short');
  const objectType = config[0]! >> 3;
  const rateIndex = ((config[0]! & 7) << 1) | (config[1]! >> 7);
  const channelConfig = (config[1]! >> 3) & 0x0f;
  if (objectType < 1 || objectType > 4) throw new CodecError(`ADTS cannot carry audio object type ${objectType}`);
  if (rateIndex > 12) throw new CodecError('ADTS needs an indexed sampling frequency');
  if (channelConfig > 7) throw new CodecError(`ADTS cannot carry channel configuration ${channelConfig}`);
  const parts: Uint8Array[] = [];
  for (const au of aus) {
    const frameLength = HEADER_LENGTH + au.length;
    if (frameLength > MAX_FRAME_LENGTH) throw new CodecError('AAC access unit too large for ADTS');
    parts.push(Buffer.from([
      0xff,
      0xf1, // MPEG-4, layer 0, protection absent
      ((objectType - 1) << 6) | (rateIndex << 2) | (channelConfig >> 2),
      ((channelConfig & 3) << 6) | (frameLength >> 11),
      (frameLength >> 3) & 0xff,
      ((frameLength & 7) << 5) | (VBR_FULLNESS >> 6),
      ((VBR_FULLNESS & 0x3f) << 2), // one raw data block
    ]), au);
  }
  return Buffer.concat(parts);
}
