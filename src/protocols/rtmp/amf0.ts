import { AmfError } from './rtmp-errors.ts';

/** An AMF0 value (AMF0 spec §2). Objects and ECMA arrays decode to plain objects. */
export type AmfValue = number | boolean | string | null | undefined | Date | AmfValue[] | { [key: string]: AmfValue };

// Recursive decoders need a depth limit in Node: the stack overflows at ~4 600 levels (docs/limits.md §RTMP).
const MAX_DEPTH = 64;

const enum Marker {
  Number = 0x00, Boolean = 0x01, String = 0x02, Object = 0x03, Null = 0x05, Undefined = 0x06, Reference = 0x07,
  EcmaArray = 0x08, ObjectEnd = 0x09, StrictArray = 0x0a, Date = 0x0b, LongString = 0x0c,
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  need(n: number): void { if (this.pos + n > this.buf.length) throw new AmfError('AMF0 data ends early'); }
  u8(): number { this.need(1); return this.buf[this.pos++]!; }
  u16(): number { this.need(2); const v = this.buf.readUInt16BE(this.pos); this.pos += 2; return v; }
  u32(): number { this.need(4); const v = this.buf.readUInt32BE(this.pos); this.pos += 4; return v; }
  f64(): number { this.need(8); const v = this.buf.readDoubleBE(this.pos); this.pos += 8; return v; }
  str(len: number): string { this.need(len); const s = this.buf.toString('utf8', this.pos, this.pos + len); this.pos += len; return s; }
}

function readProps(r: Reader, depth: number): { [key: string]: AmfValue } {
  const out: { [key: string]: AmfValue } = {};
  for (;;) {
    const key = r.str(r.u16());
    if (key === '' && r.buf[r.pos] === Marker.ObjectEnd) { r.pos++; return out; }
    // defineProperty: a key named `__proto__` from the wire must stay a plain property, never set the prototype.
    Object.defineProperty(out, key, { value: readValue(r, depth + 1), enumerable: true, writable: true, configurable: true });
  }
}

function readValue(r: Reader, depth: number): AmfValue {
  if (depth > MAX_DEPTH) throw new AmfError(`AMF0 nesting deeper than ${MAX_DEPTH}`);
  const m = r.u8();
  switch (m) {
    case Marker.Number: return r.f64();
    case Marker.Boolean: return r.u8() !== 0;
    case Marker.String: return r.str(r.u16());
    case Marker.LongString: return r.str(r.u32());
    case Marker.Object: return readProps(r, depth);
    case Marker.EcmaArray: r.u32(); return readProps(r, depth); // the count is a hint only: never used to allocate
    case Marker.StrictArray: {
      const n = r.u32();
      if (n > r.buf.length - r.pos) throw new AmfError('AMF0 strict array count exceeds the data');
      const arr: AmfValue[] = [];
      for (let i = 0; i < n; i++) arr.push(readValue(r, depth + 1));
      return arr;
    }
    case Marker.Date: { const ms = r.f64(); r.u16(); return new Date(ms); }
    case Marker.Null: return null;
    case Marker.Undefined: return undefined;
    case Marker.Reference: r.u16(); return undefined;
    default: throw new AmfError(`unsupported AMF0 marker 0x${m.toString(16)}`);
  }
}

/** Decodes every AMF0 value in `buf`; throws AmfError on malformed data. */
export function decodeAmf0(buf: Buffer): AmfValue[] {
  const r = new Reader(buf);
  const out: AmfValue[] = [];
  while (r.pos < buf.length) out.push(readValue(r, 0));
  return out;
}

function strBytes(s: string): Buffer[] {
  const b = Buffer.from(s, 'utf8');
  if (b.length > 0xffff) throw new AmfError('AMF0 key too long');
  const h = Buffer.allocUnsafe(2);
  h.writeUInt16BE(b.length);
  return [h, b];
}

function encodeValue(v: AmfValue, out: Buffer[], depth: number): void {
  if (depth > MAX_DEPTH) throw new AmfError(`AMF0 nesting deeper than ${MAX_DEPTH}`);
  if (typeof v === 'number') { const b = Buffer.allocUnsafe(9); b[0] = Marker.Number; b.writeDoubleBE(v, 1); out.push(b); return; }
  if (typeof v === 'boolean') { out.push(Buffer.from([Marker.Boolean, v ? 1 : 0])); return; }
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    if (b.length <= 0xffff) { out.push(Buffer.from([Marker.String]), ...strBytes(v)); return; }
    const h = Buffer.allocUnsafe(5); h[0] = Marker.LongString; h.writeUInt32BE(b.length, 1); out.push(h, b); return;
  }
  if (v === null) { out.push(Buffer.from([Marker.Null])); return; }
  if (v === undefined) { out.push(Buffer.from([Marker.Undefined])); return; }
  if (v instanceof Date) { const b = Buffer.alloc(11); b[0] = Marker.Date; b.writeDoubleBE(v.getTime(), 1); out.push(b); return; }
  if (Array.isArray(v)) {
    const h = Buffer.allocUnsafe(5); h[0] = Marker.StrictArray; h.writeUInt32BE(v.length, 1); out.push(h);
    for (const x of v) encodeValue(x, out, depth + 1);
    return;
  }
  out.push(Buffer.from([Marker.Object]));
  for (const [k, x] of Object.entries(v)) { out.push(...strBytes(k)); encodeValue(x, out, depth + 1); }
  out.push(Buffer.from([0, 0, Marker.ObjectEnd]));
}

/** Encodes values as AMF0 (objects as AMF0 objects, arrays as strict arrays). */
export function encodeAmf0(...values: AmfValue[]): Buffer {
  const out: Buffer[] = [];
  for (const v of values) encodeValue(v, out, 0);
  return Buffer.concat(out);
}

/** Encodes an object as an AMF0 ECMA array (what `onMetaData` uses). */
export function encodeAmf0EcmaArray(obj: { [key: string]: AmfValue }): Buffer {
  const out: Buffer[] = [];
  const h = Buffer.allocUnsafe(5); h[0] = Marker.EcmaArray; h.writeUInt32BE(Object.keys(obj).length, 1); out.push(h);
  for (const [k, x] of Object.entries(obj)) { out.push(...strBytes(k)); encodeValue(x, out, 1); }
  out.push(Buffer.from([0, 0, Marker.ObjectEnd]));
  return Buffer.concat(out);
}
