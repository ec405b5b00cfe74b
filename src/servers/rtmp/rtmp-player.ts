import type { Socket } from 'node:net';
import { FrameBatchedSocket, type Logger } from '../../lib/index.ts';
import type { RtmpStreamMuxer } from '../../protocols/rtmp/index.ts';
import { StreamReader, type Stream } from '../../stream/index.ts';
import type { RtmpFanout, RtmpShardSeat } from './rtmp-fanout.ts';

// Above this much unsent data the player's queue stops draining (and then drops and counts).
const SOCKET_HIGH_WATER_BYTES = 4 * 1024 * 1024;
// While no fan-out shard is ready, a player asks again at most this often.
const SEAT_RETRY_MS = 1000;
// How often a moving player checks that its socket has sent everything.
const DRAIN_POLL_MS = 5;

/** Options of an RtmpPlayer. */
export interface RtmpPlayerOptions {
  socket: Socket; stream: Stream; muxer: RtmpStreamMuxer; queueSize: number; writeTimeoutMs: number; log: Logger;
  onError: (err: Error) => void; onBytes: (n: number) => void;
  /** Fan-out shards the player moves to once it follows the live stream (docs/multicore-fanout.md); none: it stays. */
  fanout?: RtmpFanout;
  /** Called when the player stopped writing and its socket has sent everything: the connection hands it over. */
  moveTo?: (seat: RtmpShardSeat) => void;
}

/**
 * Sends a stream to one RTMP player: headers, then the GOP cache from its key frame (instant start), then live
 * units, as shared bytes from the stream's muxer, batched per event-loop turn into one write (FrameBatchedSocket). The GOP cache is
 * walked at the socket's pace (checkBackpressure pauses it as it pauses live units), never through the queue.
 */
export class RtmpPlayer {
  private readonly reader: StreamReader;
  /** Holds a batch's messages and sends them as one buffer, joined once for the stream's players. */
  private readonly batched: FrameBatchedSocket;
  private started = false;
  private writeTimer: NodeJS.Timeout | undefined;
  /** Set once the player stopped reading to move to a shard. */
  private moving: { seat: RtmpShardSeat; poll: NodeJS.Timeout; deadline: number } | undefined;
  private nextSeatTry = 0;

  constructor(private readonly o: RtmpPlayerOptions) {
    const { socket, muxer } = o;
    const batched = new FrameBatchedSocket(socket);
    this.batched = batched;
    this.write(muxer.headerBytes());
    this.reader = new StreamReader({
      // Entries are frames: an RTSP source's fragments of an access unit are not queued, as they carry nothing for RTMP.
      queueSize: o.queueSize, log: o.log, onError: o.onError, entries: 'frames',
      beforeBatch: () => batched.hold(muxer.join), afterBatch: () => { batched.flush(); this.checkBackpressure(); this.maybeMove(); },
    });
    const v = muxer.video;
    const a = muxer.audio;
    if (v) {
      this.reader.onData(v.media, v.format, (u) => {
        if (!this.started) {
          if (!u.randomAccess || !u.payload) return; // players start at a key frame
          this.started = true;
        }
        const b = muxer.videoBytes(u);
        if (b) this.write(b);
      });
    } else {
      this.started = true;
    }
    if (a) {
      this.reader.onData(a.media, a.format, (u) => {
        if (!this.started) return;
        const b = muxer.audioBytes(u);
        if (b) this.write(b);
      }, { lazy: v !== undefined }); // audio goes out with the next video frame: one write instead of two
    }
    socket.setTimeout(0);
    o.stream.addReader(this.reader, { fromGop: true });
  }

  /** Frames dropped because the player was too slow. */
  get discarded(): number { return this.reader.discarded; }

  /** Detaches from the stream. */
  close(): void {
    this.o.stream.removeReader(this.reader);
    this.reader.close();
    if (this.writeTimer) clearTimeout(this.writeTimer);
    if (this.moving) { clearInterval(this.moving.poll); this.moving.seat.release(); this.moving = undefined; }
  }

  /**
   * Moves to a shard when the player has just written everything it had: it follows the live stream (the join
   * burst is over) and its queue is empty, so every record numbered before the seat's `seq` is written here, and every
   * one from it on will be written by the shard. The socket goes once it has sent what it holds.
   */
  private maybeMove(): void {
    const f = this.o.fanout;
    if (!f || !this.o.moveTo || this.moving || !this.started || this.reader.inBurst || this.reader.queued > 0 || this.writeTimer) return;
    const now = Date.now();
    if (now < this.nextSeatTry) return;
    const seat = f.seat(this.o.stream, this.o.muxer);
    if (!seat) { this.nextSeatTry = now + SEAT_RETRY_MS; return; }
    this.o.stream.removeReader(this.reader);
    this.reader.close();
    const m = { seat, deadline: now + this.o.writeTimeoutMs, poll: setInterval(() => this.checkMoved(), DRAIN_POLL_MS) };
    this.moving = m;
    this.checkMoved();
  }

  private checkMoved(): void {
    const m = this.moving;
    if (!m) return;
    if (this.o.socket.writableLength === 0) {
      clearInterval(m.poll);
      this.moving = undefined;
      this.o.moveTo!(m.seat);
    } else if (Date.now() > m.deadline) {
      this.o.onError(new Error('write timeout'));
    }
  }

  private write(b: Buffer): void {
    this.batched.write(b);
    this.o.onBytes(b.length);
  }

  private checkBackpressure(): void {
    const s = this.o.socket;
    if (s.writableLength <= SOCKET_HIGH_WATER_BYTES || this.writeTimer) return;
    this.reader.pause();
    this.writeTimer = setTimeout(() => this.o.onError(new Error('write timeout')), this.o.writeTimeoutMs);
    s.once('drain', () => {
      if (this.writeTimer) { clearTimeout(this.writeTimer); this.writeTimer = undefined; }
      this.reader.resume();
    });
  }
}
