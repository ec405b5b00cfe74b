import { Fmp4Error } from './fmp4-error.ts';

// Box header (ISO/IEC 14496-12 §4.2): size(32) type(32) [largesize(64) when size is 1]; size 0 runs to the end of
// the enclosing box or file. FullBox adds version(8) flags(24).
const HEADER_LENGTH = 8;
const LARGE_HEADER_LENGTH = 16;
const MAX_U32 = 0xffffffff;

/** A box: four-character type, then its payload parts and child boxes in order. */
export function box(type: string, ...payload: readonly Uint8Array[]): Buffer {
  const size = payload.reduce((n, p) => n + p.length, HEADER_LENGTH);
  if (size > MAX_U32) throw new Fmp4Error(`${type} box larger than 4 GiB`);
  const head = Buffer.alloc(HEADER_LENGTH);
  head.writeUInt32BE(size, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, ...payload]);
}

/** A FullBox: version and 24-bit flags, then the payload. */
export function fullBox(type: string, version: number, flags: number, ...payload: readonly Uint8Array[]): Buffer {
  return box(type, u32(((version & 0xff) * 0x1000000) + (flags & 0xffffff)), ...payload);
}

/** Big-endian unsigned integers of 8, 16 and 32 bits, and 64 bits up to 2^53. */
export function u8(v: number): Buffer { return Buffer.of(v & 0xff); }
export function u16(v: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16BE(v & 0xffff); return b; }
export function u32(v: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; }
export function u64(v: number): Buffer { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(v)); return b; }

/** n zero bytes (reserved and pre_defined fields). */
export function zeros(n: number): Buffer { return Buffer.alloc(n); }

/** A four-character code or a NUL-terminated string, as Latin-1 bytes. */
export function fourCc(s: string): Buffer { return Buffer.from(s, 'latin1'); }

/** The unity transformation matrix of mvhd and tkhd (§8.2.2.3): { 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000 }. */
export const UNITY_MATRIX: Buffer = Buffer.concat([0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000].map(u32));

/** Where one box lies in a buffer: its type, where its payload starts, and where it ends. */
export interface BoxView { readonly type: string; readonly start: number; readonly payload: number; readonly end: number }

/**
 * The boxes one after another in buf[start, end): sizes are checked against the enclosing range before anything
 * is read, so a box can't claim bytes that are not there. Throws Fmp4Error.
 */
export function* boxesIn(buf: Buffer, start: number, end: number): Generator<BoxView> {
  let pos = start;
  while (pos < end) {
    if (end - pos < HEADER_LENGTH) throw new Fmp4Error('box header truncated');
    let size = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    let headerLength = HEADER_LENGTH;
    if (size === 1) {
      if (end - pos < LARGE_HEADER_LENGTH) throw new Fmp4Error(`${printable(type)} largesize truncated`);
      const large = buf.readBigUInt64BE(pos + 8);
      size = large > BigInt(end - pos) ? Infinity : Number(large);
      headerLength = LARGE_HEADER_LENGTH;
    } else if (size === 0) {
      size = end - pos;
    }
    if (size < headerLength || size > end - pos) throw new Fmp4Error(`${printable(type)} box size ${size} does not fit`);
    yield { type, start: pos, payload: pos + headerLength, end: pos + size };
    pos += size;
  }
}

/** The first child box of a type, or undefined. */
export function findBox(buf: Buffer, parent: BoxView, type: string, skip = 0): BoxView | undefined {
  for (const b of boxesIn(buf, parent.payload + skip, parent.end)) if (b.type === type) return b;
  return undefined;
}

/** The first child box of a type; throws Fmp4Error when missing. */
export function requireBox(buf: Buffer, parent: BoxView, type: string, skip = 0): BoxView {
  const b = findBox(buf, parent, type, skip);
  if (!b) throw new Fmp4Error(`${parent.type} without ${type}`);
  return b;
}

/** Checks that a box's payload holds at least n bytes from offset `at` of the payload. */
export function need(b: BoxView, at: number, n: number): void {
  if (b.payload + at + n > b.end) throw new Fmp4Error(`${printable(b.type)} box too short`);
}

/** A box type fit for an error message. */
export function printable(type: string): string { return JSON.stringify(type); }
