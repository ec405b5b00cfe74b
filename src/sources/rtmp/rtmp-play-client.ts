import type { Socket } from 'node:net';
import { ErrorCounter, watchReadIdle, type Logger } from '../../lib/index.ts';
import type { Description } from '../../formats/index.ts';
import {
  ClientTransaction, RtmpChunkReader, RtmpClientHandshake, RtmpFlowControl, RtmpMessageType, RtmpToStream,
  connectCommand, createStreamCommand, parseCommand, playCommand, serializeRtmpMessage, setBufferLengthMessage,
  windowAckSizeMessage, type AmfValue, type RtmpClientUrl, type RtmpCommand, type RtmpMessage,
} from '../../protocols/rtmp/index.ts';
import type { SubStream } from '../../stream/index.ts';
import { connectSourceSocket } from '../source-socket.ts';

// Chunk size of what we send: commands are small, so the RTMP default (§5.4.1) is never changed.
const OUT_CHUNK_SIZE = 128;
const WINDOW_ACK_SIZE = 2_500_000;
// Buffer a player asks the server to keep (FFmpeg asks for 3 s).
const BUFFER_LENGTH_MS = 3000;
// Media messages held while the tracks are worked out; beyond this, the upstream sent nothing usable.
const MAX_PENDING_MESSAGES = 1024;
// Without onMetaData, tracks are decided this long after the first sequence header (as the server does).
const TRACKS_WAIT_MS = 1000;

/** Options of one RTMP play session. */
export interface RtmpPlayOptions {
  readonly target: RtmpClientUrl;
  readonly fingerprint: string;
  readonly readTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly setReady: (desc: Description) => SubStream;
}

/**
 * One connection that plays a stream from an RTMP server (MediaMTX's rtmpSource): handshake, connect announcing
 * Enhanced RTMP codecs, createStream, play, then FLV messages into the path's stream through RtmpToStream (the
 * publisher mapping of the server). Ends when the server closes, goes silent for readTimeout, or says the stream ended.
 */
export class RtmpPlayClient {
  private readonly handshake = new RtmpClientHandshake();
  private reader: RtmpChunkReader | undefined;
  private readonly toStream = new RtmpToStream();
  private pending: RtmpMessage[] = [];
  private tracksTimer: NodeJS.Timeout | undefined;
  private isReady = false;
  private readonly flow = new RtmpFlowControl();
  private streamId = 0;
  private readonly decodeErrors: ErrorCounter;
  private settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private isEnded = false;

  private constructor(private readonly socket: Socket, private readonly o: RtmpPlayOptions) {
    this.decodeErrors = new ErrorCounter(o.log, 'RTMP messages in error');
  }

  /** Plays until the upstream ends (rejects with why) or the signal aborts (resolves). */
  static async run(o: RtmpPlayOptions): Promise<void> {
    const socket = await connectSourceSocket({
      host: o.target.host, port: o.target.port, isSecure: o.target.isSecure, fingerprint: o.fingerprint, timeoutMs: o.readTimeoutMs, signal: o.signal,
    });
    await new RtmpPlayClient(socket, o).play();
  }

  private play(): Promise<void> {
    const { socket, o } = this;
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      const onAbort = (): void => this.end(undefined);
      o.signal.addEventListener('abort', onAbort, { once: true });
      const stopWatch = watchReadIdle(socket, o.readTimeoutMs, () => this.end(new Error(`no data received in ${o.readTimeoutMs / 1000}s`)));
      this.onEnd = () => { stopWatch(); o.signal.removeEventListener('abort', onAbort); };
      socket.setNoDelay(true);
      socket.on('data', (d: Buffer) => this.onData(d));
      socket.on('error', (err) => this.end(err));
      socket.on('close', () => this.end(new Error('the server closed the connection')));
      if (o.signal.aborted) { onAbort(); return; }
      socket.write(this.handshake.start());
    });
  }

  private onEnd: () => void = () => {};

  /** Ends the session once: `err` undefined means stopped. */
  private end(err: Error | undefined): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.onEnd();
    if (this.tracksTimer) clearTimeout(this.tracksTimer);
    this.decodeErrors.close();
    this.socket.destroy();
    if (err && !this.o.signal.aborted) this.settle?.reject(err); else this.settle?.resolve();
  }

  private send(msg: RtmpMessage): void {
    if (!this.isEnded) this.socket.write(serializeRtmpMessage(msg, OUT_CHUNK_SIZE));
  }

  private onData(d: Buffer): void {
    this.flow.received(d.length);
    try {
      if (!this.reader) {
        const r = this.handshake.push(d);
        if (!r.done) return;
        this.socket.write(r.send!);
        this.reader = new RtmpChunkReader();
        this.send(connectCommand(this.o.target));
        d = r.rest ?? Buffer.alloc(0);
      }
      for (const m of this.reader.push(d)) {
        if (this.isEnded) return;
        this.onMessage(m);
      }
      const ack = this.flow.ackDue();
      if (ack) this.send(ack);
    } catch (err) {
      this.end(err as Error);
    }
  }

  private onMessage(m: RtmpMessage): void {
    if (this.flow.onControl(m, (reply) => this.send(reply))) return;
    switch (m.type) {
      case RtmpMessageType.CommandAmf0: this.onCommand(parseCommand(m.body)); return;
      case RtmpMessageType.Audio: case RtmpMessageType.Video: case RtmpMessageType.DataAmf0: this.onMedia(m); return;
      default: return; // chunk size and aborts are applied by the chunk reader; the rest needs no answer from a player
    }
  }

  private onCommand(c: RtmpCommand): void {
    const info = c.args[0];
    const field = (k: string): string => (typeof info === 'object' && info !== null && !Array.isArray(info) && !(info instanceof Date) ? String((info as Record<string, AmfValue>)[k] ?? '') : '');
    if (c.name === '_error') throw new Error(`the server refused ${c.transactionId === ClientTransaction.Connect ? 'connect' : 'a command'}: ${field('description') || field('code')}`);
    if (c.name === '_result' && c.transactionId === ClientTransaction.Connect) {
      this.send(windowAckSizeMessage(WINDOW_ACK_SIZE));
      this.send(createStreamCommand());
    } else if (c.name === '_result' && c.transactionId === ClientTransaction.CreateStream) {
      this.streamId = typeof info === 'number' ? info : 1;
      this.send(playCommand(this.streamId, this.o.target.streamName));
      this.send(setBufferLengthMessage(this.streamId, BUFFER_LENGTH_MS));
    } else if (c.name === 'onStatus') {
      const code = field('code');
      if (field('level') === 'error') throw new Error(`the server refused to play: ${code}${field('description') ? ` (${field('description')})` : ''}`);
      // nginx-rtmp and FFmpeg's listener say so when their publisher leaves.
      if (code === 'NetStream.Play.Stop' || code === 'NetStream.Play.UnpublishNotify') this.end(new Error(`the stream ended (${code})`));
    }
  }

  private onMedia(m: RtmpMessage): void {
    if (this.isReady) {
      try {
        this.toStream.write(m);
      } catch (err) {
        // A malformed frame costs that frame; the chunk layer (which would break the connection) is intact.
        this.decodeErrors.add(err as Error);
      }
      return;
    }
    if (this.pending.length >= MAX_PENDING_MESSAGES) throw new Error('the stream doesn\'t contain any supported codec');
    this.pending.push(m);
    const desc = this.toStream.collect(m);
    if (desc) this.start(desc);
    else this.tracksTimer ??= setTimeout(() => this.decideTracks(), TRACKS_WAIT_MS);
  }

  private decideTracks(): void {
    this.tracksTimer = undefined;
    if (this.isReady || this.isEnded) return;
    const desc = this.toStream.description(true);
    if (desc) this.start(desc);
    else this.end(new Error('the stream doesn\'t contain any supported codec'));
  }

  private start(desc: Description): void {
    if (this.tracksTimer) { clearTimeout(this.tracksTimer); this.tracksTimer = undefined; }
    for (const u of this.toStream.unsupported) this.o.log.warn(`${u} is not supported and is left out`);
    this.isReady = true;
    this.toStream.attach(this.o.setReady(desc));
    this.o.log.info(`ready: ${desc.medias.length} ${desc.medias.length === 1 ? 'track' : 'tracks'}`);
    const held = this.pending;
    this.pending = [];
    for (const m of held) this.onMedia(m);
  }
}
