import type { Codec, FormatOf, RtpPacket } from '../../formats/index.ts';
import { createRtpEncoder, type RtpEncoder, type Unit } from '../../stream/index.ts';

/** Largest RTP packet sent to a viewer: 1,200 bytes of payload plus the 12-byte header, under any path MTU with SRTP and TURN overhead. */
export const WEBRTC_MAX_PACKET_BYTES = 1212;

/**
 * The RTP packets of each unit for WebRTC viewers, made once per unit and shared by every viewer of the stream
 * (docs/performance.md, "serialise once"): the first viewer to need a unit packetizes it (RFC 6184 FU-A, RFC 7741,
 * RFC 7587, …), the others take the same payloads. Each viewer's peer numbers the packets itself, so a viewer's
 * sequence stays continuous across its GOP burst and live units whatever order the units were first packetized in.
 * Kept in weak maps: the packets go with their unit, the encoders with their stream's formats.
 */
export class SharedRtpPackets {
  private readonly encoders = new WeakMap<object, RtpEncoder | null>();
  private readonly packets = new WeakMap<object, RtpPacket[]>();

  /** The packets of `unit` of `format`, or undefined when the codec has no RTP encoder or the unit no payload. */
  of<C extends Codec>(format: FormatOf<C>, unit: Unit<C>): RtpPacket[] | undefined {
    const cached = this.packets.get(unit);
    if (cached) return cached;
    if (unit.payload === undefined) return undefined;
    let enc = this.encoders.get(format);
    if (enc === undefined) {
      enc = (createRtpEncoder(format, WEBRTC_MAX_PACKET_BYTES) as RtpEncoder | undefined) ?? null;
      this.encoders.set(format, enc);
    }
    if (enc === null) return undefined;
    const out = enc.encode(unit.payload, unit.pts);
    this.packets.set(unit, out);
    return out;
  }
}
