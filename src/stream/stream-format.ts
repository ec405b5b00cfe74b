import type { Codec, FormatOf, Media, RtpPacket } from '../formats/index.ts';
import { formatUpdater, type FormatUpdater } from './format-updater.ts';
import { RtpDecoder } from './rtp-decoder.ts';
import { RtpOutput, type RtpOutputSnapshot, type RtpSource } from './rtp-output.ts';
import type { ReaderRtp, StreamReader, Target, UnitCallback } from './stream-reader.ts';
import { unitRemuxer, type UnitRemuxer } from './unit-remuxer.ts';
import { unitBytes, type Unit } from './unit.ts';

/** Counters a format's pipeline adds to its stream's. */
export interface FormatCounters { framesInError: number }

/** Counters of one format, for snapshots. */
export interface StreamFormatSnapshot {
  readonly codec: Codec;
  readonly payloadType: number;
  /** Readers of the units as written (RTMP, muxers). */
  readonly unitReaders: number;
  readonly rtpOutputs: readonly RtpOutputSnapshot[];
}

/**
 * The pipeline of one format of a stream: RTP decoding for RTP publishers, the format updater (in-band parameter
 * sets into the format, so DESCRIBE and muxers see the current ones), the unit remuxer, then fan-out to the readers
 * of units as written and, through one RtpOutput per kind and packet size, to the readers of RTP.
 */
export class StreamFormat<C extends Codec = Codec> implements RtpSource<C> {
  /** Largest RTP packet received from the publisher so far. */
  maxSourcePacketBytes = 0;
  private readonly targets: Target[] = [];
  /** Keyed `rtp:<size>` (the publisher's packets while they fit) or `payloads:<size>` (ReaderRtp.fromPayloads). */
  private readonly outputs = new Map<string, RtpOutput<C>>();
  /** The outputs as an array, for the per-unit loop. */
  private outputList: RtpOutput<C>[] = [];
  private decoder: RtpDecoder<C> | undefined;
  private readonly updater: FormatUpdater<C> | undefined;
  private readonly remuxer: UnitRemuxer<C> | undefined;

  constructor(readonly media: Media, readonly format: FormatOf<C>, private readonly counters: FormatCounters) {
    this.updater = formatUpdater(format.codec);
    this.remuxer = unitRemuxer(format.codec);
  }

  /** Whether the publisher's RTP can be packetized again from the payloads the stream decodes. */
  get canRepacketize(): boolean { return this.decoder?.hasPayloads === true; }

  /** Units of one RTP packet from the publisher (decoded once, here). */
  decode(p: RtpPacket, ntp: Date): { units: Unit<C>[]; error?: Error } {
    this.decoder ??= new RtpDecoder<C>(this.format);
    return this.decoder.push(p, ntp);
  }

  /** Runs the updater and the remuxer on a unit entering the stream (its payload is replaced in place). */
  prepare(unit: Unit<C>): void {
    if (unit.rtpPackets) for (const p of unit.rtpPackets) if (p.raw.length > this.maxSourcePacketBytes) this.maxSourcePacketBytes = p.raw.length;
    if (unit.payload === undefined) return;
    this.updater?.(this.format, unit.payload);
    if (this.remuxer) {
      const payload = this.remuxer(this.format, unit.payload, unit.randomAccess === true);
      if (payload === undefined) delete unit.payload;
      else unit.payload = payload;
    }
  }

  /** Queues a prepared unit to every reader of this format. */
  fanOut(unit: Unit<C>): void {
    const targets = this.targets;
    if (targets.length > 0) {
      const bytes = unitBytes(unit);
      for (let i = 0; i < targets.length; i++) targets[i]!.reader.push(targets[i]!.cb, unit, bytes);
    }
    for (const out of this.outputList) {
      let view: Unit<C> | undefined;
      try {
        view = out.view(unit);
      } catch {
        this.counters.framesInError++; // a payload its encoder refused: this output skips the unit
        continue;
      }
      if (!view) continue;
      const list = out.targets;
      if (list.length > 0) {
        const bytes = unitBytes(view);
        for (let i = 0; i < list.length; i++) list[i]!.reader.push(list[i]!.cb, view, bytes);
      }
      if (out.frames.targets.length > 0) out.frames.write(unit, view);
    }
  }

  /** Adds a reader's callback: for units as written, or for RTP as `rtp` asks; returns the RTP output it reads. */
  addTarget(reader: StreamReader, cb: UnitCallback, rtp: ReaderRtp | undefined): RtpOutput<C> | undefined {
    if (rtp === undefined) { this.targets.push({ reader, cb }); return undefined; }
    const key = `${rtp.fromPayloads === true ? 'payloads' : 'rtp'}:${rtp.maxPacketSize}`;
    let out = this.outputs.get(key);
    if (!out) {
      out = new RtpOutput<C>(this, rtp.maxPacketSize, rtp.fromPayloads === true);
      this.outputs.set(key, out);
      this.outputList = [...this.outputs.values()];
    }
    // A reader of whole frames gets the packets of a video access unit in one unit (ReaderRtp.frames).
    if (rtp.frames === true && rtp.fromPayloads !== true) out.frames.targets.push({ reader, cb });
    else out.targets.push({ reader, cb });
    return out;
  }

  /** Removes a reader's callbacks; an RTP output left without readers goes (and with it, its packetizing). */
  removeReader(reader: StreamReader): void {
    removeTargetsOf(this.targets, reader);
    for (const [key, out] of this.outputs) {
      removeTargetsOf(out.targets, reader);
      out.frames.removeReader((t) => t.reader === reader);
      if (out.targets.length === 0 && out.frames.targets.length === 0) this.outputs.delete(key);
    }
    this.outputList = [...this.outputs.values()];
  }

  /** Counters for the API. */
  snapshot(): StreamFormatSnapshot {
    return {
      codec: this.format.codec, payloadType: this.format.payloadType, unitReaders: new Set(this.targets.map((t) => t.reader)).size,
      rtpOutputs: [...this.outputs.values()].map((o) => o.snapshot()),
    };
  }
}

function removeTargetsOf(list: Target[], reader: StreamReader): void {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.reader === reader) list.splice(i, 1);
}
