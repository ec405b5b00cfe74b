import { randomUUID } from 'node:crypto';
import { ErrorCounter, SharedJoin, type Logger } from '../../lib/index.ts';
import { parseRtpPacket, type Description, type Format, type Media } from '../../formats/index.ts';
import { StreamReader, type Stream, type Unit } from '../../stream/index.ts';
import type { ParticipantInfo, PublisherLease, ReaderLease } from '../../core/index.ts';
import { RtcpReceiverReports } from '../../protocols/rtsp/index.ts';
import type { RtspUdpListener } from './rtsp-udp-listener.ts';
import type { RtspMulticastStream } from './rtsp-multicast-stream.ts';
import type { InterleavedWriter, MediaTransport, SessionState, SetupMedia, TransportKind } from './rtsp-session-types.ts';
import { RtcpPlayReporter } from './rtcp-play-reporter.ts';
import type { RtspFanout, RtspFeedTrack, RtspShardSeat } from './rtsp-fanout.ts';
import type { RemoteSocket } from '../../fanout/index.ts';

// RFC 2326 §12.37: the timeout advertised in the Session header; UDP readers must show activity within it.
export const SESSION_TIMEOUT_MS = 60_000;
// Above this much unsent data the reader stops draining its queue (which then drops and counts).
const SOCKET_HIGH_WATER_BYTES = 4 * 1024 * 1024;
// Held bytes past this go out without waiting for the frame's end (a join burst, a huge key frame).
const FLUSH_AT_BYTES = 256 * 1024;
// While no fan-out shard is ready, a reader asks again at most this often.
const SEAT_RETRY_MS = 1000;
// How often a moving reader checks that its socket has sent everything.
const DRAIN_POLL_MS = 5;

// Per stream, where the batches of its TCP readers are joined once for all of them (SharedJoin).
const tcpJoins = new WeakMap<Stream, SharedJoin>();

function tcpJoinOf(stream: Stream): SharedJoin {
  let j = tcpJoins.get(stream);
  if (!j) { j = new SharedJoin(); tcpJoins.set(stream, j); }
  return j;
}

/** What a session needs from its server. */
export interface RtspSessionHost {
  readonly udpRtp: RtspUdpListener | undefined;
  readonly udpRtcp: RtspUdpListener | undefined;
  readonly readBufferCount: number;
  readonly udpMaxPayloadSize: number;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  /** Gets (creating on first use) the multicast writer of a stream. */
  acquireMulticast(stream: Stream): RtspMulticastStream;
  /** Fan-out shards TCP readers move to (docs/multicore-fanout.md); undefined: every reader stays in this process. */
  readonly fanout?: RtspFanout | undefined;
}

/** Options of a RtspSession. */
export interface RtspSessionOptions {
  secure: boolean;
  remoteIp: string;
  /** `ip:port` of the connection that created the session. */
  remoteAddr: string;
  host: RtspSessionHost;
  log: Logger;
  /** The TCP connection that created the session; closing the session closes it when `closeConn` says so. */
  onClose: (session: RtspSession, err: Error | undefined) => void;
}

/** One RTSP session: a reader (DESCRIBE/SETUP/PLAY) or a publisher (ANNOUNCE/SETUP/RECORD). */
export class RtspSession {
  readonly id = randomUUID();
  readonly info: ParticipantInfo;
  readonly created = new Date();
  state: SessionState = 'initial';
  /** Path the session is bound to after its first ANNOUNCE/SETUP; it can't switch (docs/limits.md §RTSP). */
  pathName: string | undefined;
  query = '';
  transportKind: TransportKind | undefined;
  readonly medias = new Map<number, SetupMedia>();
  bytesReceived = 0;
  bytesSent = 0;
  private publisherLease: PublisherLease | undefined;
  private announced: { description: Description; controls: string[] } | undefined;
  private readerLease: ReaderLease | undefined;
  private reader: StreamReader | undefined;
  /** Drops counted by readers this session had before the current one (PAUSE then PLAY makes a new one). */
  private discardedBefore = 0;
  private multicast: RtspMulticastStream | undefined;
  private tcp: InterleavedWriter | undefined;
  private readonly undo: (() => void)[] = [];
  /**
   * Medias whose client UDP ports are routed here (from the first PLAY or RECORD until close). Each once: routes made
   * again on every PLAY/RECORD after a PAUSE piled up in `undo` for the session's life.
   */
  private readonly udpRouted = new Set<number>();
  private readonly tcpChannels = new Map<number, { index: number; isRtcp: boolean }>();
  private lastActivity = Date.now();
  private lastPacket = Date.now();
  private checkTimer: NodeJS.Timeout | undefined;
  private writeTimer: NodeJS.Timeout | undefined;
  /** A packet ending a frame was written in the current TCP batch. */
  private isFrameEnd = false;
  /** The set-up medias include video: frames end at video markers only (audio rides along). */
  private hasVideo = false;
  private reporter: RtcpPlayReporter | undefined;
  /** Set while the reader waits for its socket to drain before moving to a fan-out shard. */
  private moving: { seat: RtspShardSeat; poll: NodeJS.Timeout; deadline: number } | undefined;
  /** Set once a fan-out shard writes the stream to the client (the connection's socket is there). */
  private moved: { seat: RtspShardSeat; remote: RemoteSocket } | undefined;
  private nextSeatTry = 0;
  private recordReporter: RtcpReceiverReports | undefined;
  private closed = false;
  readonly decodeErrors: ErrorCounter;
  readonly log: Logger;

  constructor(private readonly opts: RtspSessionOptions) {
    this.info = { type: opts.secure ? 'rtspsSession' : 'rtspSession', id: this.id };
    this.log = opts.log.child(`[session ${this.id.slice(0, 8)}]`);
    this.decodeErrors = new ErrorCounter(this.log, 'RTP packets in error');
    this.log.info('created by ' + opts.remoteIp);
  }

  get remoteIp(): string { return this.opts.remoteIp; }
  /** `ip:port` of the connection that created the session. */
  get remoteAddr(): string { return this.opts.remoteAddr; }
  /** RTP packets dropped because this reader was too slow, over all its PLAYs. */
  get outboundDiscarded(): number { return this.discardedBefore + (this.reader?.discarded ?? 0) + (this.moved?.remote.discarded ?? 0); }
  get isClosed(): boolean { return this.closed; }
  /** The stream being read or published, once known. */
  get stream(): Stream | undefined { return this.readerLease?.stream ?? this.publisherLease?.stream; }
  /** The announced description of a publishing session. */
  get announcedDescription(): { description: Description; controls: string[] } | undefined { return this.announced; }

  /** Refreshes the UDP session timeout (any request or RTCP from the client). */
  touch(): void { this.lastActivity = Date.now(); }

  /** ANNOUNCE succeeded: the session publishes `description` through `lease`. */
  setAnnounced(lease: PublisherLease, description: Description, controls: string[]): void {
    this.publisherLease = lease;
    this.announced = { description, controls };
    this.pathName = lease.pathName;
    this.state = 'preRecord';
  }

  /** First read SETUP succeeded. */
  setReaderLease(lease: ReaderLease): void {
    this.readerLease = lease;
    this.pathName = lease.pathName;
    this.state = 'prePlay';
  }

  /** Adds a media after SETUP; for UDP and TCP publishers, incoming packets start being routed here at RECORD. */
  addMedia(index: number, media: Media, transport: MediaTransport, tcp: InterleavedWriter | undefined): void {
    // First what can fail (no multicast group left): a refused SETUP must leave the session as it was.
    if (transport.kind === 'multicast' && !this.multicast && this.readerLease) {
      this.multicast = this.opts.host.acquireMulticast(this.readerLease.stream);
    }
    this.transportKind = transport.kind;
    this.medias.set(index, { index, media, transport });
    if (transport.kind === 'tcp') {
      this.tcp = tcp;
      this.tcpChannels.set(transport.rtpChannel, { index, isRtcp: false });
      this.tcpChannels.set(transport.rtcpChannel, { index, isRtcp: true });
    }
  }

  /** Interleaved channels already used by this session. */
  usesChannel(ch: number): boolean { return this.tcpChannels.has(ch); }

  /** Multicast group of media `index`, once SETUP chose multicast. */
  multicastGroup(index: number): string | undefined { return this.multicast?.groups[index]; }

  /** PLAY: starts sending the stream's packets of the set-up medias. */
  play(): void {
    const lease = this.readerLease;
    if (!lease) return;
    this.state = 'play';
    if (this.moved) {
      // PLAY after PAUSE on a shard: it writes the feed again from its next record, after this PLAY's response (which
      // went down the pipe before). The feed's reports go on with the same mapping, so the client's clock holds.
      this.moved.remote.resumeFeed(this.moved.seat.nextSeq());
      this.startChecks();
      return;
    }
    if (this.transportKind === 'multicast') {
      this.multicast ??= this.opts.host.acquireMulticast(lease.stream);
      this.startChecks();
      return;
    }
    this.startReader(lease);
    if (this.transportKind === 'udp') this.registerUdpRtcp();
    this.startChecks();
  }

  private startReader(lease: ReaderLease): void {
    const tcp = this.tcp;
    const fanout = this.opts.host.fanout;
    const join = tcp ? tcpJoinOf(lease.stream) : undefined;
    const reader = new StreamReader({
      queueSize: this.opts.host.readBufferCount,
      log: this.log,
      beforeBatch: tcp ? () => tcp.holdWrites(join) : undefined,
      afterBatch: tcp ? () => { this.endTcpBatch(tcp); this.checkBackpressure(); this.maybeMove(); } : undefined,
      onError: (err) => this.close(err),
      // Packets that fit UDP, for TCP readers too (as MediaMTX): the stream makes them once for all RTSP readers.
      // A video frame's packets come in one unit (one queue entry and callback per frame): over TCP the connection
      // holds its writes until a frame ends anyway; over UDP they leave in one batch of datagrams.
      rtp: { maxPacketSize: this.opts.host.udpMaxPayloadSize, frames: true },
    });
    // Indexed by the media's index in the stream: the reporter's senders are addressed by it.
    const medias: Media[] = [];
    for (const sm of this.medias.values()) medias[sm.index] = sm.media;
    // With shards, every reporter of a media shares one mapping, the feeds' included (see RtspFeedWriter).
    this.reporter = new RtcpPlayReporter(medias, (i, pkt) => this.sendRtcp(i, pkt), fanout ? (m) => fanout.mappingOf(m) : undefined);
    this.hasVideo = [...this.medias.values()].some((m) => m.media.kind === 'video');
    for (const sm of this.medias.values()) {
      // Over TCP, audio goes out with the next video frame: one write instead of two (StreamReader's `lazy`).
      const lazy = tcp !== undefined && this.hasVideo && sm.media.kind !== 'video';
      for (const format of sm.media.formats) reader.onData(sm.media, format, (u) => this.writeUnit(sm, format, u), { lazy });
    }
    this.reader = reader;
    lease.stream.addReader(reader);
  }

  /** RECORD: starts accepting the publisher's packets. */
  record(): void {
    this.state = 'record';
    // The path becomes readable (and runOnReady runs) only now, not at ANNOUNCE (MediaMTX's publisherStart).
    this.publisherLease?.start();
    this.lastPacket = Date.now();
    const announced = this.announced?.description.medias ?? [];
    this.recordReporter ??= new RtcpReceiverReports(announced, (i, pkt) => this.sendRtcp(i, pkt));
    if (this.transportKind === 'udp') {
      const { udpRtp, udpRtcp } = this.opts.host;
      for (const sm of this.medias.values()) {
        if (sm.transport.kind !== 'udp' || this.udpRouted.has(sm.index)) continue;
        this.udpRouted.add(sm.index);
        const t = sm.transport;
        if (udpRtp) this.undo.push(udpRtp.register(t.clientIp, t.clientRtpPort, (msg) => this.onRtp(sm.index, msg)));
        if (udpRtcp) this.undo.push(udpRtcp.register(t.clientIp, t.clientRtcpPort, (msg) => this.onRtcp(sm.index, msg)));
      }
    }
    this.startChecks();
  }

  /** PAUSE: back to the ready state; packets stop flowing. */
  pause(): void {
    if (this.moved && this.state === 'play') {
      // On a shard: it stops writing the feed after the records already on the pipe, before this PAUSE's response.
      // The seat stays taken (the feed keeps reaching the shard, and the reader skips it) until PLAY or the end.
      this.moved.remote.holdFeed();
      this.state = 'prePlay';
    } else if (this.state === 'play') {
      this.stopReading();
      this.state = 'prePlay';
    } else if (this.state === 'record') {
      this.state = 'preRecord';
    }
    this.stopChecks();
  }

  /** An interleaved frame arrived on the session's TCP connection. */
  onInterleaved(channel: number, payload: Buffer): void {
    const ch = this.tcpChannels.get(channel);
    if (!ch) return; // Frames on unknown channels are ignored once the session plays or records (docs/limits.md §RTSP)
    if (ch.isRtcp) this.onRtcp(ch.index, payload);
    else if (this.state === 'record') this.onRtp(ch.index, payload);
  }

  /** Path/server kicks the session (Publisher/Reader contract). */
  close(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (err) this.log.info(`destroyed: ${err.message}`);
    else this.log.info('destroyed');
    this.stopReading(err !== undefined);
    this.recordReporter?.close();
    this.recordReporter = undefined;
    this.stopChecks();
    for (const u of this.undo.splice(0)) u();
    this.publisherLease?.release();
    this.publisherLease = undefined;
    this.readerLease?.release();
    this.readerLease = undefined;
    this.decodeErrors.close();
    this.opts.onClose(this, err);
  }

  private onRtp(index: number, msg: Buffer): void {
    const sm = this.medias.get(index);
    const lease = this.publisherLease;
    if (!sm || !lease || this.state !== 'record') return;
    this.lastPacket = Date.now();
    this.bytesReceived += msg.length;
    let pkt;
    try {
      pkt = parseRtpPacket(msg);
    } catch (err) {
      lease.stream.stats.framesInError++;
      this.decodeErrors.add(err as Error);
      return;
    }
    const format = sm.media.formats.find((f) => f.payloadType === pkt.payloadType);
    if (!format) {
      lease.stream.stats.framesInError++;
      this.decodeErrors.add(`received RTP packet with unknown payload type ${pkt.payloadType}`);
      return;
    }
    this.recordReporter?.onRtp(index, pkt, this.lastPacket);
    // The stream decodes the packet (once) and counts a decode error; the packet still reaches RTSP readers.
    const error = lease.subStream.writeRtpPacket(sm.media, format, pkt, new Date(this.lastPacket));
    if (error) this.decodeErrors.add(error);
  }

  private onRtcp(index: number, msg: Buffer): void {
    this.bytesReceived += msg.length;
    this.touch();
    if (this.state === 'record') {
      this.lastPacket = Date.now();
      this.recordReporter?.onRtcp(index, msg, this.lastPacket);
    }
  }

  /**
   * A reader's batch went to the TCP connection: sent at once when it ends a frame (the marker of a video packet,
   * or of any packet without video), else held a few milliseconds for the rest, so a frame is one write.
   */
  private endTcpBatch(tcp: InterleavedWriter): void {
    tcp.endBatch(this.isFrameEnd || tcp.writableLength >= FLUSH_AT_BYTES);
    this.isFrameEnd = false;
  }

  private writeUnit(sm: SetupMedia, _format: Format, unit: Unit): void {
    const packets = unit.rtpPackets;
    if (!packets || packets.length === 0) return;
    const t = sm.transport;
    if (t.kind === 'tcp') {
      // Before the packets: the first one of each media goes after a Sender Report (see RtcpPlayReporter).
      this.reporter?.onPacketsSent(sm.index, packets, unit.ntp);
      // A video frame's packets come as one unit (ReaderRtp.frames) and go out as one chunk.
      this.tcp?.writeInterleavedPackets(t.rtpChannel, packets);
      if (packets[packets.length - 1]!.marker && (sm.media.kind === 'video' || !this.hasVideo)) this.isFrameEnd = true;
      for (let k = 0; k < packets.length; k++) this.bytesSent += packets[k]!.raw.length;
      return;
    }
    for (const p of packets) {
      if (t.kind === 'udp' && p.raw.length > this.opts.host.udpMaxPayloadSize) {
        this.decodeErrors.add(`RTP packet is too big (${p.raw.length} bytes) to be sent with UDP (udpMaxPayloadSize ${this.opts.host.udpMaxPayloadSize})`);
        continue;
      }
      // Before the packet: the first one of each media goes after a Sender Report (see RtcpPlayReporter).
      this.reporter?.onPacketSent(sm.index, p, unit.ntp);
      if (t.kind === 'udp') this.opts.host.udpRtp?.send(p.raw, t.clientRtpPort, t.clientIp);
      this.bytesSent += p.raw.length;
    }
  }

  private sendRtcp(index: number, pkt: Buffer): void {
    const sm = this.medias.get(index);
    if (!sm) return;
    const t = sm.transport;
    if (t.kind === 'tcp') this.tcp?.writeInterleaved(t.rtcpChannel, pkt);
    else if (t.kind === 'udp') this.opts.host.udpRtcp?.send(pkt, t.clientRtcpPort, t.clientIp);
    this.bytesSent += pkt.length;
  }

  private registerUdpRtcp(): void {
    const { udpRtcp } = this.opts.host;
    if (!udpRtcp) return;
    for (const sm of this.medias.values()) {
      if (sm.transport.kind !== 'udp' || this.udpRouted.has(sm.index)) continue;
      this.udpRouted.add(sm.index);
      const t = sm.transport;
      this.undo.push(udpRtcp.register(t.clientIp, t.clientRtcpPort, (msg) => this.onRtcp(sm.index, msg)));
    }
  }

  /** The session's TCP medias and channels: what its feed on a shard carries. */
  private feedTracks(): RtspFeedTrack[] {
    const out: RtspFeedTrack[] = [];
    for (const sm of this.medias.values()) {
      const t = sm.transport;
      if (t.kind === 'tcp') out.push({ index: sm.index, media: sm.media, rtpChannel: t.rtpChannel, rtcpChannel: t.rtcpChannel });
    }
    return out;
  }

  /**
   * Moves to a fan-out shard when the reader has just written everything it had (its queue is empty, it is not held
   * back by its socket), so every record numbered before the seat's `seq` went out here, and every one from it on
   * will be written by the shard (docs/multicore-fanout.md). Only a plain TCP connection carrying this session alone,
   * with no request being answered, moves. The socket goes once it has sent what it holds.
   */
  private maybeMove(): void {
    const fanout = this.opts.host.fanout;
    const tcp = this.tcp;
    const reader = this.reader;
    const lease = this.readerLease;
    if (!fanout || !tcp?.moveToShard || !reader || !lease || this.moving || this.moved || this.closed) return;
    if (this.state !== 'play' || this.transportKind !== 'tcp' || reader.inBurst || reader.queued > 0 || this.writeTimer) return;
    if (!(tcp.canMoveToShard?.() ?? false)) return;
    const now = Date.now();
    if (now < this.nextSeatTry) return;
    const seat = fanout.seat(lease.stream, this.feedTracks());
    if (!seat) { this.nextSeatTry = now + SEAT_RETRY_MS; return; }
    lease.stream.removeReader(reader);
    reader.close();
    this.discardedBefore += reader.discarded;
    this.reader = undefined;
    // The feed's reports take over (same mapping); a BYE now would end the client's read.
    this.reporter?.close(false);
    this.reporter = undefined;
    tcp.flushWrites();
    this.moving = { seat, deadline: now + this.opts.host.writeTimeoutMs, poll: setInterval(() => this.checkMoved(), DRAIN_POLL_MS) };
    this.checkMoved();
  }

  private checkMoved(): void {
    const m = this.moving;
    const tcp = this.tcp;
    if (!m || !tcp?.moveToShard) return;
    if (tcp.writableLength > 0) {
      if (Date.now() > m.deadline) this.close(new Error('write timeout'));
      return;
    }
    clearInterval(m.poll);
    this.moving = undefined;
    const lease = this.readerLease;
    if (!lease) { m.seat.release(); return; }
    if (!(tcp.canMoveToShard?.() ?? false)) {
      // A second session was set up meanwhile: its frames could not follow. Play on here; the packets of the wait
      // (a few ms) are lost, as a full queue would have dropped them.
      m.seat.release();
      this.startReader(lease);
      return;
    }
    const stats = lease.stream.stats;
    // The path's bytesOut counts what its readers were sent: the shard's reports stand in for this reader's.
    const remote = tcp.moveToShard(m.seat, (n) => { this.bytesSent += n; stats.bytesOut += n; });
    if (!remote) return; // the connection closed itself, and this session with it
    // The line a reader of this process logs (StreamReader), from the shard's once-a-second reports; a record is
    // one unit's packets, a frame.
    remote.onDrops = (n) => this.log.warn(`reader is too slow, discarding ${n} frames`);
    this.moved = { seat: m.seat, remote };
    this.log.debug(`moved to fan-out shard at record ${m.seat.seq}`);
  }

  private checkBackpressure(): void {
    const tcp = this.tcp;
    const reader = this.reader;
    if (!tcp || !reader || tcp.writableLength <= SOCKET_HIGH_WATER_BYTES || this.writeTimer) return;
    tcp.flushWrites(); // 'drain' comes only for bytes handed to the socket
    reader.pause();
    this.writeTimer = setTimeout(() => this.close(new Error('write timeout')), this.opts.host.writeTimeoutMs);
    tcp.onceDrain(() => {
      if (this.writeTimer) { clearTimeout(this.writeTimer); this.writeTimer = undefined; }
      reader.resume();
    });
  }

  private stopReading(sendBye = false): void {
    if (this.moving) { clearInterval(this.moving.poll); this.moving.seat.release(); this.moving = undefined; }
    if (this.moved && sendBye) {
      // The stream ended (or the session was kicked): the shard has no BYE of its own, so the feed's BYEs go through
      // the connection, after the media records before them; FFmpeg then ends its read cleanly.
      for (const b of this.moved.seat.byes()) this.tcp?.writeInterleaved(b.channel, b.packet);
    }
    if (this.reader) {
      this.readerLease?.stream.removeReader(this.reader);
      this.reader.close();
      this.discardedBefore += this.reader.discarded;
      this.reader = undefined;
    }
    this.reporter?.close(sendBye);
    this.reporter = undefined;
    if (this.multicast) { this.multicast.removeSession(); this.multicast = undefined; }
    if (this.writeTimer) { clearTimeout(this.writeTimer); this.writeTimer = undefined; }
  }

  private startChecks(): void {
    this.stopChecks();
    const period = Math.max(100, Math.min(1000, this.opts.host.readTimeoutMs / 4));
    this.checkTimer = setInterval(() => this.check(), period);
    this.checkTimer.unref();
  }

  private stopChecks(): void {
    if (this.checkTimer) { clearInterval(this.checkTimer); this.checkTimer = undefined; }
  }

  private check(): void {
    const now = Date.now();
    if (this.state === 'record' && now - this.lastPacket > this.opts.host.readTimeoutMs) {
      this.close(new Error(`no RTP packets received in ${this.opts.host.readTimeoutMs / 1000}s`));
    } else if (this.state === 'play' && this.transportKind !== 'tcp' && now - this.lastActivity > SESSION_TIMEOUT_MS) {
      this.close(new Error('session timed out'));
    }
  }
}
