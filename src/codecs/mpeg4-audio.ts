import { CodecError } from './codec-error.ts';

// ISO/IEC 14496-3 §1.6.3.4 samplingFrequencyIndex.
const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** The fields of an AudioSpecificConfig needed for RTP and FLV. */
export interface AudioSpecificConfig { readonly objectType: number; readonly sampleRate: number; readonly channels: number }

/** Parses an AudioSpecificConfig (14496-3 §1.6.2.1), including the explicit 24-bit sample rate form. */
export function parseAudioSpecificConfig(b: Uint8Array): AudioSpecificConfig {
  if (b.length < 2) throw new CodecError('AudioSpecificConfig too short');
  const objectType = b[0]! >> 3;
  const idx = ((b[0]! & 7) << 1) | (b[1]! >> 7);
  let sampleRate: number;
  let channels: number;
  if (idx === 15) {
    if (b.length < 5) throw new CodecError('AudioSpecificConfig too short for an explicit sample rate');
    sampleRate = (((b[1]! & 0x7f) << 17) | (b[2]! << 9) | (b[3]! << 1) | (b[4]! >> 7)) >>> 0;
    channels = (b[4]! >> 3) & 0x0f;
  } else {
    const r = SAMPLE_RATES[idx];
    if (r === undefined) throw new CodecError(`invalid sampling frequency index ${idx}`);
    sampleRate = r;
    channels = (b[1]! >> 3) & 0x0f;
  }
  if (objectType === 0 || sampleRate === 0) throw new CodecError('invalid AudioSpecificConfig');
  return { objectType, sampleRate, channels };
}

/** Samples in one AAC access unit (AAC-LC). */
export const AAC_SAMPLES_PER_AU = 1024;
