import { CodecError } from './codec-error.ts';

/** The Opus identification header fields the server uses (RFC 7845 §5.1). */
export interface OpusHead { readonly channels: number; readonly preSkip: number; readonly inputSampleRate: number; readonly mappingFamily: number }

const MAGIC = 'OpusHead';

/** Parses an OpusHead packet: magic, version 0.x, channel count, pre-skip, input rate, gain, mapping family. */
export function parseOpusHead(b: Buffer): OpusHead {
  if (b.length < 19 || b.toString('latin1', 0, 8) !== MAGIC) throw new CodecError('invalid OpusHead');
  if (b[8]! >> 4 !== 0) throw new CodecError(`unsupported OpusHead version ${b[8]}`);
  const channels = b[9]!;
  const mappingFamily = b[18]!;
  if (channels === 0 || (mappingFamily === 0 && channels > 2)) throw new CodecError(`invalid Opus channel count ${channels}`);
  return { channels, preSkip: b.readUInt16LE(10), inputSampleRate: b.readUInt32LE(12), mappingFamily };
}

/** Builds an OpusHead for a mono or stereo stream (mapping family 0, no gain, 48 kHz input). */
export function buildOpusHead(channels: 1 | 2, preSkip = 0): Buffer {
  const b = Buffer.alloc(19);
  b.write(MAGIC, 0, 'latin1');
  b[8] = 1;
  b[9] = channels;
  b.writeUInt16LE(preSkip, 10);
  b.writeUInt32LE(48000, 12);
  return b;
}
