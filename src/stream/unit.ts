import type { RtpPacket } from '../formats/index.ts';

/** One access unit (or, for RTP passthrough, one packet) of one format, timestamped in that format's clock. */
export interface Unit {
  /** Presentation time in ticks of the format's clock rate. */
  pts: number;
  /** Decoding time in the same ticks, when it differs from pts (B-frames) and is known. */
  dts?: number;
  /** Wall-clock capture time, when known (RTCP sender reports, RTMP has none). */
  ntp?: Date;
  /** RTP packets as received from an RTP source, kept so RTSP readers skip re-packetising. */
  rtpPackets?: RtpPacket[];
  /** Codec payload (access unit as NALUs, audio frames, …), set by depacketizers. */
  payload?: unknown;
  /** True when a decoder can start here (IDR / IRAP / key frame); set by whoever knows the codec. */
  randomAccess?: boolean;
}
