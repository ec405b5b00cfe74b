import { parseMpegAudioHeader } from '../codecs/index.ts';
import {
  Av1Packetizer, FramePacketizer, H264Packetizer, H265Packetizer, MjpegPacketizer, Mpeg4AudioPacketizer, MpegVideoPacketizer, SamplesPacketizer,
  mpeg4VideoFraming, mpegAudioFraming, vp8Framing, vp9Framing, type Codec, type FormatOf, type PayloadByCodec, type RtpPacket,
} from '../formats/index.ts';
import { rescale } from '../lib/index.ts';

/** RTP fixed header (RFC 3550 §5.1): what the stream sends has no CSRC, extension or padding. */
export const RTP_HEADER_BYTES = 12;

/** Makes the RTP packets of one format's units, numbering them in sequence. */
export interface RtpEncoder<C extends Codec = Codec> {
  /** Packets of a unit's payload at `pts` (ticks of the format's clock). Throws on payloads it can't packetize. */
  encode(payload: PayloadByCodec[C], pts: number): RtpPacket[];
}

type EncoderFactory<C extends Codec> = (format: FormatOf<C>, maxPayload: number) => RtpEncoder<C>;

/** RFC 3551 §4.5.11 L8/L16/L24: bytes per sample from the encoding name. */
function lpcmBytesPerSample(encoding: string): number {
  const bits = Number(/^L(\d+)$/i.exec(encoding)?.[1] ?? 16);
  return Math.max(1, bits / 8);
}

/** MPEG audio frames of one unit, each at its own time: the unit's pts plus the samples of the frames before it. */
function mpegAudioEncoder(format: FormatOf<'mpeg1Audio'>, maxPayload: number): RtpEncoder<'mpeg1Audio'> {
  const p = new FramePacketizer(format.payloadType, mpegAudioFraming, maxPayload);
  return {
    encode: (frames, pts) => {
      const out: RtpPacket[] = [];
      let samples = 0;
      for (const f of frames) {
        const h = parseMpegAudioHeader(f);
        out.push(...p.packetize(f, pts + rescale(samples, h.sampleRate, format.clockRate, 'round')));
        samples += h.samples;
      }
      return out;
    },
  };
}

// The codecs the stream can packetize, with the RTP payload format each follows.
const ENCODERS: { readonly [C in Codec]?: EncoderFactory<C> } = {
  h264: (f, max) => { const p = new H264Packetizer(f.payloadType, max); return { encode: (au, pts) => p.packetize(au, pts) }; },   // RFC 6184
  h265: (f, max) => { const p = new H265Packetizer(f.payloadType, max); return { encode: (au, pts) => p.packetize(au, pts) }; },   // RFC 7798
  av1: (f, max) => { const p = new Av1Packetizer(f.payloadType, max); return { encode: (tu, pts) => p.packetize(tu, pts) }; },     // AV1 RTP §4
  vp8: (f, max) => { const p = new FramePacketizer(f.payloadType, vp8Framing, max); return { encode: (fr, pts) => p.packetize(fr, pts) }; }, // RFC 7741
  vp9: (f, max) => { const p = new FramePacketizer(f.payloadType, vp9Framing(), max); return { encode: (fr, pts) => p.packetize(fr, pts) }; }, // RFC 9628
  mpeg4Video: (f, max) => { const p = new FramePacketizer(f.payloadType, mpeg4VideoFraming, max); return { encode: (fr, pts) => p.packetize(fr, pts) }; }, // RFC 6416
  mpeg1Video: (f, max) => { const p = new MpegVideoPacketizer(f.payloadType, max); return { encode: (fr, pts) => p.packetize(fr, pts) }; }, // RFC 2250 §3
  mjpeg: (f, max) => { const p = new MjpegPacketizer(f.payloadType, max); return { encode: (jpeg, pts) => p.packetize(jpeg, pts) }; }, // RFC 2435
  // RFC 3640 AAC-hbr, one AU a packet, fragmented when larger than the packet.
  mpeg4Audio: (f, max) => { const p = new Mpeg4AudioPacketizer(f.payloadType, max); return { encode: (aus, pts) => p.packetize(aus, pts) }; },
  // RFC 7587: one Opus packet an RTP packet.
  opus: (f, max) => {
    const p = new SamplesPacketizer(f.payloadType, { bytesPerSample: 0, channels: 1 }, max);
    return { encode: (packets, pts) => packets.flatMap((d) => p.packetize(d, pts)) };
  },
  mpeg1Audio: mpegAudioEncoder, // RFC 2250 §3.5
  g711: (f, max) => { const p = new SamplesPacketizer(f.payloadType, { bytesPerSample: 1, channels: f.channels ?? 1 }, max); return { encode: (s, pts) => p.packetize(s, pts) }; },
  // RFC 3551 §4.5.2: one byte per tick of the 8 kHz clock, as G711.
  g722: (f, max) => { const p = new SamplesPacketizer(f.payloadType, { bytesPerSample: 1, channels: 1 }, max); return { encode: (s, pts) => p.packetize(s, pts) }; },
  lpcm: (f, max) => {
    const p = new SamplesPacketizer(f.payloadType, { bytesPerSample: lpcmBytesPerSample(f.encoding), channels: f.channels ?? 1 }, max);
    return { encode: (s, pts) => p.packetize(s, pts) };
  },
};

/** True when the stream can make RTP packets of this codec. */
export function hasRtpEncoder(codec: Codec): boolean { return ENCODERS[codec] !== undefined; }

/** An encoder of `format`'s units into packets of at most `maxPacketSize` bytes (header included); undefined when the codec has none. */
export function createRtpEncoder<C extends Codec>(format: FormatOf<C>, maxPacketSize: number): RtpEncoder<C> | undefined {
  const factory: EncoderFactory<C> | undefined = ENCODERS[format.codec];
  return factory?.(format, maxPacketSize - RTP_HEADER_BYTES);
}
