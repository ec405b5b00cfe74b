import { boxesIn, need, type BoxView } from './fmp4-boxes.ts';
import { Fmp4Error } from './fmp4-error.ts';
import { FMP4_MAX_SAMPLES_PER_TRUN, type Fmp4Init, type Fmp4Part, type Fmp4PartTrack, type Fmp4Sample, type Fmp4SampleDefaults } from './fmp4-track.ts';

// tfhd flags (ISO/IEC 14496-12 §8.8.7.1).
const TFHD_BASE_DATA_OFFSET = 0x000001;
const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x000002;
const TFHD_DEFAULT_DURATION = 0x000008;
const TFHD_DEFAULT_SIZE = 0x000010;
const TFHD_DEFAULT_FLAGS = 0x000020;
const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
// trun flags (§8.8.8.1).
const TRUN_DATA_OFFSET = 0x000001;
const TRUN_FIRST_SAMPLE_FLAGS = 0x000004;
const TRUN_DURATION = 0x000100;
const TRUN_SIZE = 0x000200;
const TRUN_FLAGS = 0x000400;
const TRUN_COMPOSITION_OFFSET = 0x000800;
/** sample_is_non_sync_sample of sample_flags (§8.8.3.1). */
const NON_SYNC = 0x00010000;
const NO_DEFAULTS: Fmp4SampleDefaults = { duration: 0, size: 0, flags: 0 };

interface TrafContext {
  readonly buf: Buffer;
  readonly moofStart: number;
  /** Where the data of a traf without base offsets starts: after the previous traf's data (§8.8.7.1). */
  nextData: number;
  /** Samples still allowed in this call. */
  budget: number;
}

/**
 * Parses media parts or segments (one or more moof + mdat, with styp, sidx and other boxes skipped) into samples
 * whose data are views of `bytes`. The init segment, when given, supplies trex defaults. Bounded: a trun holds at
 * most FMP4_MAX_SAMPLES_PER_TRUN samples, one call returns at most one sample per input byte, and every size and
 * offset is checked against the buffer before use. Throws Fmp4Error only.
 */
export function parseFmp4Parts(bytes: Uint8Array, init?: Fmp4Init): Fmp4Part[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const defaults = new Map(init?.tracks.map((t) => [t.id, t.sampleDefaults ?? NO_DEFAULTS]));
  const parts: Fmp4Part[] = [];
  let budget = buf.length;
  for (const b of boxesIn(buf, 0, buf.length)) {
    if (b.type !== 'moof') continue;
    const moofCtx: TrafContext = { buf, moofStart: b.start, nextData: b.start, budget };
    let sequenceNumber: number | undefined;
    const tracks: Fmp4PartTrack[] = [];
    for (const c of boxesIn(buf, b.payload, b.end)) {
      if (c.type === 'mfhd') { need(c, 0, 8); sequenceNumber = buf.readUInt32BE(c.payload + 4); }
      if (c.type === 'traf') tracks.push(parseTraf(moofCtx, c, defaults));
    }
    budget = moofCtx.budget;
    if (sequenceNumber === undefined) throw new Fmp4Error('moof without mfhd');
    parts.push({ sequenceNumber, tracks });
  }
  return parts;
}

function parseTraf(ctx: TrafContext, traf: BoxView, defaults: ReadonlyMap<number, Fmp4SampleDefaults>): Fmp4PartTrack {
  const { buf } = ctx;
  let tfhd: BoxView | undefined;
  let tfdt: BoxView | undefined;
  const truns: BoxView[] = [];
  for (const c of boxesIn(buf, traf.payload, traf.end)) {
    if (c.type === 'tfhd') tfhd ??= c;
    else if (c.type === 'tfdt') tfdt ??= c;
    else if (c.type === 'trun') truns.push(c);
  }
  if (!tfhd) throw new Fmp4Error('traf without tfhd');
  if (!tfdt) throw new Fmp4Error('traf without tfdt');
  // tfhd: track_ID(32), then the optional fields its flags select, in flag order.
  need(tfhd, 0, 8);
  const flags = buf.readUInt32BE(tfhd.payload) & 0xffffff;
  const id = buf.readUInt32BE(tfhd.payload + 4);
  const trex = defaults.get(id) ?? NO_DEFAULTS;
  let pos = 8;
  const field = (flag: number, bytes: number): number | undefined => {
    if ((flags & flag) === 0) return undefined;
    need(tfhd!, pos, bytes);
    const v = bytes === 8 ? Number(buf.readBigUInt64BE(tfhd!.payload + pos)) : buf.readUInt32BE(tfhd!.payload + pos);
    pos += bytes;
    return v;
  };
  const baseDataOffset = field(TFHD_BASE_DATA_OFFSET, 8);
  field(TFHD_SAMPLE_DESCRIPTION_INDEX, 4);
  const d: Fmp4SampleDefaults = {
    duration: field(TFHD_DEFAULT_DURATION, 4) ?? trex.duration,
    size: field(TFHD_DEFAULT_SIZE, 4) ?? trex.size,
    flags: field(TFHD_DEFAULT_FLAGS, 4) ?? trex.flags,
  };
  // tfdt (§8.8.12): baseMediaDecodeTime, 32 bits in version 0 and 64 in version 1.
  const isV1 = buf[tfdt.payload] === 1;
  need(tfdt, 0, isV1 ? 12 : 8);
  const baseTime = isV1 ? buf.readBigUInt64BE(tfdt.payload + 4) : BigInt(buf.readUInt32BE(tfdt.payload + 4));
  if (baseTime > BigInt(Number.MAX_SAFE_INTEGER)) throw new Fmp4Error('baseMediaDecodeTime beyond 2^53');
  let base = baseDataOffset ?? (flags & TFHD_DEFAULT_BASE_IS_MOOF ? ctx.moofStart : ctx.nextData);
  const samples: Fmp4Sample[] = [];
  const time = { dts: Number(baseTime) };
  for (const trun of truns) base = parseTrun(ctx, trun, { base, d, time, samples });
  ctx.nextData = base;
  return { id, samples };
}

interface TrunTarget {
  readonly base: number;
  readonly d: Fmp4SampleDefaults;
  readonly time: { dts: number };
  readonly samples: Fmp4Sample[];
}

/** Reads one trun into `t.samples`; returns where the next trun's data starts when it gives no data_offset. */
function parseTrun(ctx: TrafContext, trun: BoxView, t: TrunTarget): number {
  const { buf } = ctx;
  need(trun, 0, 8);
  const version = buf[trun.payload]!;
  const flags = buf.readUInt32BE(trun.payload) & 0xffffff;
  const count = buf.readUInt32BE(trun.payload + 4);
  if (count > FMP4_MAX_SAMPLES_PER_TRUN) throw new Fmp4Error(`trun of ${count} samples (at most ${FMP4_MAX_SAMPLES_PER_TRUN})`);
  if (count > ctx.budget) throw new Fmp4Error('more samples than the buffer has bytes');
  ctx.budget -= count;
  let pos = 8;
  let dataPos = t.base;
  if (flags & TRUN_DATA_OFFSET) { need(trun, pos, 4); dataPos = t.base + buf.readInt32BE(trun.payload + pos); pos += 4; }
  let firstFlags: number | undefined;
  if (flags & TRUN_FIRST_SAMPLE_FLAGS) { need(trun, pos, 4); firstFlags = buf.readUInt32BE(trun.payload + pos); pos += 4; }
  const has = (f: number): boolean => (flags & f) !== 0;
  const perSample = 4 * [TRUN_DURATION, TRUN_SIZE, TRUN_FLAGS, TRUN_COMPOSITION_OFFSET].filter(has).length;
  need(trun, pos, perSample * count); // before reading, so a huge count can't walk past the box
  let p = trun.payload + pos;
  const next = (f: number): number | undefined => { if (!has(f)) return undefined; const v = buf.readUInt32BE(p); p += 4; return v; };
  for (let i = 0; i < count; i++) {
    const duration = next(TRUN_DURATION) ?? t.d.duration;
    const size = next(TRUN_SIZE) ?? t.d.size;
    const sampleFlags = next(TRUN_FLAGS) ?? (i === 0 ? firstFlags : undefined) ?? t.d.flags;
    const rawOffset = next(TRUN_COMPOSITION_OFFSET) ?? 0;
    const ptsOffset = version === 0 ? rawOffset : rawOffset | 0; // version 1: signed (§8.8.8.2)
    if (dataPos < 0 || dataPos + size > buf.length) throw new Fmp4Error('sample data outside the buffer');
    t.samples.push({ dts: t.time.dts, ptsOffset, duration, isSync: (sampleFlags & NON_SYNC) === 0, data: buf.subarray(dataPos, dataPos + size) });
    t.time.dts += duration;
    dataPos += size;
  }
  return dataPos;
}
