import { Fmp4Error } from './fmp4-error.ts';
import { FMP4_MAX_SAMPLES_PER_TRUN, type Fmp4Part, type Fmp4PartTrack, type Fmp4Sample } from './fmp4-track.ts';

// tfhd flags (ISO/IEC 14496-12 §8.8.7.1): sample data offsets count from the start of the moof.
const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
// trun flags (§8.8.8.1).
const TRUN_DATA_OFFSET = 0x000001;
const TRUN_DURATION = 0x000100;
const TRUN_SIZE = 0x000200;
const TRUN_FLAGS = 0x000400;
const TRUN_COMPOSITION_OFFSET = 0x000800;
// sample_flags (§8.8.3.1): reserved(4) is_leading(2) sample_depends_on(2) sample_is_depended_on(2)
// sample_has_redundancy(2) sample_padding_value(3) sample_is_non_sync_sample(1) sample_degradation_priority(16).
/** A sync sample: depends on no other sample (depends_on 2), as FFmpeg marks key frames. */
export const FMP4_SAMPLE_FLAGS_SYNC = 0x02000000;
/** A non-sync sample: depends on others (depends_on 1) and is_non_sync_sample. */
export const FMP4_SAMPLE_FLAGS_NON_SYNC = 0x01010000;

const MAX_U32 = 0xffffffff;
const FULL_BOX_HEADER = 12;

interface TrackPlan {
  readonly track: Fmp4PartTrack;
  readonly trunFlags: number;
  readonly trunVersion: number;
  readonly isLargeTime: boolean;
  readonly dataSize: number;
  readonly trafSize: number;
}

/**
 * Writes a media part: moof (mfhd, then per track with samples traf = tfhd + tfdt + trun) and one mdat holding every
 * track's samples in track order.
 *
 *   tfhd  default-base-is-moof, so trun data_offset counts from the moof's first byte
 *   tfdt  version 0 (32-bit) while the first dts fits, version 1 (64-bit) after
 *   trun  duration and size per sample; flags when a sample is non-sync (all-sync tracks rely on trex's default
 *         flags 0 = sync, as writeFmp4Init writes them); composition offsets when any is not 0, version 1 (signed)
 *         when any is negative
 *
 * Each track's samples must follow each other: dts[i + 1] = dts[i] + duration[i]. Throws Fmp4Error.
 */
export function writeFmp4Part(part: Fmp4Part): Buffer {
  checkU32(part.sequenceNumber, 'sequence number');
  const plans = part.tracks.filter((t) => t.samples.length > 0).map(planTrack);
  const moofSize = 8 + 16 + plans.reduce((n, p) => n + p.trafSize, 0);
  const mdatSize = 8 + plans.reduce((n, p) => n + p.dataSize, 0);
  if (moofSize + mdatSize > MAX_U32) throw new Fmp4Error('part larger than 4 GiB');
  const out = Buffer.allocUnsafe(moofSize + mdatSize);
  let pos = boxHeader(out, 0, moofSize, 'moof');
  pos = fullBoxHeader(out, pos, 16, 'mfhd', 0, 0);
  pos = out.writeUInt32BE(part.sequenceNumber, pos);
  let dataOffset = moofSize + 8;
  for (const p of plans) {
    pos = writeTraf(out, pos, p, dataOffset);
    dataOffset += p.dataSize;
  }
  pos = boxHeader(out, pos, mdatSize, 'mdat');
  for (const p of plans) for (const s of p.track.samples) { out.set(s.data, pos); pos += s.data.length; }
  return out;
}

function planTrack(track: Fmp4PartTrack): TrackPlan {
  checkU32(track.id, 'track ID');
  const { samples } = track;
  if (samples.length > FMP4_MAX_SAMPLES_PER_TRUN) throw new Fmp4Error(`${samples.length} samples in one trun (at most ${FMP4_MAX_SAMPLES_PER_TRUN})`);
  let hasNonSync = false;
  let hasOffsets = false;
  let hasNegative = false;
  let dataSize = 0;
  samples.forEach((s, i) => {
    checkSample(s, samples[i + 1], track.id);
    hasNonSync ||= !s.isSync;
    hasOffsets ||= s.ptsOffset !== 0;
    hasNegative ||= s.ptsOffset < 0;
    dataSize += s.data.length;
  });
  const trunFlags = TRUN_DATA_OFFSET | TRUN_DURATION | TRUN_SIZE | (hasNonSync ? TRUN_FLAGS : 0) | (hasOffsets ? TRUN_COMPOSITION_OFFSET : 0);
  const perSample = 8 + (hasNonSync ? 4 : 0) + (hasOffsets ? 4 : 0);
  const isLargeTime = samples[0]!.dts > MAX_U32;
  const trafSize = 8 + 16 + (isLargeTime ? 20 : 16) + FULL_BOX_HEADER + 8 + perSample * samples.length;
  return { track, trunFlags, trunVersion: hasNegative ? 1 : 0, isLargeTime, dataSize, trafSize };
}

function checkSample(s: Fmp4Sample, next: Fmp4Sample | undefined, id: number): void {
  if (!Number.isSafeInteger(s.dts) || s.dts < 0) throw new Fmp4Error(`track ${id}: invalid dts ${s.dts}`);
  checkU32(s.duration, `track ${id} sample duration`);
  if (!Number.isInteger(s.ptsOffset) || s.ptsOffset < -0x80000000 || s.ptsOffset > 0x7fffffff) {
    throw new Fmp4Error(`track ${id}: composition offset ${s.ptsOffset} out of range`);
  }
  if (next && next.dts !== s.dts + s.duration) {
    throw new Fmp4Error(`track ${id}: dts ${next.dts} does not follow ${s.dts} + duration ${s.duration}`);
  }
}

function writeTraf(out: Buffer, at: number, p: TrackPlan, dataOffset: number): number {
  const { samples } = p.track;
  let pos = boxHeader(out, at, p.trafSize, 'traf');
  // tfhd (§8.8.7): track_ID only; everything else is in the trun.
  pos = fullBoxHeader(out, pos, 16, 'tfhd', 0, TFHD_DEFAULT_BASE_IS_MOOF);
  pos = out.writeUInt32BE(p.track.id, pos);
  // tfdt (§8.8.12): baseMediaDecodeTime, the first sample's dts.
  const baseTime = samples[0]!.dts;
  pos = fullBoxHeader(out, pos, p.isLargeTime ? 20 : 16, 'tfdt', p.isLargeTime ? 1 : 0, 0);
  pos = p.isLargeTime ? out.writeBigUInt64BE(BigInt(baseTime), pos) : out.writeUInt32BE(baseTime, pos);
  // trun (§8.8.8): sample_count data_offset, then per sample the fields its flags select.
  pos = fullBoxHeader(out, pos, at + p.trafSize - pos, 'trun', p.trunVersion, p.trunFlags);
  pos = out.writeUInt32BE(samples.length, pos);
  pos = out.writeInt32BE(dataOffset, pos);
  for (const s of samples) {
    pos = out.writeUInt32BE(s.duration, pos);
    pos = out.writeUInt32BE(s.data.length, pos);
    if (p.trunFlags & TRUN_FLAGS) pos = out.writeUInt32BE(s.isSync ? FMP4_SAMPLE_FLAGS_SYNC : FMP4_SAMPLE_FLAGS_NON_SYNC, pos);
    if (p.trunFlags & TRUN_COMPOSITION_OFFSET) pos = p.trunVersion === 1 ? out.writeInt32BE(s.ptsOffset, pos) : out.writeUInt32BE(s.ptsOffset, pos);
  }
  return pos;
}

function boxHeader(out: Buffer, pos: number, size: number, type: string): number {
  out.writeUInt32BE(size, pos);
  out.write(type, pos + 4, 'latin1');
  return pos + 8;
}

function fullBoxHeader(out: Buffer, pos: number, size: number, type: string, version: number, flags: number): number {
  boxHeader(out, pos, size, type);
  out.writeUInt32BE(version * 0x1000000 + flags, pos + 8);
  return pos + FULL_BOX_HEADER;
}

function checkU32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > MAX_U32) throw new Fmp4Error(`invalid ${what} ${v}`);
}
