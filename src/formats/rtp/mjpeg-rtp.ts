import { FrameRtpError, MAX_FRAME_BYTES } from './frame-rtp.ts';
import { quantTablesForQ, STANDARD_HUFFMAN_TABLES } from './jpeg-tables.ts';
import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer, TimestampUnwrapper } from './rtp-sequencer.ts';

/** What RFC 2435 carries of a baseline JPEG: type (0 = 4:2:2, 1 = 4:2:0), size, tables, restart interval, scan. */
export interface JpegParts {
  readonly type: 0 | 1;
  readonly width: number;
  readonly height: number;
  /** Quantization tables as 64 zigzag bytes each (luma, chroma). */
  readonly quant: readonly Buffer[];
  readonly restartInterval: number;
  /** Entropy-coded data after SOS, up to (not including) EOI. */
  readonly scan: Buffer;
}

/** Splits a baseline JPEG with standard layout into its RFC 2435 parts. Throws FrameRtpError for anything else. */
export function parseJpeg(jpeg: Buffer): JpegParts {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new FrameRtpError('not a JPEG');
  const quant: Buffer[] = [];
  let pos = 2;
  let size: { width: number; height: number; type: 0 | 1; tables: [number, number] } | undefined;
  let restartInterval = 0;
  while (pos + 4 <= jpeg.length) {
    if (jpeg[pos] !== 0xff) throw new FrameRtpError('JPEG marker expected');
    const marker = jpeg[pos + 1]!;
    const len = jpeg.readUInt16BE(pos + 2);
    const seg = jpeg.subarray(pos + 4, pos + 2 + len);
    if (len < 2 || pos + 2 + len > jpeg.length) throw new FrameRtpError('JPEG segment exceeds the data');
    if (marker === 0xdb) {
      for (let i = 0; i + 65 <= seg.length; i += 65) {
        if (seg[i]! >> 4 !== 0) throw new FrameRtpError('16-bit quantization tables are not supported');
        quant[seg[i]! & 3] = Buffer.from(seg.subarray(i + 1, i + 65));
      }
    } else if (marker === 0xc0) {
      if (seg.length < 15 || seg[5] !== 3) throw new FrameRtpError('only 3-component baseline JPEG is supported');
      const ySampling = seg[7]!;
      if (ySampling !== 0x21 && ySampling !== 0x22) throw new FrameRtpError('only 4:2:2 and 4:2:0 sampling are supported');
      // Which table Y and the chroma components use: encoders with equal matrices (FFmpeg) write only table 0.
      size = { height: seg.readUInt16BE(1), width: seg.readUInt16BE(3), type: ySampling === 0x21 ? 0 : 1, tables: [seg[8]! & 3, seg[11]! & 3] };
    } else if (marker === 0xdd) {
      if (seg.length < 2) throw new FrameRtpError('JPEG DRI segment too short');
      restartInterval = seg.readUInt16BE(0);
    } else if (marker === 0xc2 || marker === 0xc1 || marker === 0xc3) {
      throw new FrameRtpError('only baseline JPEG is supported');
    } else if (marker === 0xda) {
      const start = pos + 2 + len;
      let end = jpeg.length;
      if (jpeg[end - 2] === 0xff && jpeg[end - 1] === 0xd9) end -= 2;
      const luma = size && quant[size.tables[0]];
      const chroma = size && quant[size.tables[1]];
      if (!size || !luma || !chroma) throw new FrameRtpError('JPEG lacks SOF0 or quantization tables');
      if (size.width > 2040 || size.height > 2040) throw new FrameRtpError('JPEG too large for RFC 2435 (2040 pixels)');
      return { type: size.type, width: size.width, height: size.height, quant: [luma, chroma], restartInterval, scan: jpeg.subarray(start, end) };
    }
    pos += 2 + len;
  }
  throw new FrameRtpError('JPEG without a scan');
}

function segment(marker: number, body: Buffer): Buffer {
  const h = Buffer.from([0xff, marker, 0, 0]);
  h.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([h, body]);
}

/** Rebuilds a complete JPEG from RFC 2435 parts (RFC 2435 Appendix B), with the standard Huffman tables. */
export function buildJpeg(p: JpegParts): Buffer {
  const dqt = segment(0xdb, Buffer.concat(p.quant.map((t, i) => Buffer.concat([Buffer.from([i]), t]))));
  const sof = Buffer.alloc(15);
  sof[0] = 8;
  sof.writeUInt16BE(p.height, 1);
  sof.writeUInt16BE(p.width, 3);
  sof.set([3, 0, p.type === 0 ? 0x21 : 0x22, 0, 1, 0x11, 1, 2, 0x11, 1], 5);
  const dht = segment(0xc4, Buffer.concat(STANDARD_HUFFMAN_TABLES.map((t) => Buffer.from([(t.cls << 4) | t.id, ...t.counts, ...t.values]))));
  const dri = p.restartInterval > 0 ? [segment(0xdd, Buffer.from([p.restartInterval >> 8, p.restartInterval & 0xff]))] : [];
  const sos = segment(0xda, Buffer.from([3, 0, 0x00, 1, 0x11, 2, 0x11, 0, 63, 0]));
  return Buffer.concat([Buffer.from([0xff, 0xd8]), dqt, segment(0xc0, sof), dht, ...dri, sos, p.scan, Buffer.from([0xff, 0xd9])]);
}

/** RFC 2435 packetizer: Q = 255 with the frame's tables in the first packet; restart marker header when DRI is set. */
export class MjpegPacketizer {
  private readonly seq: RtpSequencer;

  constructor(payloadType = 26, private readonly maxPayload = 1460) {
    if (maxPayload < 200) throw new RangeError('maximum payload too small for RFC 2435 headers');
    this.seq = new RtpSequencer(payloadType);
  }

  /** Packets of one JPEG frame at `pts` (90 kHz). */
  packetize(jpeg: Buffer, pts: number): RtpPacket[] {
    const p = parseJpeg(jpeg);
    const out: RtpPacket[] = [];
    const restart = p.restartInterval > 0;
    let off = 0;
    do {
      const main = Buffer.alloc(8);
      main.writeUIntBE(off, 1, 3);
      main[4] = p.type + (restart ? 64 : 0);
      main[5] = 255;
      main[6] = Math.ceil(p.width / 8);
      main[7] = Math.ceil(p.height / 8);
      // Restart marker header (§3.1.7): F = L = 1 and count 0x3fff, i.e. the packet isn't aligned to restart intervals.
      const rst = restart ? [Buffer.from([p.restartInterval >> 8, p.restartInterval & 0xff, 0xff, 0xff])] : [];
      const qt = off === 0 ? [Buffer.from([0, 0, 0, 128]), ...p.quant] : [];
      const header = Buffer.concat([main, ...rst, ...qt]);
      const end = Math.min(p.scan.length, off + this.maxPayload - header.length);
      out.push(this.seq.next(Buffer.concat([header, p.scan.subarray(off, end)]), pts >>> 0, end === p.scan.length));
      off = end;
    } while (off < p.scan.length);
    return out;
  }
}

/** RFC 2435 depacketizer: joins fragments by offset and rebuilds each frame's JPEG headers; a gap drops the frame. */
export class MjpegDepacketizer {
  private frame: { parts: Buffer[]; have: number; type: 0 | 1; width: number; height: number; quant: Buffer[]; restart: number } | undefined;
  private lastSeq: number | undefined;
  private readonly unwrapper = new TimestampUnwrapper();

  /** Feeds one packet; returns the JPEG it completes. Throws FrameRtpError for malformed payloads. */
  push(p: RtpPacket): { pts: number; jpeg: Buffer }[] {
    const gap = this.lastSeq !== undefined && p.sequenceNumber !== ((this.lastSeq + 1) & 0xffff);
    this.lastSeq = p.sequenceNumber;
    const pl = p.payload;
    if (pl.length < 8) throw new FrameRtpError('short RFC 2435 payload');
    const off = pl.readUIntBE(1, 3);
    const typeField = pl[4]!;
    const q = pl[5]!;
    if ((typeField & 63) > 1) throw new FrameRtpError(`unsupported RFC 2435 type ${typeField}`);
    let pos = 8;
    let restart = 0;
    if (typeField >= 64) {
      if (pl.length < pos + 4) throw new FrameRtpError('short restart marker header');
      restart = pl.readUInt16BE(pos);
      pos += 4;
    }
    if (off === 0) {
      let quant: Buffer[];
      if (q >= 128) {
        if (pl.length < pos + 4) throw new FrameRtpError('short quantization table header');
        const len = pl.readUInt16BE(pos + 2);
        // 8-bit tables only; one table (FFmpeg sends that when luma and chroma share it) serves every component.
        if (pl[pos + 1] !== 0 || (len !== 64 && len !== 128) || pl.length < pos + 4 + len) throw new FrameRtpError('unsupported quantization table header');
        const luma = Buffer.from(pl.subarray(pos + 4, pos + 68));
        quant = [luma, len === 128 ? Buffer.from(pl.subarray(pos + 68, pos + 132)) : luma];
        pos += 4 + len;
      } else if (q >= 1 && q <= 99) {
        quant = quantTablesForQ(q).map((t) => Buffer.from(t));
      } else throw new FrameRtpError(`unsupported Q ${q}`);
      this.frame = { parts: [], have: 0, type: (typeField & 1) as 0 | 1, width: pl[6]! * 8, height: pl[7]! * 8, quant, restart };
    } else if (gap || !this.frame || off !== this.frame.have) {
      this.frame = undefined;
      return [];
    }
    const f = this.frame;
    f.parts.push(pl.subarray(pos));
    f.have += pl.length - pos;
    if (f.have > MAX_FRAME_BYTES) { this.frame = undefined; throw new FrameRtpError('frame exceeds the size limit'); }
    if (!p.marker) return [];
    this.frame = undefined;
    const jpeg = buildJpeg({ type: f.type, width: f.width, height: f.height, quant: f.quant, restartInterval: f.restart, scan: Buffer.concat(f.parts) });
    return [{ pts: this.unwrapper.unwrap(p.timestamp), jpeg }];
  }
}
