import { H264DtsExtractor } from '../codecs/index.ts';
import {
  H264Depacketizer, H265Depacketizer, Mpeg4AudioDepacketizer, h264ParameterSets, type Format, type RtpPacket,
} from '../formats/index.ts';
import type { Unit } from './unit.ts';

/**
 * Turns the RTP packets of one format into units, once per stream. Every packet is its own unit, so RTSP readers
 * forward it at once and untouched (MediaMTX does the same); for H264/H265 the unit whose packet completes an access
 * unit also carries it (payload = NAL units, random access flagged, H264 DTS derived from picture order), and
 * MPEG-4 audio units carry their AUs.
 */
export class RtpUnitBuilder {
  private readonly video: H264Depacketizer | H265Depacketizer | undefined;
  private readonly aac: Mpeg4AudioDepacketizer | undefined;
  private readonly dts: H264DtsExtractor | undefined;

  constructor(readonly format: Format) {
    if (format.codec === 'h264') {
      this.video = new H264Depacketizer();
      this.dts = new H264DtsExtractor(h264ParameterSets(format)?.sps);
    } else if (format.codec === 'h265') {
      // No H265 DTS derivation yet: units keep DTS = PTS, right for streams without B-frames (zerolatency, cameras).
      this.video = new H265Depacketizer();
    } else if (format.codec === 'mpeg4Audio' && (format.params.get('mode') ?? '').toLowerCase() === 'aac-hbr') {
      this.aac = new Mpeg4AudioDepacketizer();
    }
  }

  /** Units for `p`: at least one, carrying the packet. Decode errors are returned with the packet still forwarded. */
  push(p: RtpPacket, ntp: Date): { units: Unit[]; error?: Error } {
    const passthrough: Unit = { pts: p.timestamp, ntp, rtpPackets: [p] };
    try {
      if (this.aac) {
        const { pts, aus } = this.aac.push(p);
        return { units: [{ pts, ntp, rtpPackets: [p], payload: aus }] };
      }
      if (!this.video) return { units: [passthrough] };
      const aus = this.video.push(p);
      if (aus.length === 0) return { units: [passthrough] };
      // A packet can finish two access units: the previous one (timestamp changed without a marker) and its own.
      return { units: aus.map((au, i) => ({
        pts: au.pts, ...(this.dts ? { dts: this.dts.extract(au.nalus, au.pts) } : {}), ntp, rtpPackets: i === 0 ? [p] : [], payload: au.nalus, randomAccess: au.randomAccess,
      })) };
    } catch (err) {
      return { units: [passthrough], error: err as Error };
    }
  }
}
