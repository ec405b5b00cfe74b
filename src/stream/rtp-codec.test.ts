import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { av1ObuWithoutSize } from '../codecs/index.ts';
import {
  av1Format, g711Format, g722Format, h264Format, h265Format, mpeg4AudioFormat, mpegAudioFormat, opusFormat, parseRtpPacket, vp9Format,
  type Codec, type FormatOf, type PayloadByCodec, type RtpPacket,
} from '../formats/index.ts';
import { RtpDecoder } from './rtp-decoder.ts';
import { createRtpEncoder, RTP_HEADER_BYTES } from './rtp-encoder.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
const fill = (head: string, n: number, byte: number): Buffer => Buffer.concat([hex(head), Buffer.alloc(n, byte)]);
const SPS = hex('6742c01e95a0508a');
const PPS = hex('68ce3c80');
const SEQ = hex('0a0b 000000043cffbcdaf9 0040');
const PTS = 900_000;

/** What one packet must be: its payload (whole, or its first bytes then its length), marker, timestamp after PTS. */
interface PacketVector { head: string; bytes?: number; marker: boolean; ts?: number }

/** A payload of a format, the largest packet, and the packets the stream makes of it (wire vectors). */
interface Vector<C extends Codec> { name: string; format: FormatOf<C>; payload: PayloadByCodec[C]; maxPacketSize: number; packets: PacketVector[] }

const vec = <C extends Codec>(v: Vector<C>): Vector<C> => v;

const VECTORS = [
  // RFC 6184 §5.6 single NAL unit packet.
  vec({ name: 'H264 single NAL unit', format: h264Format(96, SPS, PPS), payload: [hex('41 9a 02')], maxPacketSize: 1472, packets: [{ head: '419a02', marker: true }] }),
  // RFC 6184 §5.7.1 STAP-A: F|NRI (the highest, 3)|24 = 0x78, then each NAL unit behind its 16-bit size.
  vec({ name: 'H264 STAP-A', format: h264Format(96, SPS, PPS), payload: [SPS, PPS, hex('41 9a 02')], maxPacketSize: 1472,
    packets: [{ head: '78 0008 6742c01e95a0508a 0004 68ce3c80 0003 419a02', bytes: 22, marker: true }] }),
  // RFC 6184 §5.8 FU-A: indicator F|NRI|28 = 0x7c, header S|E|type 5; 1999 bytes after the NAL header in 998-byte pieces.
  vec({ name: 'H264 FU-A', format: h264Format(96, SPS, PPS), payload: [fill('65', 1999, 0xaa)], maxPacketSize: 1012,
    packets: [{ head: '7c85aa', bytes: 1000, marker: false }, { head: '7c05aa', bytes: 1000, marker: false }, { head: '7c45aa', bytes: 5, marker: true }] }),
  // RFC 7798 §4.4.3 FU: payload header type 49 (0x62 0x01), FU header S|E|type 19; 1500 bytes after the NAL header, 997 a packet.
  vec({ name: 'H265 FU', format: h265Format(96, { vps: hex('4001 0c'), sps: hex('4201 01'), pps: hex('4401 c1') }), payload: [fill('2601', 1500, 0xbb)],
    maxPacketSize: 1012, packets: [{ head: '620193bb', bytes: 1000, marker: false }, { head: '620153bb', bytes: 506, marker: true }] }),
  // AV1 RTP §4.4: aggregation header N=1 (a sequence header starts the unit), W=0; the temporal delimiter left out, each
  // OBU without obu_size and length-prefixed (the 12-byte sequence header, a 4-byte frame OBU).
  vec({ name: 'AV1 temporal unit', format: av1Format(96), payload: [hex('1200'), SEQ, hex('30 5a5a5a')],
    maxPacketSize: 1472, packets: [{ head: `08 0c ${av1ObuWithoutSize(SEQ).toString('hex')} 04 305a5a5a`, marker: true }] }),
  // RFC 9628 §4.2 non-flexible descriptor: I|B|E = 0x8c, then a 15-bit picture id (M = 1).
  vec({ name: 'VP9 frame', format: vp9Format(96), payload: fill('82498342', 100, 0x11), maxPacketSize: 1472, packets: [{ head: '8c', bytes: 107, marker: true }] }),
  // RFC 7587: one Opus packet an RTP packet, all at the unit's time.
  vec({ name: 'Opus packets', format: opusFormat(97, 2), payload: [hex('fc ff fe'), hex('fc 01')], maxPacketSize: 1472,
    packets: [{ head: 'fcfffe', marker: true, ts: 0 }, { head: 'fc01', marker: true, ts: 0 }] }),
  // RFC 3551 §4.5.14: samples split on whole samples, the timestamp advancing one tick a sample.
  vec({ name: 'G711 samples', format: g711Format(false, 1), payload: Buffer.alloc(400, 0x55), maxPacketSize: 212,
    packets: [{ head: '55', bytes: 200, marker: true, ts: 0 }, { head: '55', bytes: 200, marker: true, ts: 200 }] }),
  // RFC 3551 §4.5.2: G722 bytes, one tick each of its 8 kHz RTP clock.
  vec({ name: 'G722 bytes', format: g722Format(), payload: Buffer.alloc(300, 0x3c), maxPacketSize: 172,
    packets: [{ head: '3c', bytes: 160, marker: true, ts: 0 }, { head: '3c', bytes: 140, marker: true, ts: 160 }] }),
  // RFC 3640 §3.2.1 AAC-hbr: AU-headers-length 16 bits, size << 3; one AU a packet, 1024 ticks apart.
  vec({ name: 'AAC access units', format: mpeg4AudioFormat(97, hex('1190'), 48000, 2), payload: [hex('21 1b 4c'), hex('21 1c')], maxPacketSize: 1472,
    packets: [{ head: '0010 0018 211b4c', marker: true, ts: 0 }, { head: '0010 0010 211c', marker: true, ts: 1024 }] }),
  // RFC 2250 §3.5: MBZ + fragment offset, then the frame; a 44.1 kHz frame of 1152 samples lasts 2351 ticks of 90 kHz.
  vec({ name: 'MP3 frames', format: mpegAudioFormat(), payload: [fill('fffb9064', 413, 1), fill('fffb9064', 413, 2)], maxPacketSize: 1472,
    packets: [{ head: '00000000 fffb9064 01', bytes: 421, marker: true, ts: 0 }, { head: '00000000 fffb9064 02', bytes: 421, marker: true, ts: 2351 }] }),
];

/** The payload as the decoder returns it (AV1 OBUs come back without obu_size). */
function comparable(name: string, payload: PayloadByCodec[Codec]): PayloadByCodec[Codec] {
  return name.startsWith('AV1') && Array.isArray(payload) ? payload.filter((o) => o[0] !== 0x12).map(av1ObuWithoutSize) : payload;
}

describe('RTP encoder and decoder (vectors both ways)', () => {
  for (const v of VECTORS) {
    it(`${v.name}: payload → packets`, () => {
      const enc = createRtpEncoder<Codec>(v.format, v.maxPacketSize)!;
      const packets = enc.encode(v.payload, PTS);
      assert.deepEqual(packets.map((p) => p.marker), v.packets.map((w) => w.marker), 'one packet a vector, markers');
      v.packets.forEach((w, i) => {
        const p = packets[i]!;
        assert.equal(p.payload.subarray(0, hex(w.head).length).toString('hex'), hex(w.head).toString('hex'), `packet ${i}`);
        if (w.bytes !== undefined) assert.equal(p.payload.length, w.bytes, `packet ${i} size`);
        if (w.ts !== undefined) assert.equal(p.timestamp, PTS + w.ts, `packet ${i} timestamp`);
        assert.ok(p.raw.length <= v.maxPacketSize, `packet ${i} is ${p.raw.length} bytes`);
        assert.equal(p.raw.length, p.payload.length + RTP_HEADER_BYTES);
      });
      const seq = packets.map((p) => p.sequenceNumber);
      assert.deepEqual(seq, seq.map((_, i) => (seq[0]! + i) & 0xffff), 'consecutive sequence numbers');
    });

    it(`${v.name}: packets → payload`, () => {
      const packets: RtpPacket[] = createRtpEncoder<Codec>(v.format, v.maxPacketSize)!.encode(v.payload, PTS);
      const dec = new RtpDecoder<Codec>(v.format);
      const units = packets.flatMap((p) => dec.push(parseRtpPacket(p.raw), new Date(0)).units);
      assert.equal(units.filter((u) => (u.rtpPackets ?? []).length > 0).length, packets.length, 'each packet its own unit');
      const payloads = units.filter((u) => u.payload !== undefined).map((u) => u.payload!);
      // Audio codecs give a unit a packet; the others one for the whole access unit.
      const joined = payloads.length === 1 ? payloads[0]! : Array.isArray(v.payload) ? payloads.flat() : Buffer.concat(payloads as Buffer[]);
      assert.deepEqual(joined, comparable(v.name, v.payload));
    });
  }

  it('has no encoder for generic RTP, whose units carry packets only', () => {
    assert.equal(createRtpEncoder({ codec: 'generic', payloadType: 99, encoding: 'X-FOO', clockRate: 90000, params: new Map() }, 1472), undefined);
  });
});
