import type { Codec, FormatOf, Media } from '../formats/index.ts';
import { FrameFanOut } from './frame-fan-out.ts';
import { createRtpEncoder, type RtpEncoder } from './rtp-encoder.ts';
import type { Target } from './stream-reader.ts';
import type { Unit } from './unit.ts';


/** What an RTP output knows of its format's units so far. */
export interface RtpSource<C extends Codec> {
  readonly media: Media;
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
 *
 * With `fromPayloads` (ReaderRtp), every unit with a payload is packetized, and the packets of each unit are kept
 * with it (weakly: they go with the unit), so readers that join from the GOP cache get the packets of the units
 * they walk in the log, made once for all of them, like the live ones.
 */
export class RtpOutput<C extends Codec = Codec> {
  readonly targets: Target[] = [];
  /** Readers that take a video access unit's packets in one unit (ReaderRtp.frames), and their batching. */
  readonly frames: FrameFanOut;
  private encoder: RtpEncoder<C> | undefined;
  private isRepacketizing: boolean;
  private packetsEncoded = 0;
  /** Views made so far, by unit (fromPayloads only); null for a unit whose payload the encoder refused. */
  private readonly views: WeakMap<Unit<C>, Unit<C> | null> | undefined;

  constructor(private readonly source: RtpSource<C>, readonly maxPacketSize: number, readonly fromPayloads = false) {
    this.isRepacketizing = fromPayloads;
    this.views = fromPayloads ? new WeakMap() : undefined;
    this.frames = new FrameFanOut(source.media.kind === 'video');
  }

  /**
   * The unit as this output's readers get it: the unit itself while its packets pass through, a copy with packets
   * made here, or undefined when it has nothing for them (a fragment once re-packetizing, a codec without encoder).
   * Throws when the encoder refuses the payload.
   */
  view(unit: Unit<C>): Unit<C> | undefined {
    if (unit.rtpPackets !== undefined && !this.isRepacketizing) {
      if (!(this.source.maxSourcePacketBytes > this.maxPacketSize && this.source.canRepacketize)) return unit;
      this.isRepacketizing = true;
    }
    if (unit.payload === undefined) return undefined;
    const made = this.views?.get(unit);
    if (made !== undefined) return made ?? undefined;
    this.encoder ??= createRtpEncoder(this.source.format, this.maxPacketSize);
    if (!this.encoder) return undefined;
    let rtpPackets;
    try {
      rtpPackets = this.encoder.encode(unit.payload, unit.pts);
    } catch (err) {
      this.views?.set(unit, null);
      throw err;
    }
    this.packetsEncoded += rtpPackets.length;
    const view = { ...unit, rtpPackets };
    this.views?.set(unit, view);
    return view;
  }

  /** The view of a unit of the GOP log, for a reader joining from it; undefined to skip it (see view). */
  logView(unit: Unit<C>): Unit<C> | undefined {
    try {
      return this.view(unit);
    } catch {
      return undefined; // counted in framesInError when it was written, if this output existed then
    }
  }

  /** Counters for the API. */
  snapshot(): RtpOutputSnapshot {
    const readers = new Set([...this.targets, ...this.frames.targets].map((t) => t.reader)).size;
    return { maxPacketSize: this.maxPacketSize, mode: this.encoder || this.isRepacketizing ? 'encode' : 'passthrough', readers, packetsEncoded: this.packetsEncoded };
  }
}
