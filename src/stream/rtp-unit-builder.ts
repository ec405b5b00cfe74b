import { av1IsRandomAccess, H264DtsExtractor, H265DtsExtractor, vp9IsKeyFrame } from '../codecs/index.ts';
import {
  Av1Depacketizer, FrameDepacketizer, H264Depacketizer, H264Packetizer, H265Depacketizer, H265Packetizer, Mpeg4AudioDepacketizer, MpegAudioDepacketizer, SamplesDepacketizer,
  h264ParameterSets, h265ParameterSets, vp9Framing, type Format, type RtpPacket,
} from '../formats/index.ts';
import type { Unit } from './unit.ts';

/** A depacketizer of whole frames: what each packet completes, with payload and (for video) random access. */
interface FrameSource { push(p: RtpPacket): { pts: number; payload: Buffer[]; randomAccess?: boolean }[] }

/** The frame depacketizer of AV1, VP9, Opus, MPEG audio and G711; other codecs pass through untouched. */
function frameSource(format: Format): FrameSource | undefined {
  if (format.codec === 'av1') {
    const d = new Av1Depacketizer();
    return { push: (p) => d.push(p).map((tu) => ({ pts: tu.pts, payload: tu.obus, randomAccess: av1IsRandomAccess(tu.obus) })) };
  }
  if (format.codec === 'vp9') {
    const d = new FrameDepacketizer(vp9Framing());
    return { push: (p) => d.push(p).map((f) => ({ pts: f.pts, payload: [f.frame], randomAccess: vp9IsKeyFrame(f.frame) })) };
  }
  if (format.codec === 'mpeg1Audio') {
    const d = new MpegAudioDepacketizer();
    return { push: (p) => { const { pts, frames } = d.push(p); return frames.length > 0 ? [{ pts, payload: frames }] : []; } };
  }
  if (format.codec === 'opus' || format.codec === 'g711') {
    const d = new SamplesDepacketizer();
    return { push: (p) => { const { pts, data } = d.push(p); return [{ pts, payload: [data] }]; } };
  }
  return undefined;
}

/**
 * Turns the RTP packets of one format into units, once per stream. Every packet is its own unit, so RTSP readers
 * forward it at once and untouched (MediaMTX does the same); for H264/H265 the unit whose packet completes an access
 * unit also carries it (payload = NAL units, random access flagged, DTS derived from picture order), and
 * MPEG-4 audio units carry their AUs, AV1 units their temporal unit's OBUs, VP9 units the frame, MPEG audio units
 * their frames, Opus and G711 units the packet's payload. Once an H264/H265 packet exceeds `maxPacketSize` (udpMaxPayloadSize), which
 * UDP readers could not receive, the format is re-packetized from then on: each completed access unit carries new,
 * smaller packets and the received ones are no longer forwarded (MediaMTX does the same).
 */
export class RtpUnitBuilder {
  private readonly video: H264Depacketizer | H265Depacketizer | undefined;
  private readonly aac: Mpeg4AudioDepacketizer | undefined;
  private readonly dts: H264DtsExtractor | H265DtsExtractor | undefined;
  private repacketizer: H264Packetizer | H265Packetizer | undefined;
  private readonly frames: FrameSource | undefined;

  constructor(readonly format: Format, private readonly maxPacketSize = Infinity) {
    if (format.codec === 'h264') {
      this.video = new H264Depacketizer();
      this.dts = new H264DtsExtractor(h264ParameterSets(format)?.sps);
    } else if (format.codec === 'h265') {
      this.video = new H265Depacketizer();
      const ps = h265ParameterSets(format);
      this.dts = new H265DtsExtractor(ps ? [ps.vps, ps.sps, ps.pps] : []);
    } else if (format.codec === 'mpeg4Audio' && (format.params.get('mode') ?? '').toLowerCase() === 'aac-hbr') {
      this.aac = new Mpeg4AudioDepacketizer();
    } else {
      this.frames = frameSource(format);
    }
  }

  /** Units for `p`, carrying it (or, once re-packetizing, the new packets of completed access units). Decode errors are returned with the packet still forwarded. */
  push(p: RtpPacket, ntp: Date): { units: Unit[]; error?: Error } {
    const passthrough: Unit = { pts: p.timestamp, ntp, rtpPackets: [p] };
    try {
      if (this.aac) {
        const { pts, aus } = this.aac.push(p);
        return { units: [{ pts, ntp, rtpPackets: [p], payload: aus }] };
      }
      if (this.frames) {
        const frames = this.frames.push(p);
        if (frames.length === 0) return { units: [passthrough] };
        return { units: frames.map((f, i) => ({ ...f, ntp, rtpPackets: i === 0 ? [p] : [] })) };
      }
      if (!this.video) return { units: [passthrough] };
      if (!this.repacketizer && p.raw.length > this.maxPacketSize) {
        const payloadMax = this.maxPacketSize - 12; // RTP fixed header, no CSRC or extension in what we send
        this.repacketizer = this.format.codec === 'h264' ? new H264Packetizer(this.format.payloadType, payloadMax) : new H265Packetizer(this.format.payloadType, payloadMax);
      }
      const aus = this.video.push(p);
      const own = this.repacketizer ? [] : [p];
      if (aus.length === 0) return { units: this.repacketizer ? [] : [passthrough] };
      // A packet can finish two access units: the previous one (timestamp changed without a marker) and its own.
      return { units: aus.map((au, i) => ({
        pts: au.pts, ...(this.dts ? { dts: this.dts.extract(au.nalus, au.pts) } : {}), ntp,
        rtpPackets: this.repacketizer ? this.repacketizer.packetize(au.nalus, au.pts) : i === 0 ? own : [],
        payload: au.nalus, randomAccess: au.randomAccess,
      })) };
    } catch (err) {
      return { units: [passthrough], error: err as Error };
    }
  }
}
