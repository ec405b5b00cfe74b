import type { Socket } from 'node:net';
import type { Logger } from '../../lib/index.ts';
import type { RtmpStreamMuxer } from '../../protocols/rtmp/index.ts';
import { StreamReader, type Stream } from '../../stream/index.ts';

// Above this much unsent data the player's queue stops draining (and then drops and counts).
const SOCKET_HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** Options of an RtmpPlayer. */
export interface RtmpPlayerOptions {
  socket: Socket; stream: Stream; muxer: RtmpStreamMuxer; queueSize: number; writeTimeoutMs: number; log: Logger;
  onError: (err: Error) => void; onBytes: (n: number) => void;
}

/**
 * Sends a stream to one RTMP player: headers, then the GOP cache from its key frame (instant start), then live
 * units, as shared bytes from the stream's muxer, batched per event-loop turn with cork/uncork. The GOP cache is
 * walked at the socket's pace (checkBackpressure pauses it as it pauses live units), never through the queue.
 */
export class RtmpPlayer {
  private readonly reader: StreamReader;
  private started = false;
  private writeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: RtmpPlayerOptions) {
    const { socket, muxer } = o;
    this.write(muxer.headerBytes());
    this.reader = new StreamReader({
      // Entries are frames: an RTSP source's fragments of an access unit are not queued, as they carry nothing for RTMP.
      queueSize: o.queueSize, log: o.log, onError: o.onError, entries: 'frames',
      beforeBatch: () => socket.cork(), afterBatch: () => { socket.uncork(); this.checkBackpressure(); },
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
      });
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
  }

  private write(b: Buffer): void {
    this.o.socket.write(b);
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
