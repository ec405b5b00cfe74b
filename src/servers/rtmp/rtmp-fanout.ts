import type { Socket } from 'node:net';
import type { Logger } from '../../lib/index.ts';
import type { RemoteSocket, ShardFeed, ShardPool, ShardReaderLimits } from '../../fanout/index.ts';
import type { RtmpStreamMuxer } from '../../protocols/rtmp/index.ts';
import { StreamReader, type Stream, type Unit, type UnitCallback } from '../../stream/index.ts';

/**
 * A reader that runs its callbacks inside the stream's write, with no queue: a feed numbers each wire message at the
 * moment the players' queues receive its unit, so a player whose queue is empty knows exactly which record is next.
 */
class InlineReader extends StreamReader {
  override push(cb: UnitCallback, unit: Unit): void {
    if (unit.payload === undefined) return; // fragments of an access unit carry nothing for RTMP
    void cb(unit);
  }
}

interface Feed { readonly feed: ShardFeed; readonly reader: InlineReader; readonly stream: Stream; users: number }

/** A player's place on a shard, taken when it decides to move: `seq` is the first record the shard writes for it. */
export interface RtmpShardSeat {
  readonly seq: number;
  /** Moves the socket; undefined if the shard went away meanwhile (the seat is then given back). */
  adopt(socket: Socket, limits: ShardReaderLimits): RemoteSocket | undefined;
  /** Gives the seat back without moving. */
  release(): void;
}

/**
 * Moves RTMP players to the fan-out shards (docs/multicore-fanout.md) and feeds each shard every message of a muxer
 * once: the muxer's bytes, shared with the players that stay here.
 */
export class RtmpFanout {
  private readonly feeds = new Map<RtmpStreamMuxer, Feed>();

  constructor(private readonly pool: ShardPool, private readonly log: Logger) {}

  /** A seat for a player of `muxer`, or undefined when no shard is ready (the player stays in this process). */
  seat(stream: Stream, muxer: RtmpStreamMuxer): RtmpShardSeat | undefined {
    if (!this.pool.wantsReaders()) return undefined;
    const f = this.feedOf(stream, muxer);
    const seat = this.pool.seat(f.feed);
    if (!seat) { this.unuse(muxer, f); return undefined; }
    let done = false;
    const release = (): void => {
      if (done) return;
      done = true;
      seat.release();
      this.unuse(muxer, f);
    };
    const seq = f.feed.nextSeq;
    return {
      seq, release,
      adopt: (socket, limits) => {
        const remote = seat.adopt(socket, seq, limits);
        if (!remote) { release(); return undefined; }
        remote.once('close', () => { if (done) return; done = true; this.unuse(muxer, f); });
        return remote;
      },
    };
  }

  /** Stops the shards. */
  close(): void { this.pool.close(); }

  private feedOf(stream: Stream, muxer: RtmpStreamMuxer): Feed {
    let f = this.feeds.get(muxer);
    if (f) { f.users++; return f; }
    const feed = this.pool.feed();
    const reader = new InlineReader({ queueSize: 1, log: this.log, entries: 'frames' });
    const write = (b: Buffer | null, lazy: boolean): void => { if (b) feed.write(b, lazy); };
    // A muxer error here would surface in the publisher's write: players meet the same unit and close on it.
    const safely = (fn: () => Buffer | null, lazy: boolean): void => { try { write(fn(), lazy); } catch { /* the players report it */ } };
    const v = muxer.video;
    const a = muxer.audio;
    if (v) reader.onData(v.media, v.format, (u) => safely(() => muxer.videoBytes(u), false));
    // Audio may wait for the next video frame on the shards, as RtmpPlayer's does here (one write per video frame).
    if (a) reader.onData(a.media, a.format, (u) => safely(() => muxer.audioBytes(u), v !== undefined));
    stream.addReader(reader);
    f = { feed, reader, stream, users: 1 };
    this.feeds.set(muxer, f);
    return f;
  }

  private unuse(muxer: RtmpStreamMuxer, f: Feed): void {
    if (--f.users > 0) return;
    f.stream.removeReader(f.reader);
    f.reader.close();
    if (this.feeds.get(muxer) === f) this.feeds.delete(muxer);
  }
}
