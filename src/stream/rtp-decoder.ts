import { av1IsRandomAccess, H264DtsExtractor, H265DtsExtractor, vp9IsKeyFrame } from '../codecs/index.ts';
import {
  Av1Depacketizer, FrameDepacketizer, H264Depacketizer, H265Depacketizer, Mpeg4AudioDepacketizer, MpegAudioDepacketizer, SamplesDepacketizer,
  vp8Framing, vp8IsKeyFrame, vp9Framing, type Codec, type FormatOf, type PayloadByCodec, type RtpPacket,
} from '../formats/index.ts';
import type { Unit } from './unit.ts';

/** What a packet completes: payloads with their time and (for video) whether a decoder can start there. */
interface Decoded<C extends Codec> { pts: number; dts?: number; payload: PayloadByCodec[C]; randomAccess?: boolean }

/** Feeds one packet of a format; returns what it completes. Throws on malformed payloads. */
type Depacketize<C extends Codec> = (p: RtpPacket) => Decoded<C>[];

// The codecs whose payloads the stream takes out of RTP, for outputs that need them (RTMP, re-packetizing) and
// the GOP cache. H264/H265 also get a DTS from picture order (RTP carries only PTS).
const DEPACKETIZERS: { readonly [C in Codec]?: (format: FormatOf<C>) => Depacketize<C> | undefined } = {
  h264: (f) => {
    const d = new H264Depacketizer();
    const dts = new H264DtsExtractor(f.sps);
    return (p) => d.push(p).map((au) => ({ pts: au.pts, dts: dts.extract(au.nalus, au.pts), payload: au.nalus, randomAccess: au.randomAccess }));
  },
  h265: (f) => {
    const d = new H265Depacketizer();
    const dts = new H265DtsExtractor(f.vps && f.sps && f.pps ? [f.vps, f.sps, f.pps] : []);
    return (p) => d.push(p).map((au) => ({ pts: au.pts, dts: dts.extract(au.nalus, au.pts), payload: au.nalus, randomAccess: au.randomAccess }));
  },
  av1: () => {
    const d = new Av1Depacketizer();
    return (p) => d.push(p).map((tu) => ({ pts: tu.pts, payload: tu.obus, randomAccess: av1IsRandomAccess(tu.obus) }));
  },
  // RFC 7741: WebRTC publishers (WHIP) send VP8.
  vp8: () => {
    const d = new FrameDepacketizer(vp8Framing);
    return (p) => d.push(p).map((f) => ({ pts: f.pts, payload: f.frame, randomAccess: vp8IsKeyFrame(f.frame) }));
  },
  vp9: () => {
    const d = new FrameDepacketizer(vp9Framing());
    return (p) => d.push(p).map((f) => ({ pts: f.pts, payload: f.frame, randomAccess: vp9IsKeyFrame(f.frame) }));
  },
  // RFC 3640 AAC-hbr only (sizelength 13, indexlength 3): other modes pass through undecoded.
  mpeg4Audio: (f) => {
    if ((f.params.get('mode') ?? '').toLowerCase() !== 'aac-hbr') return undefined;
    const d = new Mpeg4AudioDepacketizer();
    return (p) => { const { pts, aus } = d.push(p); return [{ pts, payload: aus }]; };
  },
  mpeg1Audio: () => {
    const d = new MpegAudioDepacketizer();
    return (p) => { const { pts, frames } = d.push(p); return frames.length > 0 ? [{ pts, payload: frames }] : []; };
  },
  opus: () => {
    const d = new SamplesDepacketizer();
    return (p) => { const { pts, data } = d.push(p); return [{ pts, payload: [data] }]; };
  },
  g711: () => {
    const d = new SamplesDepacketizer();
    return (p) => { const { pts, data } = d.push(p); return [{ pts, payload: data }]; };
  },
  g722: () => {
    const d = new SamplesDepacketizer();
    return (p) => { const { pts, data } = d.push(p); return [{ pts, payload: data }]; };
  },
};

/**
 * Turns the RTP packets of one format into units, once per stream. Every packet is its own unit, so RTSP readers
 * forward it at once and untouched (MediaMTX does the same); the unit whose packet completes an access unit (a
 * frame, audio frames) also carries its payload, and a packet completing two (the previous one ended by a timestamp
 * change without a marker, and its own) gives a second unit without packets. Codecs it can't decode give
 * packet-only units.
 */
export class RtpDecoder<C extends Codec = Codec> {
  private readonly depacketize: Depacketize<C> | undefined;

  constructor(format: FormatOf<C>) {
    const factory: ((format: FormatOf<C>) => Depacketize<C> | undefined) | undefined = DEPACKETIZERS[format.codec];
    this.depacketize = factory?.(format);
  }

  /** True when the units carry payloads, not just packets. */
  get hasPayloads(): boolean { return this.depacketize !== undefined; }

  /** Units for `p`; a decode error is returned with the packet still forwarded in a packet-only unit. */
  push(p: RtpPacket, ntp: Date): { units: Unit<C>[]; error?: Error } {
    const packetOnly: Unit<C> = { pts: p.timestamp, ntp, rtpPackets: [p] };
    if (!this.depacketize) return { units: [packetOnly] };
    let decoded: Decoded<C>[];
    try {
      decoded = this.depacketize(p);
    } catch (err) {
      return { units: [packetOnly], error: err instanceof Error ? err : new Error(String(err)) };
    }
    if (decoded.length === 0) return { units: [packetOnly] };
    return {
      units: decoded.map((d, i) => ({
        pts: d.pts, ...(d.dts !== undefined ? { dts: d.dts } : {}), ntp, rtpPackets: i === 0 ? [p] : [], payload: d.payload,
        ...(d.randomAccess !== undefined ? { randomAccess: d.randomAccess } : {}),
      })),
    };
  }
}
