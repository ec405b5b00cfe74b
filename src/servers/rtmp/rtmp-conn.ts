import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { normalizeIp, watchReadIdle, type Logger } from '../../lib/index.ts';
import type { AccessRequest, ParticipantInfo, PathAccess, PublisherLease, ReaderLease } from '../../core/index.ts';
import { AuthError } from '../../auth/index.ts';
import {
  EnhancedCaps, RtmpChunkReader, RtmpServerHandshake, RtmpMessageType, RtmpToStream, UserControlEvent, RTMP_MEDIA_STREAM_ID,
  RtmpFlowControl, serverEnhancedCaps, commandMessage, encodeAmf0, onStatusMessage, parseCommand, rtmpTarget, serializeRtmpMessage,
  setChunkSizeMessage, setPeerBandwidthMessage, userControlMessage, windowAckSizeMessage,
  type AmfValue, type RtmpCommand, type RtmpMessage, type RtmpStreamMuxer, type RtmpTarget,
} from '../../protocols/rtmp/index.ts';
import type { Stream } from '../../stream/index.ts';
import { detachSocket, type RemoteSocket } from '../../fanout/index.ts';
import type { RtmpFanout, RtmpShardSeat } from './rtmp-fanout.ts';
import { RtmpPlayer } from './rtmp-player.ts';

// Shared object messages (RTMP spec §7.1.3): valid, but this server has no shared objects.
const SHARED_OBJECT_AMF0 = 19;
const SHARED_OBJECT_AMF3 = 16;

/** Chunk size of everything this server sends (MediaMTX uses the same); players learn it right after connect. */
export const OUT_CHUNK_SIZE = 65536;
const WINDOW_ACK_SIZE = 2_500_000;
// A publisher's first media messages are held while its tracks are worked out; beyond this, it took too long.
const MAX_PENDING_MESSAGES = 1024;
// Without onMetaData, tracks are decided this long after the first sequence header.
const TRACKS_WAIT_MS = 1000;
// After a refusal status, how long the client may take to close its side before the socket is destroyed.
const REFUSAL_LINGER_MS = 2000;
// The server's own messages (answers to pings and commands, acknowledgements) a client may leave unread. A real client
// reads them at once; one that sends pings or commands without reading would otherwise grow the write buffer for as
// long as it sends (each 7-byte ping chunk queues an 18-byte answer, plus Node's bookkeeping of a write).
const MAX_UNSENT_CONTROL_BYTES = 256 * 1024;

/** What a connection needs from its server. */
export interface RtmpConnHost {
  readonly paths: PathAccess;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly readBufferCount: number;
  /** Fan-out shards players move to; undefined: players stay in this process. */
  readonly fanout: RtmpFanout | undefined;
  muxerFor(stream: Stream, caps: EnhancedCaps): RtmpStreamMuxer;
}

// Unsent bytes above which a player on a shard stops taking frames, as RtmpPlayer does here.
const SHARD_HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** One RTMP connection: handshake, connect, then one publish or play (MediaMTX's rtmpConn). */
export class RtmpConn {
  readonly id = randomUUID();
  readonly info: ParticipantInfo;
  readonly created = new Date();
  readonly remoteAddr: string;
  state: 'idle' | 'read' | 'publish' = 'idle';
  pathName = '';
  bytesSent = 0;
  private readonly log: Logger;
  private readonly ip: string;
  private readonly handshake = new RtmpServerHandshake();
  private reader: RtmpChunkReader | undefined;
  private app = '';
  /** Enhanced RTMP codecs the client announced in connect (none for legacy clients). */
  private caps = EnhancedCaps.none;
  private readonly flow = new RtmpFlowControl();
  /** Bytes read from the client so far. */
  get bytesReceived(): number { return this.flow.bytesReceived; }
  private publishing: {
    target: RtmpTarget; req: AccessRequest; toStream: RtmpToStream; pending: RtmpMessage[]; timer?: NodeJS.Timeout; lease?: PublisherLease;
    announcing?: boolean;
    /** The credentials were accepted and Publish.Start sent: media is looked at only from then on. */
    authorized?: boolean;
  } | undefined;
  private player: RtmpPlayer | undefined;
  /** Set once a fan-out shard writes to the client: every write and close goes through it from then on. */
  private remote: RemoteSocket | undefined;
  /** Frames dropped because this player was too slow (here, then on its shard). */
  get outboundDiscarded(): number { return (this.player?.discarded ?? 0) + (this.remote?.discarded ?? 0); }
  private readerLease: ReaderLease | undefined;
  private readonly setupTimer: NodeJS.Timeout;
  /** Stops the publisher's readTimeout watch. */
  private stopReadWatch: (() => void) | undefined;
  /**
   * Set by the first publish or play, before the path manager answers: a second one in the same read (or while the
   * first waits for authentication) would otherwise take a second lease that close() never gives back.
   */
  private busy = false;
  /** Bytes of send() still waiting in the socket (counted back down as each write is flushed). */
  private unsentControl = 0;
  private closed = false;
  /** A refusal status was sent and the socket half-closed: what the client still sends is ignored. */
  private ending = false;
  /** Why the connection ends, for the log line when the socket's own close comes first. */
  private endReason: Error | undefined;

  constructor(private readonly socket: Socket, private readonly host: RtmpConnHost, private readonly opts: { secure: boolean; log: Logger; onClose: (c: RtmpConn) => void }) {
    this.info = { type: opts.secure ? 'rtmpsConn' : 'rtmpConn', id: this.id };
    this.ip = normalizeIp(socket.remoteAddress);
    this.remoteAddr = `${this.ip}:${socket.remotePort ?? 0}`;
    this.log = opts.log.child(`[conn ${this.remoteAddr}]`);
    this.log.info('opened');
    socket.setNoDelay(true);
    // Handshake, connect and publish/play negotiation share one readTimeout deadline (docs/limits.md §RTMP).
    this.setupTimer = setTimeout(() => this.close(new Error('timed out during setup')), host.readTimeoutMs);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (err) => this.close(err));
    socket.on('close', () => this.close());
  }

  /** Publisher/Reader contract: the path closes us. */
  close(err: Error | undefined = this.endReason): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.setupTimer);
    this.stopReadWatch?.();
    if (this.publishing?.timer) clearTimeout(this.publishing.timer);
    this.publishing?.lease?.release();
    this.player?.close();
    this.readerLease?.release();
    if (this.remote) this.remote.destroy();
    else this.socket.destroy();
    this.log.info(`closed${err ? `: ${err.message}` : ''}`);
    this.opts.onClose(this);
  }

  private send(msg: RtmpMessage): void {
    const b = serializeRtmpMessage(msg, OUT_CHUNK_SIZE);
    if (this.remote) { this.remote.write(b); return; } // counted when the shard reports what it wrote
    if (this.unsentControl > MAX_UNSENT_CONTROL_BYTES) throw new Error('the client does not read what it is sent');
    this.bytesSent += b.length;
    this.unsentControl += b.length;
    this.socket.write(b, () => { this.unsentControl -= b.length; });
  }

  /** The player has sent everything it had: the socket goes to its shard, which writes the stream from `seat.seq`. */
  private moveTo(seat: RtmpShardSeat): void {
    if (this.closed) { seat.release(); return; }
    const s = this.socket;
    const held = detachSocket(s); // read but not yet delivered: this process's to parse
    const remote = seat.adopt(s, { queueSize: this.host.readBufferCount, highWaterBytes: SHARD_HIGH_WATER_BYTES, writeTimeoutMs: this.host.writeTimeoutMs });
    if (!remote) { this.close(new Error('moving the player to a fan-out shard failed')); return; }
    this.remote = remote;
    this.log.debug(`moved to fan-out shard at record ${seat.seq}`);
    // The path's bytesSent counts what its readers were sent; the shard's reports stand in for the player's deliveries.
    const streamStats = this.readerLease?.stream.stats;
    remote.onBytes = (n) => { this.bytesSent += n; if (streamStats) streamStats.bytesOut += n; };
    // The line a player of this process logs (StreamReader), from the shard's once-a-second reports: a record is a frame.
    remote.onDrops = (n) => this.log.warn(`reader is too slow, discarding ${n} frames`);
    remote.on('data', (d: Buffer) => this.onData(d));
    remote.on('error', (err: Error) => this.close(err));
    remote.on('close', () => this.close());
    for (const b of held) this.onData(b);
  }

  private onData(d: Buffer): void {
    if (this.ending) return;
    this.flow.received(d.length);
    try {
      if (!this.reader) {
        const r = this.handshake.push(d);
        if (r.send) (this.remote ?? this.socket).write(r.send);
        if (!r.done) return;
        this.reader = new RtmpChunkReader();
        d = r.rest ?? Buffer.alloc(0);
      }
      for (const m of this.reader.push(d)) {
        if (this.closed) return;
        this.onMessage(m);
      }
      const ack = this.flow.ackDue();
      if (ack) this.send(ack);
    } catch (err) {
      this.close(err as Error);
    }
  }

  private onMessage(m: RtmpMessage): void {
    if (this.flow.onControl(m, (reply) => this.send(reply))) return;
    switch (m.type) {
      case RtmpMessageType.CommandAmf0: this.onCommand(parseCommand(m.body)); return;
      case RtmpMessageType.DataAmf0: case RtmpMessageType.Video: case RtmpMessageType.Audio: this.onMedia(m); return;
      case RtmpMessageType.CommandAmf3: case RtmpMessageType.DataAmf3: throw new Error('AMF3 messages are not supported');
      case RtmpMessageType.SetChunkSize: case RtmpMessageType.Abort: case RtmpMessageType.Acknowledgement:
      case RtmpMessageType.SetPeerBandwidth: case SHARED_OBJECT_AMF0: case SHARED_OBJECT_AMF3: case RtmpMessageType.Aggregate:
        return; // applied by the chunk reader, or needing no answer from a server that shares no objects
      default: throw new Error(`unknown RTMP message type ${m.type}`);
    }
  }

  private onCommand(c: RtmpCommand): void {
    switch (c.name) {
      case 'connect': {
        const obj = (c.object ?? {}) as Record<string, unknown>;
        this.app = typeof obj.app === 'string' ? obj.app : '';
        this.caps = EnhancedCaps.fromConnect(obj as { [key: string]: AmfValue });
        this.send(windowAckSizeMessage(WINDOW_ACK_SIZE));
        this.send(setPeerBandwidthMessage(WINDOW_ACK_SIZE));
        this.send(setChunkSizeMessage(OUT_CHUNK_SIZE));
        this.send(commandMessage({ name: '_result', transactionId: c.transactionId, object: { fmsVer: 'LNX 9,0,124,2', capabilities: 31, ...serverEnhancedCaps() },
          args: [{ level: 'status', code: 'NetConnection.Connect.Success', description: 'Connection succeeded.', objectEncoding: 0 }] }));
        return;
      }
      case 'createStream':
        this.send(commandMessage({ name: '_result', transactionId: c.transactionId, object: null, args: [RTMP_MEDIA_STREAM_ID] }));
        return;
      case 'publish': this.startPublish(String(c.args[0] ?? '')); return;
      case 'play': this.claim('play'); void this.startPlay(String(c.args[0] ?? '')); return;
      case 'deleteStream': case 'closeStream': case 'FCUnpublish':
        if (this.state !== 'idle') this.close(new Error(`${c.name} received`));
        return;
      default: return; // releaseStream, FCPublish, getStreamLength, _checkbw: nothing to answer
    }
  }

  /** Marks the connection as publishing or playing; throws (closing it) when it already is. */
  private claim(what: 'publish' | 'play'): void {
    if (this.busy) throw new Error(`${what} on a busy connection`);
    this.busy = true;
  }

  private startPublish(name: string): void {
    this.claim('publish');
    const target = rtmpTarget(this.app, name);
    this.pathName = target.pathName;
    const req = this.accessRequest('publish', target);
    this.publishing = { target, req, toStream: new RtmpToStream(), pending: [] };
    void this.authorizePublish(name, req);
  }

  /**
   * Credentials are checked before Publish.Start, as MediaMTX does (FindPathConf): a refused publisher hears
   * NetStream.Publish.Unauthorized (FFmpeg: "Server error: authentication failed") instead of a closed socket after
   * it began to send. The same request object goes to addPublisher later, which does not check it again.
   */
  private async authorizePublish(name: string, req: AccessRequest): Promise<void> {
    try {
      await this.host.paths.authorize(req);
      const p = this.publishing;
      if (this.closed || !p) return;
      p.authorized = true;
      this.send(onStatusMessage(RTMP_MEDIA_STREAM_ID, 'NetStream.Publish.Start', `${name} is now published.`));
      // Media a client sent without waiting for Publish.Start was held: it is looked at now, in order.
      for (const m of p.pending.splice(0)) this.onMedia(m);
    } catch (err) {
      this.refuse('NetStream.Publish.Unauthorized', err as Error);
    }
  }

  /**
   * Ends the connection; an authentication refusal is told first with an error status (gortmplib's RejectAction
   * codes), then the socket is half-closed, so that the status is not lost to a reset while the client still sends.
   */
  private refuse(code: string, err: Error): void {
    if (this.closed || this.ending) return;
    if (!(err instanceof AuthError)) { this.close(err); return; }
    this.endReason = err;
    try {
      this.send(onStatusMessage(RTMP_MEDIA_STREAM_ID, code, 'authentication failed', 'error'));
    } catch {
      this.close(err);
      return;
    }
    this.ending = true;
    this.socket.end();
    const t = setTimeout(() => this.close(err), REFUSAL_LINGER_MS);
    t.unref();
    this.socket.once('close', () => clearTimeout(t));
  }

  private onMedia(m: RtmpMessage): void {
    const p = this.publishing;
    if (!p) return;
    if (p.lease) { p.toStream.write(m); return; }
    if (p.pending.length >= MAX_PENDING_MESSAGES) throw new Error('no usable tracks announced by the publisher');
    p.pending.push(m);
    if (p.announcing || !p.authorized) return; // held until authentication answers
    const desc = p.toStream.collect(m);
    if (desc) { void this.announce(); return; }
    p.timer ??= setTimeout(() => void this.announce(true), TRACKS_WAIT_MS);
  }

  private async announce(force = false): Promise<void> {
    const p = this.publishing;
    if (!p || p.lease || p.announcing || this.closed) return;
    if (p.timer) { clearTimeout(p.timer); p.timer = undefined; }
    const desc = p.toStream.description(force);
    if (!desc) { if (force) this.close(new Error('the stream doesn\'t contain any supported codec (H264, H265, MPEG-4 Audio)')); return; }
    p.announcing = true;
    for (const u of p.toStream.unsupported) this.log.warn(`${u} is not supported yet and is left out`);
    try {
      const lease = await this.host.paths.addPublisher(p.req, this, desc);
      if (this.closed) { lease.release(); return; }
      p.lease = lease;
      clearTimeout(this.setupTimer);
      this.stopReadWatch = watchReadIdle(this.socket, this.host.readTimeoutMs, () => this.close(new Error('read timeout')));
      this.state = 'publish';
      this.log.info(`is publishing to path '${lease.pathName}'`);
      p.toStream.attach(lease.subStream);
      for (const m of p.pending.splice(0)) p.toStream.write(m);
      lease.start();
    } catch (err) {
      this.close(err as Error);
    }
  }

  private async startPlay(name: string): Promise<void> {
    const target = rtmpTarget(this.app, name);
    this.pathName = target.pathName;
    try {
      const lease = await this.host.paths.addReader(this.accessRequest('read', target), this);
      if (this.closed) { lease.release(); return; }
      this.readerLease = lease;
      const muxer = this.host.muxerFor(lease.stream, this.caps);
      for (const s of muxer.skipped) this.log.info(`track ${s}`);
      if (!muxer.video && !muxer.audio) {
        throw new Error('the stream doesn\'t contain any codec this player can receive over RTMP: H264, MPEG-4 Audio (AAC), MPEG-1/2 Audio (MP3) and G711, and H265, AV1, VP9 and Opus for players that announce Enhanced RTMP');
      }
      clearTimeout(this.setupTimer);
      this.state = 'read';
      this.send(userControlMessage(UserControlEvent.StreamBegin, RTMP_MEDIA_STREAM_ID));
      this.send(onStatusMessage(RTMP_MEDIA_STREAM_ID, 'NetStream.Play.Reset', `Playing and resetting ${name}.`));
      this.send(onStatusMessage(RTMP_MEDIA_STREAM_ID, 'NetStream.Play.Start', `Started playing ${name}.`));
      this.send({ chunkStreamId: 5, type: RtmpMessageType.DataAmf0, timestamp: 0, messageStreamId: RTMP_MEDIA_STREAM_ID, body: encodeAmf0('|RtmpSampleAccess', true, true) });
      this.player = new RtmpPlayer({ socket: this.socket, stream: lease.stream, muxer, queueSize: this.host.readBufferCount, writeTimeoutMs: this.host.writeTimeoutMs, log: this.log, onError: (e) => this.close(e), onBytes: (n) => { this.bytesSent += n; },
        ...(this.host.fanout ? { fanout: this.host.fanout, moveTo: (seat: RtmpShardSeat) => this.moveTo(seat) } : {}) });
    } catch (err) {
      this.refuse('NetStream.Play.Failed', err as Error);
    }
  }

  private accessRequest(action: AccessRequest['action'], t: RtmpTarget): AccessRequest {
    return {
      pathName: t.pathName, query: t.query, protocol: this.opts.secure ? 'rtmps' : 'rtmp', action, ip: this.ip, connId: this.id,
      ...(t.user !== '' ? { credentials: { kind: 'plain' as const, user: t.user, pass: t.pass } } : {}),
    };
  }
}
