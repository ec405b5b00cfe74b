import { parseAudioSpecificConfig, parseAv1Config, parseAvcConfig, parseHevcConfig } from '../../codecs/index.ts';
import { ObjectType, parseDops, parseEsds } from './fmp4-audio-config.ts';
import { boxesIn, findBox, need, requireBox, type BoxView } from './fmp4-boxes.ts';
import { Fmp4Error } from './fmp4-error.ts';
import type { Fmp4Codec, Fmp4Init, Fmp4InitTrack, Fmp4SampleDefaults } from './fmp4-track.ts';

/** Bytes of a VisualSampleEntry / AudioSampleEntry before its child boxes (ISO/IEC 14496-12 §12.1.3, §12.2.3). */
const VISUAL_ENTRY_LENGTH = 78;
const AUDIO_ENTRY_LENGTH = 28;
/** Most tracks an initialization segment may declare (gohlslib's HLS client limit). */
export const FMP4_MAX_TRACKS = 10;

/**
 * Parses an initialization segment: the tracks of moov (track_ID, time scale, codec and its configuration) and the
 * trex defaults of mvex (parameter sets are views of `bytes`). Tracks of codecs this server does not handle (and
 * encrypted ones) are left out; no track left is an error. At most FMP4_MAX_TRACKS tracks. Throws Fmp4Error only.
 */
export function parseFmp4Init(bytes: Uint8Array): Fmp4Init {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let moov: BoxView | undefined;
  for (const b of boxesIn(buf, 0, buf.length)) if (b.type === 'moov') { moov = b; break; }
  if (!moov) throw new Fmp4Error('initialization segment without moov');
  const defaults = new Map<number, Fmp4SampleDefaults>();
  const mvex = findBox(buf, moov, 'mvex');
  if (mvex) {
    for (const b of boxesIn(buf, mvex.payload, mvex.end)) {
      if (b.type !== 'trex') continue;
      need(b, 0, 24);
      defaults.set(buf.readUInt32BE(b.payload + 4), {
        duration: buf.readUInt32BE(b.payload + 12), size: buf.readUInt32BE(b.payload + 16), flags: buf.readUInt32BE(b.payload + 20),
      });
    }
  }
  const tracks: Fmp4InitTrack[] = [];
  for (const b of boxesIn(buf, moov.payload, moov.end)) {
    if (b.type !== 'trak') continue;
    if (tracks.length >= FMP4_MAX_TRACKS) throw new Fmp4Error(`more than ${FMP4_MAX_TRACKS} tracks`);
    const t = parseTrak(buf, b);
    if (!t) continue;
    if (tracks.some((o) => o.id === t.id)) throw new Fmp4Error(`track ID ${t.id} repeated`);
    // All-zero defaults (what writers put when fragments say everything) are left out, as writeFmp4Init takes them.
    const d = defaults.get(t.id);
    tracks.push(d && (d.duration || d.size || d.flags) ? { ...t, sampleDefaults: d } : t);
  }
  if (tracks.length === 0) throw new Fmp4Error('no supported track');
  return { tracks };
}

function parseTrak(buf: Buffer, trak: BoxView): Fmp4InitTrack | undefined {
  // tkhd (§8.3.2): version 1 has 64-bit times, so track_ID sits at payload offset 20 instead of 12.
  const tkhd = requireBox(buf, trak, 'tkhd');
  const isV1 = buf[tkhd.payload] === 1;
  need(tkhd, 0, isV1 ? 24 : 16);
  const id = buf.readUInt32BE(tkhd.payload + (isV1 ? 20 : 12));
  const mdia = requireBox(buf, trak, 'mdia');
  const mdhd = requireBox(buf, mdia, 'mdhd');
  const isMdhdV1 = buf[mdhd.payload] === 1;
  need(mdhd, 0, isMdhdV1 ? 24 : 16);
  const timeScale = buf.readUInt32BE(mdhd.payload + (isMdhdV1 ? 20 : 12));
  if (id === 0 || timeScale === 0) throw new Fmp4Error('track with ID 0 or time scale 0');
  const stsd = requireBox(buf, requireBox(buf, requireBox(buf, mdia, 'minf'), 'stbl'), 'stsd');
  need(stsd, 0, 8); // version, flags, entry_count
  const entry = boxesIn(buf, stsd.payload + 8, stsd.end).next();
  if (entry.done) throw new Fmp4Error('stsd without sample entry');
  const codec = parseSampleEntry(buf, entry.value);
  return codec ? { id, timeScale, codec } : undefined;
}

/** The codec of a sample entry, or undefined for codecs not handled here. */
function parseSampleEntry(buf: Buffer, e: BoxView): Fmp4Codec | undefined {
  try {
    switch (e.type) {
      case 'avc1': case 'avc3': {
        const c = parseAvcConfig(configBox(buf, e, 'avcC', VISUAL_ENTRY_LENGTH));
        return { codec: 'h264', sps: c.sps, pps: c.pps };
      }
      case 'hvc1': case 'hev1': {
        const c = parseHevcConfig(configBox(buf, e, 'hvcC', VISUAL_ENTRY_LENGTH));
        return { codec: 'h265', vps: c.vps, sps: c.sps, pps: c.pps };
      }
      case 'av01':
        return { codec: 'av1', sequenceHeader: parseAv1Config(configBox(buf, e, 'av1C', VISUAL_ENTRY_LENGTH)).sequenceHeader };
      case 'vp09': return parseVp09(buf, e);
      case 'mp4a': return parseMp4a(buf, e);
      case 'Opus': {
        need(e, 0, AUDIO_ENTRY_LENGTH);
        const d = parseDops(buf, requireBox(buf, e, 'dOps', AUDIO_ENTRY_LENGTH));
        return { codec: 'opus', channels: d.channels, preSkip: d.preSkip };
      }
      default: return undefined;
    }
  } catch (err) {
    if (err instanceof Fmp4Error) throw err;
    throw new Fmp4Error(`invalid ${e.type} configuration: ${(err as Error).message}`);
  }
}

function configBox(buf: Buffer, e: BoxView, type: string, skip: number): Buffer {
  need(e, 0, skip);
  const b = requireBox(buf, e, type, skip);
  return buf.subarray(b.payload, b.end);
}

// vpcC (VP codec ISO media binding §2.2, a FullBox): profile(8) level(8) bitDepth(4) chromaSubsampling(3)
// videoFullRangeFlag(1) colour fields(24) codecInitializationDataSize(16). chromaSubsampling: 0 and 1 = 4:2:0,
// 2 = 4:2:2, 3 = 4:4:4.
function parseVp09(buf: Buffer, e: BoxView): Fmp4Codec {
  need(e, 0, VISUAL_ENTRY_LENGTH);
  const width = buf.readUInt16BE(e.payload + 24);
  const height = buf.readUInt16BE(e.payload + 26);
  const vpcc = requireBox(buf, e, 'vpcC', VISUAL_ENTRY_LENGTH);
  need(vpcc, 0, 7);
  if (buf[vpcc.payload] !== 1) throw new Fmp4Error('unsupported vpcC version');
  const p = vpcc.payload + 4;
  const chroma = (buf[p + 2]! >> 1) & 7;
  if (width === 0 || height === 0 || chroma > 3) throw new Fmp4Error('invalid vp09 sample entry');
  return {
    codec: 'vp9', width, height, profile: buf[p]!, bitDepth: buf[p + 2]! >> 4,
    subsamplingX: chroma <= 2 ? 1 : 0, subsamplingY: chroma <= 1 ? 1 : 0, fullRange: (buf[p + 2]! & 1) === 1,
  };
}

function parseMp4a(buf: Buffer, e: BoxView): Fmp4Codec | undefined {
  need(e, 0, AUDIO_ENTRY_LENGTH);
  const channels = buf.readUInt16BE(e.payload + 16);
  const sampleRate = buf.readUInt32BE(e.payload + 24) >>> 16;
  const esds = parseEsds(buf, requireBox(buf, e, 'esds', AUDIO_ENTRY_LENGTH));
  switch (esds.objectTypeIndication) {
    case ObjectType.Mpeg4Audio: {
      const config = esds.decoderSpecificInfo;
      if (!config) throw new Fmp4Error('MPEG-4 audio esds without AudioSpecificConfig');
      parseAudioSpecificConfig(config);
      return { codec: 'mpeg4Audio', config };
    }
    case ObjectType.Mpeg1Audio: case ObjectType.Mpeg2Audio:
      if (channels === 0 || sampleRate === 0) throw new Fmp4Error('MPEG audio sample entry without rate or channels');
      return { codec: 'mpeg1Audio', sampleRate, channels };
    default: return undefined;
  }
}
