import { ProtoWriter } from './proto-writer.ts';

/** One frame of a stack: a function, where it is, and the line reached in it (1-based; 0 = unknown). */
export interface PprofFrame {
  readonly name: string;
  readonly file: string;
  readonly startLine: number;
  readonly line: number;
}

/** A pprof `ValueType`: what a sample value counts and its unit (`cpu`/`nanoseconds`, `inuse_space`/`bytes`). */
export interface PprofValueType { readonly type: string; readonly unit: string }

/** Header of a profile: its sample types, the sampling period, and when it was taken. */
export interface PprofHeader {
  readonly sampleTypes: readonly PprofValueType[];
  readonly periodType: PprofValueType;
  readonly period: number;
  /** Wall-clock start, in nanoseconds since the Unix epoch (past 2^53: a bigint). */
  readonly timeNanos: bigint;
  readonly durationNanos: number;
  /** Index in sampleTypes of the type pprof shows by default. */
  readonly defaultSampleType?: number;
  /** The program, as the single mapping names it. */
  readonly program: string;
}

// Field numbers of google/pprof's profile.proto.
const PROFILE = { sampleType: 1, sample: 2, mapping: 3, location: 4, function: 5, stringTable: 6, timeNanos: 9, durationNanos: 10, periodType: 11, period: 12, defaultSampleType: 14 };
const VALUE_TYPE = { type: 1, unit: 2 };
const SAMPLE = { locationId: 1, value: 2 };
const MAPPING = { id: 1, filename: 5, hasFunctions: 7, hasFilenames: 8, hasLineNumbers: 9 };
const LOCATION = { id: 1, mappingId: 2, line: 4 };
const LINE = { functionId: 1, line: 2 };
const FUNCTION = { id: 1, name: 2, systemName: 3, filename: 4, startLine: 5 };

/**
 * Builds a pprof profile (google/pprof `profile.proto`, what `go tool pprof`, speedscope and Pyroscope read): stacks
 * are interned into functions and locations, every string into the string table (index 0 is ""), and identical
 * stacks are merged by adding their values.
 */
export class PprofProfile {
  private readonly strings = new Map<string, number>([['', 0]]);
  private readonly functions = new Map<string, { id: number; frame: PprofFrame }>();
  private readonly locations = new Map<string, { id: number; functionId: number; line: number }>();
  private readonly samples = new Map<string, { locationIds: number[]; values: number[] }>();

  constructor(private readonly header: PprofHeader) {}

  /** Adds `values` (one per sample type) for a stack given leaf first. */
  addSample(stack: readonly PprofFrame[], values: readonly number[]): void {
    if (values.length !== this.header.sampleTypes.length) throw new Error('one value per sample type is expected');
    const locationIds = stack.map((f) => this.locationId(f));
    const key = locationIds.join(',');
    const s = this.samples.get(key);
    if (s) values.forEach((v, i) => { s.values[i]! += v; });
    else this.samples.set(key, { locationIds, values: [...values] });
  }

  /** The profile, protobuf-encoded (not compressed). */
  encode(): Uint8Array {
    const h = this.header;
    const w = new ProtoWriter();
    const valueType = (t: PprofValueType) => (m: ProtoWriter) => m.varint(VALUE_TYPE.type, this.str(t.type)).varint(VALUE_TYPE.unit, this.str(t.unit));
    for (const t of h.sampleTypes) w.message(PROFILE.sampleType, valueType(t));
    for (const s of this.samples.values()) {
      w.message(PROFILE.sample, (m) => m.packed(SAMPLE.locationId, s.locationIds).packed(SAMPLE.value, s.values));
    }
    // One mapping for the whole program, marked symbolized so pprof does not try to resolve addresses.
    w.message(PROFILE.mapping, (m) => m.varint(MAPPING.id, 1).varint(MAPPING.filename, this.str(h.program))
      .varint(MAPPING.hasFunctions, true).varint(MAPPING.hasFilenames, true).varint(MAPPING.hasLineNumbers, true));
    for (const l of this.locations.values()) {
      w.message(PROFILE.location, (m) => m.varint(LOCATION.id, l.id).varint(LOCATION.mappingId, 1)
        .message(LOCATION.line, (ln) => ln.varint(LINE.functionId, l.functionId).varint(LINE.line, l.line)));
    }
    for (const { id, frame } of this.functions.values()) {
      const name = this.str(frame.name);
      w.message(PROFILE.function, (m) => m.varint(FUNCTION.id, id).varint(FUNCTION.name, name).varint(FUNCTION.systemName, name)
        .varint(FUNCTION.filename, this.str(frame.file)).varint(FUNCTION.startLine, frame.startLine));
    }
    w.varint(PROFILE.timeNanos, h.timeNanos).varint(PROFILE.durationNanos, h.durationNanos);
    w.message(PROFILE.periodType, valueType(h.periodType)).varint(PROFILE.period, h.period);
    if (h.defaultSampleType !== undefined) w.varint(PROFILE.defaultSampleType, this.str(h.sampleTypes[h.defaultSampleType]!.type));
    // The string table goes last: every string above has been interned by now.
    for (const s of this.strings.keys()) w.string(PROFILE.stringTable, s, true);
    return w.finish();
  }

  private str(s: string): number {
    let i = this.strings.get(s);
    if (i === undefined) { i = this.strings.size; this.strings.set(s, i); }
    return i;
  }

  private locationId(f: PprofFrame): number {
    const fkey = `${f.name}\0${f.file}\0${f.startLine}`;
    let fn = this.functions.get(fkey);
    if (!fn) { fn = { id: this.functions.size + 1, frame: f }; this.functions.set(fkey, fn); }
    const lkey = `${fn.id}:${f.line}`;
    let loc = this.locations.get(lkey);
    if (!loc) { loc = { id: this.locations.size + 1, functionId: fn.id, line: f.line }; this.locations.set(lkey, loc); }
    return loc.id;
  }
}
