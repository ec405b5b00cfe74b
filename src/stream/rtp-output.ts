import type { Codec, FormatOf } from '../formats/index.ts';
import { createRtpEncoder, type RtpEncoder } from './rtp-encoder.ts';
import type { StreamReader, UnitCallback } from './stream-reader.ts';
import type { Unit } from './unit.ts';

/** A reader's callback for one format. */
export interface Target { readonly reader: StreamReader; readonly cb: UnitCallback }

/** What an RTP output knows of its format's units so far. */
export interface RtpSource<C extends Codec> {
  readonly format: FormatOf<C>;
  /** Largest RTP packet received from the publisher (0 when it sends no RTP). */
  readonly maxSourcePacketBytes: number;
  /** Whether the publisher's RTP units also carry payloads, so they can be packetized again. */
  readonly canRepacketize: boolean;
}

/** Counters of an RTP output, for snapshots. */
export interface RtpOutputSnapshot {
  readonly maxPacketSize: number;
  /** 'passthrough': the publisher's packets; 'encode': packets made by the stream. */
  readonly mode: 'passthrough' | 'encode';
  readonly readers: number;
  readonly packetsEncoded: number;
}

/**
 * The RTP of one format for the readers that need packets of at most `maxPacketSize` bytes (RTSP at
 * udpMaxPayloadSize; WebRTC at ~1,200), made once for all of them. It exists only while such readers do. A
 * publisher's own packets go through untouched while they fit; once one is bigger (a camera over TCP, FFmpeg's
 * -pkt_size), the format is packetized again from its payloads from then on, with one numbering, as MediaMTX does.
 * Units written without RTP (RTMP, …) are always packetized, lazily: an RTMP→RTMP stream makes none.
 */
export class RtpOutput<C extends Codec = Codec> {
  readonly targets: Target[] = [];
  private encoder: RtpEncoder<C> | undefined;
  private isRepacketizing = false;
  private packetsEncoded = 0;

  constructor(private readonly source: RtpSource<C>, readonly maxPacketSize: number) {}

  /**
   * The unit as this output's readers get it: the unit itself while its packets pass through, a copy with packets
   * made here, or undefined when it has nothing for them (a fragment once re-packetizing, a codec without encoder).
   */
  view(unit: Unit<C>): Unit<C> | undefined {
    if (unit.rtpPackets !== undefined && !this.isRepacketizing) {
      if (!(this.source.maxSourcePacketBytes > this.maxPacketSize && this.source.canRepacketize)) return unit;
      this.isRepacketizing = true;
    }
    if (unit.payload === undefined) return undefined;
    this.encoder ??= createRtpEncoder(this.source.format, this.maxPacketSize);
    if (!this.encoder) return undefined;
    const rtpPackets = this.encoder.encode(unit.payload, unit.pts);
    this.packetsEncoded += rtpPackets.length;
    return { ...unit, rtpPackets };
  }

  /** Counters for the API. */
  snapshot(): RtpOutputSnapshot {
    const readers = new Set(this.targets.map((t) => t.reader)).size;
    return { maxPacketSize: this.maxPacketSize, mode: this.encoder || this.isRepacketizing ? 'encode' : 'passthrough', readers, packetsEncoded: this.packetsEncoded };
  }
}
