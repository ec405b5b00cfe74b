import type { Codec, PayloadByCodec, RtpPacket } from '../formats/index.ts';

/**
 * One access unit (or, for RTP passthrough, one packet) of one format, timestamped in that format's clock. `C` is
 * the format's codec, which fixes what `payload` holds (PayloadByCodec).
 */
export interface Unit<C extends Codec = Codec> {
  /** Presentation time in ticks of the format's clock rate. */
  pts: number;
  /** Decoding time in the same ticks, when it differs from pts (B-frames) and is known. */
  dts?: number;
  /** Wall-clock capture time, when known (RTCP sender reports, RTMP has none). */
  ntp?: Date;
  /**
   * RTP packets: as received from an RTP source (forwarded untouched while they fit a reader's size), or, in the
   * units an RTP reader gets, those the stream made for its size.
   */
  rtpPackets?: RtpPacket[];
  /** What the unit carries in the codec's terms (an access unit's NAL units, audio frames, …); none for packet-only units. */
  payload?: PayloadByCodec[C];
  /** True when a decoder can start here (IDR / IRAP / key frame); set by whoever knows the codec. */
  randomAccess?: boolean;
}

/** Bytes of a payload of any codec. */
export function payloadBytes(payload: PayloadByCodec[Codec] | undefined): number {
  if (payload === undefined) return 0;
  if (!Array.isArray(payload)) return payload.length;
  let n = 0;
  for (const b of payload) n += b.length;
  return n;
}

/** Bytes of the RTP packets of a unit. */
export function rtpBytes(unit: Unit): number {
  let n = 0;
  if (unit.rtpPackets) for (const p of unit.rtpPackets) n += p.raw.length;
  return n;
}

/** Bytes a unit weighs in the stream's counters: its RTP packets when it has some, else its payload. */
export function unitBytes(unit: Unit): number {
  return unit.rtpPackets && unit.rtpPackets.length > 0 ? rtpBytes(unit) : payloadBytes(unit.payload);
}

/** Callback a reader registers for one format, typed by its codec. It may return a promise; the queue waits for it. */
export type UnitCallback<C extends Codec = Codec> = (unit: Unit<C>) => void | Promise<void>;
