import { BitReader, CodecError } from '../../codecs/index.ts';
import { FrameDepacketizer, FrameRtpError, type FragmentFraming, type RtpFrame } from './frame-rtp.ts';
import type { RtpPacket } from './rtp-packet.ts';
import { RtpSequencer } from './rtp-sequencer.ts';

/*
 * MPEG-1/2 video over RTP: RFC 2250 §3 ("MPV", static payload type 32, 90 kHz clock). Every packet starts with the
 * MPEG video-specific header of §3.4:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |    MBZ  |T|         TR        | |N|S|B|E|  P  | | BFC | | FFC |
 *                                  AN              FBV     FFV
 *
 * T: an MPEG-2 header extension (4 more bytes, §3.4.1) follows; TR: temporal_reference; S: the payload holds a
 * sequence header; B/E: the payload begins/ends at a slice boundary; P: picture_coding_type; FBV/BFC/FFV/FFC: the
 * motion vector codes of the picture header. The fragmentation rules of §3.1 keep the sequence, GOP and picture
 * headers at the front of a payload (or after each other), in front of a slice; a slice too big for a packet is
 * split. RTP timestamp: the picture's presentation time, the same on all its packets; marker: its last packet (§3.2).
 */

/** The 4-byte header of RFC 2250 §3.4. */
export const MPEG_VIDEO_HEADER_BYTES = 4;

// ISO/IEC 13818-2 Table 6-1 start code values (the same in 11172-2).
const PICTURE_START = 0x00;
const SLICE_FIRST = 0x01;
const SLICE_LAST = 0xaf;
const SEQUENCE_HEADER = 0xb3;
const GROUP_START = 0xb8;

/** The picture header fields the RTP header repeats (13818-2 §6.2.3); zeros where the picture has none. */
interface PictureFields { tr: number; type: number; fbv: number; bfc: number; ffv: number; ffc: number }

const NO_PICTURE: PictureFields = { tr: 0, type: 0, fbv: 0, bfc: 0, ffv: 0, ffc: 0 };

/** Reads picture_header() after its start code: temporal_reference, picture_coding_type, vbv_delay, then f-codes of P/B pictures. */
function parsePictureHeader(body: Uint8Array): PictureFields {
  const r = new BitReader(body);
  try {
    const tr = r.bits(10);
    const type = r.bits(3);
    r.bits(16); // vbv_delay
    const p = { ...NO_PICTURE, tr, type };
    if (type === 2 || type === 3) { p.ffv = r.bits(1); p.ffc = r.bits(3); }
    if (type === 3) { p.fbv = r.bits(1); p.bfc = r.bits(3); }
    return p;
  } catch (err) {
    // A truncated header leaves the fields it did not reach at zero (the packets still carry the bytes).
    if (err instanceof CodecError) return NO_PICTURE;
    throw err;
  }
}

const STARTCODE_PREFIX = Buffer.from([0, 0, 1]);

/** Offsets of the `00 00 01` prefixes in `b` that have a code byte after them. */
function startCodeOffsets(b: Buffer): number[] {
  const out: number[] = [];
  for (let i = b.indexOf(STARTCODE_PREFIX); i >= 0 && i + 3 < b.length; i = b.indexOf(STARTCODE_PREFIX, i + 3)) out.push(i);
  return out;
}

const isSlice = (code: number): boolean => code >= SLICE_FIRST && code <= SLICE_LAST;

/**
 * A frame cut into the pieces §3.1 lets a payload begin with: each slice together with the headers in front of it
 * (sequence, GOP, picture, their extensions and user data). Bytes after the last slice (a sequence_end_code) stay
 * with it; a frame without slices is one piece.
 */
function slicePieces(frame: Buffer): { pieces: Buffer[]; picture: PictureFields } {
  const offsets = startCodeOffsets(frame);
  const pieces: Buffer[] = [];
  let picture = NO_PICTURE;
  let pieceStart = 0;
  let sliceSeen = false;
  for (const at of offsets) {
    const code = frame[at + 3]!;
    if (code === PICTURE_START) picture = parsePictureHeader(frame.subarray(at + 4, at + 9));
    // A piece ends where the next slice starts or where headers follow a slice; headers then open the next piece.
    if (sliceSeen && at > pieceStart) {
      pieces.push(frame.subarray(pieceStart, at));
      pieceStart = at;
      sliceSeen = false;
    }
    if (isSlice(code)) sliceSeen = true;
  }
  pieces.push(frame.subarray(pieceStart));
  // Headers after the last slice would make a piece of their own: keep them with that slice instead.
  const last = pieces[pieces.length - 1]!;
  if (pieces.length > 1 && !startCodeOffsets(last).some((at) => isSlice(last[at + 3]!))) {
    pieces.splice(-2, 2, frame.subarray(frame.length - last.length - pieces[pieces.length - 2]!.length));
  }
  return { pieces, picture };
}

/** Makes the RFC 2250 §3.4 header of one packet. */
function mpegVideoHeader(p: PictureFields, o: { sequenceHeader: boolean; begin: boolean; end: boolean }): Buffer {
  const h = Buffer.alloc(MPEG_VIDEO_HEADER_BYTES);
  h.writeUInt16BE(p.tr & 0x3ff, 0); // MBZ 0, T 0: no MPEG-2 extension
  h[2] = (o.sequenceHeader ? 0x20 : 0) | (o.begin ? 0x10 : 0) | (o.end ? 0x08 : 0) | (p.type & 0x07);
  h[3] = (p.fbv << 7) | ((p.bfc & 7) << 4) | (p.ffv << 3) | (p.ffc & 7);
  return h;
}

/** Cuts MPEG-1/2 video frames (pictures, with the headers in front of them) into RFC 2250 packets of at most `maxPayload` bytes. */
export class MpegVideoPacketizer {
  private readonly seq: RtpSequencer;

  constructor(payloadType = 32, private readonly maxPayload = 1460) {
    if (maxPayload <= MPEG_VIDEO_HEADER_BYTES) throw new FrameRtpError('maximum payload size smaller than the payload header');
    this.seq = new RtpSequencer(payloadType);
  }

  /** Packets of one frame at `pts` (90 kHz): whole slices gathered while they fit, larger ones fragmented. */
  packetize(frame: Uint8Array, pts: number): RtpPacket[] {
    const data = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    if (data.length === 0) throw new FrameRtpError('empty MPEG video frame');
    const { pieces, picture } = slicePieces(data);
    const room = this.maxPayload - MPEG_VIDEO_HEADER_BYTES;
    const payloads: { parts: Buffer[]; begin: boolean; end: boolean }[] = [];
    let open: { parts: Buffer[]; bytes: number } | undefined;
    for (const piece of pieces) {
      if (open && open.bytes + piece.length <= room) { open.parts.push(piece); open.bytes += piece.length; continue; }
      if (piece.length <= room) {
        open = { parts: [piece], bytes: piece.length };
        payloads.push({ parts: open.parts, begin: true, end: true });
        continue;
      }
      open = undefined;
      for (let off = 0; off < piece.length; off += room) {
        payloads.push({ parts: [piece.subarray(off, off + room)], begin: off === 0, end: off + room >= piece.length });
      }
    }
    return payloads.map((p, i) => {
      const sequenceHeader = p.begin && p.parts.some((b) => startCodeOffsets(b).some((at) => b[at + 3] === SEQUENCE_HEADER));
      const header = mpegVideoHeader(picture, { sequenceHeader, begin: p.begin, end: p.end });
      return this.seq.next(Buffer.concat([header, ...p.parts]), pts >>> 0, i === payloads.length - 1);
    });
  }
}

/** A payload whose data opens a picture: it begins with a sequence, GOP or picture header (§3.1 puts them first). */
function opensPicture(data: Buffer): boolean {
  if (data.length < 4 || data[0] !== 0 || data[1] !== 0 || data[2] !== 1) return false;
  const code = data[3]!;
  return code === SEQUENCE_HEADER || code === GROUP_START || code === PICTURE_START;
}

// Received packets only: the packetizer above makes its own headers.
const receivedFraming: FragmentFraming = {
  header: () => { throw new FrameRtpError('MPEG video packets are made by MpegVideoPacketizer'); },
  parse: (pl) => {
    if (pl.length <= MPEG_VIDEO_HEADER_BYTES) throw new FrameRtpError('short MPEG video payload');
    if (pl[0]! >> 3 !== 0) throw new FrameRtpError('MPEG video header with MBZ bits set');
    // T: the 4-byte MPEG-2 extension of §3.4.1 follows; its fields only help concealment, so it is skipped.
    const headerLength = pl[0]! & 0x04 ? 2 * MPEG_VIDEO_HEADER_BYTES : MPEG_VIDEO_HEADER_BYTES;
    if (pl.length <= headerLength) throw new FrameRtpError('short MPEG-2 video payload');
    return { headerLength, start: opensPicture(pl.subarray(headerLength)) };
  },
};

/** Reassembles MPEG-1/2 video frames from RFC 2250 packets; a lost packet drops its frame. */
export class MpegVideoDepacketizer {
  private readonly frames = new FrameDepacketizer(receivedFraming);

  /** Feeds one packet; returns the frame its marker completes, if any. Throws FrameRtpError on malformed payloads. */
  push(p: RtpPacket): RtpFrame[] { return this.frames.push(p); }
}
