import { readFileSync, writeFileSync } from 'node:fs';

/** One frame of an IVF file: the codec's frame (VP9 frame, AV1 temporal unit) and its timestamp in timebase units. */
export interface IvfFrame { readonly pts: number; readonly data: Buffer }

/** Reads an IVF file (32-byte DKIF header, then 12-byte frame headers: size and 64-bit timestamp, little-endian). */
export function readIvf(file: string): IvfFrame[] {
  const b = readFileSync(file);
  if (b.toString('latin1', 0, 4) !== 'DKIF') throw new Error(`${file} is not IVF`);
  const frames: IvfFrame[] = [];
  for (let pos = b.readUInt16LE(6); pos + 12 <= b.length;) {
    const size = b.readUInt32LE(pos);
    frames.push({ pts: Number(b.readBigUInt64LE(pos + 4)), data: b.subarray(pos + 12, pos + 12 + size) });
    pos += 12 + size;
  }
  return frames;
}

/** Writes an IVF file (FourCC `VP90` or `AV01`, timebase 1/1000) that FFmpeg reads. */
export function writeIvf(file: string, fourcc: 'VP90' | 'AV01', width: number, height: number, frames: readonly IvfFrame[]): void {
  const h = Buffer.alloc(32);
  h.write('DKIF', 0, 'latin1');
  h.writeUInt16LE(32, 6);
  h.write(fourcc, 8, 'latin1');
  h.writeUInt16LE(width, 12);
  h.writeUInt16LE(height, 14);
  h.writeUInt32LE(1000, 16); // rate
  h.writeUInt32LE(1, 20); // scale
  h.writeUInt32LE(frames.length, 24);
  const parts: Buffer[] = [h];
  for (const f of frames) {
    const fh = Buffer.alloc(12);
    fh.writeUInt32LE(f.data.length, 0);
    fh.writeBigUInt64LE(BigInt(f.pts), 4);
    parts.push(fh, f.data);
  }
  writeFileSync(file, Buffer.concat(parts));
}

/** The packets of the first logical stream of an Ogg file (RFC 3533 pages, lacing values joined). */
export function readOggPackets(file: string): Buffer[] {
  const b = readFileSync(file);
  const packets: Buffer[] = [];
  let cur: Buffer[] = [];
  for (let pos = 0; pos + 27 <= b.length;) {
    if (b.toString('latin1', pos, pos + 4) !== 'OggS') throw new Error('lost Ogg sync');
    const segments = b[pos + 26]!;
    let data = pos + 27 + segments;
    for (let i = 0; i < segments; i++) {
      const len = b[pos + 27 + i]!;
      cur.push(b.subarray(data, data + len));
      data += len;
      if (len < 255) { packets.push(Buffer.concat(cur)); cur = []; }
    }
    pos = data;
  }
  return packets;
}

// Ogg page checksum: CRC-32 with polynomial 0x04c11db7, no reflection, initial value 0 (RFC 3533 §6).
const CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
  let r = i << 24;
  for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

function oggCrc(b: Buffer): number {
  let crc = 0;
  for (const x of b) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ x) & 0xff]!) >>> 0;
  return crc;
}

function oggPage(packet: Buffer, granule: bigint, seq: number, flags: number): Buffer {
  const lacing: number[] = [];
  let n = packet.length;
  while (n >= 255) { lacing.push(255); n -= 255; }
  lacing.push(n);
  const h = Buffer.alloc(27 + lacing.length);
  h.write('OggS', 0, 'latin1');
  h[5] = flags;
  h.writeBigInt64LE(granule, 6);
  h.writeUInt32LE(0x5eed, 14);
  h.writeUInt32LE(seq, 18);
  h[26] = lacing.length;
  Buffer.from(lacing).copy(h, 27);
  const page = Buffer.concat([h, packet]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** Samples at 48 kHz in one Opus packet, from its TOC byte (RFC 6716 §3.1). */
export function opusPacketSamples(p: Buffer): number {
  const config = p[0]! >> 3;
  const per = config < 12 ? [480, 960, 1920, 2880][config % 4]! : config < 16 ? [480, 960][config % 2]! : [120, 240, 480, 960][config % 4]!;
  const code = p[0]! & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : (p[1] ?? 0) & 0x3f;
  return per * frames;
}

/** Writes an Ogg Opus file (RFC 7845): the OpusHead, an empty OpusTags, then one packet per page. */
export function writeOggOpus(file: string, head: Buffer, packets: readonly Buffer[]): void {
  const tags = Buffer.concat([Buffer.from('OpusTags', 'latin1'), Buffer.from([4, 0, 0, 0]), Buffer.from('test', 'latin1'), Buffer.alloc(4)]);
  const pages = [oggPage(head, 0n, 0, 2), oggPage(tags, 0n, 1, 0)];
  let granule = 0n;
  packets.forEach((p, i) => {
    granule += BigInt(opusPacketSamples(p));
    pages.push(oggPage(p, granule, i + 2, i === packets.length - 1 ? 4 : 0));
  });
  writeFileSync(file, Buffer.concat(pages));
}
