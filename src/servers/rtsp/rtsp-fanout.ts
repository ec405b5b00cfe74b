import type { Socket } from 'node:net';
import type { Logger } from '../../lib/index.ts';
import type { RemoteSocket, ShardFeed, ShardPool, ShardReaderLimits } from '../../fanout/index.ts';
import type { Media, RtpPacket } from '../../formats/index.ts';
import { RtcpMapping, buildInterleavedFrame, sharedInterleavedFrames } from '../../protocols/rtsp/index.ts';
import { StreamReader, type Stream, type Unit, type UnitCallback } from '../../stream/index.ts';
import { RtcpPlayReporter } from './rtcp-play-reporter.ts';

/** One set-up media of a TCP reader: its index in the stream's description and its interleaved channels. */
export interface RtspFeedTrack {
  readonly index: number;
  readonly media: Media;
  readonly rtpChannel: number;
  readonly rtcpChannel: number;
}

/**
 * The key of a feed within one stream: readers that get the same packets (RTP of at most `maxPacketSize` bytes, of the
 * same medias) on the same interleaved channels get the same bytes, so they share a feed.
 */
export function rtspFeedKey(maxPacketSize: number, tracks: readonly RtspFeedTrack[]): string {
  const parts = [...tracks].sort((a, b) => a.index - b.index).map((t) => `${t.index}:${t.rtpChannel}/${t.rtcpChannel}`);
  return `${maxPacketSize}|${parts.join(',')}`;
}

/**
 * Turns a feed's units into records, one per unit (a video frame, or an audio unit): the interleaved frames (RFC 2326
 * §10.12) of its RTP packets, joined once and shared with the readers of this process, after any report due first. It
 * also sends the feed's RTCP Sender Reports as records on the RTCP channels.
 *
 * Why one reporter per feed: a reader on a shard gets the feed's bytes and nothing else in the stream's order, so its
 * reports must be in the feed too; counting packets per reader here would put back the per-reader work the shards
 * take away. Every reader of the feed gets the same reports at the same place. Their RTP↔wall-clock mapping is the
 * one the readers' own reporters share (RtcpMapping per media), so a reader's reports do not step when it moves;
 * only the packet and octet counts are the feed's (receivers compute loss from sequence numbers, not from these).
 */
export class RtspFeedWriter {
  private readonly reporter: RtcpPlayReporter;
  private readonly rtcpChannels: number[] = [];
  /** The record being built (a unit's frames): a report due before a packet goes into it, in its place. */
  private collecting: Buffer[] | undefined;
  private readonly hasVideo: boolean;

  /**
   * `write` sends a record; `lazy` when it may wait for the next one (a unit of a media other than video, in a feed
   * with video: it goes out with the next video frame, as RtspSession's readers over TCP send it).
   */
  constructor(
    tracks: readonly RtspFeedTrack[], private readonly write: (body: Buffer | readonly Buffer[], lazy: boolean) => void,
    mappingOf?: (media: Media) => RtcpMapping | undefined,
  ) {
    this.hasVideo = tracks.some((t) => t.media.kind === 'video');
    const medias: Media[] = [];
    for (const t of tracks) { medias[t.index] = t.media; this.rtcpChannels[t.index] = t.rtcpChannel; }
    this.reporter = new RtcpPlayReporter(medias, (i, pkt) => this.rtcp(i, pkt), mappingOf);
  }

  /** Writes the record of one unit of `track`, whose packets go out now. */
  unit(track: RtspFeedTrack, unit: Pick<Unit, 'rtpPackets' | 'ntp'>): void {
    const packets: readonly RtpPacket[] | undefined = unit.rtpPackets;
    if (!packets || packets.length === 0) return;
    const pieces: Buffer[] = [];
    this.collecting = pieces;
    try {
      // Before the packets: the first one of each media goes after a Sender Report (see RtcpPlayReporter).
      this.reporter.onPacketsSent(track.index, packets, unit.ntp);
    } finally {
      this.collecting = undefined;
    }
    // A frame's packets in one piece, the bytes the readers of this process write too (sharedInterleavedFrames).
    pieces.push(sharedInterleavedFrames(track.rtpChannel, packets));
    this.write(pieces, this.hasVideo && track.media.kind !== 'video');
  }

  /** RTCP BYE packets and their RTCP channels, one per media that sent packets: a moved reader's last bytes. */
  byes(): { channel: number; packet: Buffer }[] {
    return this.reporter.byes().map(([i, packet]) => ({ channel: this.rtcpChannels[i]!, packet }));
  }

  /** Stops the reports. */
  close(): void { this.reporter.close(false); }

  private rtcp(i: number, pkt: Buffer): void {
    const ch = this.rtcpChannels[i];
    if (ch === undefined) return;
    const frame = buildInterleavedFrame(ch, pkt);
    if (this.collecting) this.collecting.push(frame);
    else this.write(frame, false);
  }
}

/**
 * A reader that runs its callbacks inside the stream's write, with no queue: a feed numbers each unit's record at the
 * moment the sessions' queues receive the unit, so a session whose queue is empty knows exactly which record is next.
 */
class InlineReader extends StreamReader {
  override push(cb: UnitCallback, unit: Unit): void {
    if (!unit.rtpPackets || unit.rtpPackets.length === 0) return; // nothing for an RTSP reader, as in RtspSession
    void cb(unit);
  }
}

interface Feed { readonly feed: ShardFeed; readonly reader: InlineReader; readonly writer: RtspFeedWriter; readonly stream: Stream; readonly key: string; users: number }

/** A session's place on a shard, taken when it decides to move: `seq` is the first record the shard writes for it. */
export interface RtspShardSeat {
  readonly seq: number;
  /** Moves the socket; undefined if the shard went away meanwhile (the seat is then given back). */
  adopt(socket: Socket, limits: ShardReaderLimits): RemoteSocket | undefined;
  /** Gives the seat back without moving. */
  release(): void;
  /** The feed's RTCP BYE packets and their channels, for a moved session whose stream ended. */
  byes(): { channel: number; packet: Buffer }[];
  /** The number the feed's next record will have: where a moved session resumes after PAUSE. */
  nextSeq(): number;
}

/**
 * Moves RTSP/TCP readers to the fan-out shards (docs/multicore-fanout.md) and feeds each shard every unit of a stream
 * once per (packet size, set-up medias, interleaved channels): the same framed packets the readers here write.
 */
export class RtspFanout {
  private readonly feeds = new WeakMap<Stream, Map<string, Feed>>();
  private readonly mappings = new WeakMap<Media, RtcpMapping>();

  constructor(private readonly pool: ShardPool, private readonly log: Logger, private readonly maxPacketSize: number) {}

  /** The RTP↔wall-clock mapping every Sender Report of `media` follows, here and in the feeds. */
  mappingOf(media: Media): RtcpMapping {
    let m = this.mappings.get(media);
    if (!m) { m = new RtcpMapping(media.formats[0]?.clockRate ?? 90000); this.mappings.set(media, m); }
    return m;
  }

  /** A seat for a reader of `tracks` of `stream`, or undefined when no shard is ready (the reader stays here). */
  seat(stream: Stream, tracks: readonly RtspFeedTrack[]): RtspShardSeat | undefined {
    if (!this.pool.wantsReaders()) return undefined;
    const f = this.feedOf(stream, tracks);
    const seat = this.pool.seat(f.feed);
    if (!seat) { this.unuse(f); return undefined; }
    let done = false;
    const release = (): void => {
      if (done) return;
      done = true;
      seat.release();
      this.unuse(f);
    };
    const seq = f.feed.nextSeq;
    return {
      seq, release,
      byes: () => f.writer.byes(),
      nextSeq: () => f.feed.nextSeq,
      adopt: (socket, limits) => {
        const remote = seat.adopt(socket, seq, limits);
        if (!remote) { release(); return undefined; }
        remote.once('close', () => { if (done) return; done = true; this.unuse(f); });
        return remote;
      },
    };
  }

  /** Stops the shards. */
  close(): void { this.pool.close(); }

  private feedOf(stream: Stream, tracks: readonly RtspFeedTrack[]): Feed {
    const key = rtspFeedKey(this.maxPacketSize, tracks);
    let byKey = this.feeds.get(stream);
    if (!byKey) {
      const feeds = new Map<string, Feed>();
      byKey = feeds;
      this.feeds.set(stream, feeds);
      // The stream's end stops the feeds' reports; the BYEs of its moved readers are sent by each session as it closes.
      stream.onClose(() => { for (const x of feeds.values()) x.writer.close(); });
    }
    let f = byKey.get(key);
    if (f) { f.users++; return f; }
    const feed = this.pool.feed();
    const writer = new RtspFeedWriter(tracks, (b, lazy) => feed.write(b, lazy), (m) => this.mappingOf(m));
    // Whole frames, as the sessions' own readers over TCP get them: a session whose queue is empty has then received
    // every unit the feed has numbered, and a record is a frame.
    const reader = new InlineReader({ queueSize: 1, log: this.log, rtp: { maxPacketSize: this.maxPacketSize, frames: true } });
    for (const t of tracks) {
      for (const format of t.media.formats) reader.onData(t.media, format, (u) => writer.unit(t, u));
    }
    stream.addReader(reader);
    f = { feed, reader, writer, stream, key, users: 1 };
    byKey.set(key, f);
    return f;
  }

  private unuse(f: Feed): void {
    if (--f.users > 0) return;
    f.stream.removeReader(f.reader);
    f.reader.close();
    f.writer.close();
    const byKey = this.feeds.get(f.stream);
    if (byKey?.get(f.key) === f) byKey.delete(f.key);
  }
}
