import { box, fourCc, fullBox, u16, u32, UNITY_MATRIX, zeros } from './fmp4-boxes.ts';
import { Fmp4Error } from './fmp4-error.ts';
import { sampleEntry, videoSize } from './fmp4-sample-entry.ts';
import { isFmp4Video, type Fmp4Init, type Fmp4InitTrack } from './fmp4-track.ts';

/** mvhd time scale: the movie has no duration of its own (every sample is in fragments), so any value does. */
const MOVIE_TIME_SCALE = 1000;
/** ISO 639-2/T "und" packed as three 5-bit letters (ISO/IEC 14496-12 §8.4.2.3). */
const LANGUAGE_UND = 0x55c4;
/** tkhd flags (§8.3.2.3): track_enabled | track_in_movie. */
const TRACK_ENABLED_IN_MOVIE = 0x000003;
/** url flags (§8.7.2.3): media data in the same file. */
const SELF_CONTAINED = 0x000001;

/**
 * Writes an initialization segment (ISO/IEC 14496-12 §8.8, the layout of mediacommon's fmp4.Init):
 *
 *   ftyp
 *   moov
 *     mvhd
 *     trak                          one per track
 *       tkhd
 *       mdia
 *         mdhd                      time scale: 90 kHz video, sample rate audio
 *         hdlr                      vide | soun
 *         minf
 *           vmhd | smhd
 *           dinf / dref / url
 *           stbl
 *             stsd / avc1 | hvc1 | av01 | vp09 | mp4a | Opus
 *             stts stsc stsz stco   empty: the samples are in fragments
 *     mvex
 *       trex                        one per track
 *
 * Throws Fmp4Error for tracks without usable parameters.
 */
export function writeFmp4Init(init: Fmp4Init): Buffer {
  if (init.tracks.length === 0) throw new Fmp4Error('an initialization segment needs a track');
  const ids = new Set<number>();
  for (const t of init.tracks) {
    if (!Number.isInteger(t.id) || t.id < 1 || t.id > 0xffffffff || ids.has(t.id)) throw new Fmp4Error(`invalid or repeated track ID ${t.id}`);
    if (!Number.isInteger(t.timeScale) || t.timeScale < 1 || t.timeScale > 0xffffffff) throw new Fmp4Error(`invalid time scale ${t.timeScale}`);
    ids.add(t.id);
  }
  // ftyp (§4.3): major brand mp42, minor version 1, compatible with mp41, mp42, isom and hlsf (HLS fMP4).
  const ftyp = box('ftyp', fourCc('mp42'), u32(1), fourCc('mp41'), fourCc('mp42'), fourCc('isom'), fourCc('hlsf'));
  const mvex = box('mvex', ...init.tracks.map(trex));
  return Buffer.concat([ftyp, box('moov', mvhd(), ...init.tracks.map(trak), mvex)]);
}

// mvhd v0 (§8.2.2): creation_time(32) modification_time(32) timescale(32) duration(32) rate(32)=1.0 volume(16)=1.0
// reserved(16+64) matrix(9×32) pre_defined(6×32) next_track_ID(32)
function mvhd(): Buffer {
  return fullBox('mvhd', 0, 0, zeros(8), u32(MOVIE_TIME_SCALE), u32(0), u32(0x00010000), u16(0x0100), zeros(10),
    UNITY_MATRIX, zeros(24), u32(0xffffffff));
}

function trak(t: Fmp4InitTrack): Buffer {
  const isVideo = isFmp4Video(t.codec);
  const size = videoSize(t.codec);
  // tkhd v0 (§8.3.2): creation_time modification_time track_ID reserved duration reserved(64) layer(16)
  // alternate_group(16) volume(16) reserved(16) matrix width(16.16) height(16.16). Audio tracks share alternate
  // group 1 and full volume, as FFmpeg and mediacommon write them.
  const tkhd = fullBox('tkhd', 0, TRACK_ENABLED_IN_MOVIE, zeros(8), u32(t.id), zeros(4), u32(0), zeros(8), u16(0),
    u16(isVideo ? 0 : 1), u16(isVideo ? 0 : 0x0100), zeros(2), UNITY_MATRIX, u32(size.width * 0x10000), u32(size.height * 0x10000));
  // mdhd v0 (§8.4.2): creation_time modification_time timescale duration pad(1) language(15) pre_defined(16)
  const mdhd = fullBox('mdhd', 0, 0, zeros(8), u32(t.timeScale), u32(0), u16(LANGUAGE_UND), u16(0));
  // hdlr (§8.4.3): pre_defined(32) handler_type(32) reserved(3×32) name (NUL-terminated)
  const hdlr = fullBox('hdlr', 0, 0, zeros(4), fourCc(isVideo ? 'vide' : 'soun'), zeros(12),
    fourCc(isVideo ? 'VideoHandler\0' : 'SoundHandler\0'));
  // vmhd (§12.1.2, flags 1): graphicsmode(16) opcolor(3×16); smhd (§12.2.2): balance(16) reserved(16)
  const mediaHeader = isVideo ? fullBox('vmhd', 0, 1, zeros(8)) : fullBox('smhd', 0, 0, zeros(4));
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, SELF_CONTAINED)));
  const stbl = box('stbl',
    fullBox('stsd', 0, 0, u32(1), sampleEntry(t, size)),
    fullBox('stts', 0, 0, u32(0)), fullBox('stsc', 0, 0, u32(0)), fullBox('stsz', 0, 0, u32(0), u32(0)), fullBox('stco', 0, 0, u32(0)));
  return box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', mediaHeader, dinf, stbl)));
}

// trex (§8.8.3): track_ID default_sample_description_index default_sample_duration default_sample_size default_sample_flags
function trex(t: Fmp4InitTrack): Buffer {
  const d = t.sampleDefaults ?? { duration: 0, size: 0, flags: 0 };
  return fullBox('trex', 0, 0, u32(t.id), u32(1), u32(d.duration), u32(d.size), u32(d.flags));
}
