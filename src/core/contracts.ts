import type { Logger } from '../lib/index.ts';
import type { AccessRequest } from '../auth/index.ts';
import type { PathConf } from '../conf/index.ts';
import type { Description } from '../formats/index.ts';
import type { Stream, SubStream, TrackCodecProps } from '../stream/index.ts';

export type { AccessRequest, Credentials, Protocol, Action } from '../auth/index.ts';
export type { TrackCodecProps, VideoTrackProps } from '../stream/index.ts';

/** Participant kinds in MediaMTX's API naming (`source.type`, `readers[].type`). */
export type ParticipantType =
  | 'rtspSession' | 'rtspsSession' | 'rtmpConn' | 'rtmpsConn' | 'hlsMuxer' | 'webRTCConn'
  | 'rtspSource' | 'rtmpSource' | 'hlsSource' | 'udpSource' | 'rpiCameraSource' | 'redirect';

/** Identity of a publisher, reader or source, as the API lists it. */
export interface ParticipantInfo { readonly type: ParticipantType; readonly id: string }

/** A publisher the path may kick (another publisher took over, path removed, server closing). */
export interface Publisher { readonly info: ParticipantInfo; close(reason: Error): void }
/** A reader the path may close (publisher left, path removed, server closing). */
export interface Reader { readonly info: ParticipantInfo; close(reason: Error): void }

/** Held by a publisher while it publishes; `release()` undoes everything addPublisher did. */
export interface PublisherLease {
  readonly pathName: string;
  readonly user: string;
  readonly subStream: SubStream;
  /** The stream itself (for counters). */
  readonly stream: Stream;
  /**
   * Makes the stream ready: readers can attach and runOnReady runs. RTSP publishers call it at RECORD (an
   * ANNOUNCE alone only reserves the path, as in MediaMTX); publishers that send at once call it right away.
   */
  start(): void;
  release(): void;
}

/** Held by a reader while it reads. */
export interface ReaderLease {
  readonly pathName: string;
  readonly user: string;
  readonly stream: Stream;
  release(): void;
}

/** Answer to DESCRIBE: the stream, or where to go instead (`source: redirect`, `fallback`). */
export type DescribeResult = { readonly stream: Stream } | { readonly redirect: string };

/** Everything protocol servers may ask of the core. */
export interface PathAccess {
  /**
   * Checks a request's credentials against its path's configuration without joining the path (MediaMTX's
   * FindPathConf): throws AuthError, PathNotConfiguredError… as the joining calls would. The same request object,
   * passed next to addPublisher or addReader, is not checked again (MediaMTX's SkipAuth) unless the configuration
   * changed meanwhile.
   */
  authorize(req: AccessRequest): Promise<void>;
  addPublisher(req: AccessRequest, who: Publisher, desc: Description): Promise<PublisherLease>;
  addReader(req: AccessRequest, who: Reader): Promise<ReaderLease>;
  describe(req: AccessRequest): Promise<DescribeResult>;
  /** describe() when it has nothing to wait for (authentication allowed at once, stream ready); else undefined. */
  describeNow?(req: AccessRequest): DescribeResult | undefined;
}

/** Everything a static source may do with its path while it runs. */
export interface StaticSourceContext {
  /** The `source` value of the path (`rtsp://…`, `rpiCamera`, …). */
  readonly url: string;
  readonly conf: PathConf;
  /** Aborted when the source must stop (path closed, configuration changed, on-demand close). */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** The source knows its tracks: a new stream is made ready for readers; units go into the returned SubStream. */
  setReady(desc: Description): SubStream;
  /** The source lost its stream: readers are closed and the path waits for the next setReady. */
  setNotReady(): void;
}

/** A source the server pulls (MediaMTX's static sources): one run lasts until the upstream ends or the signal aborts. */
export interface StaticSource {
  readonly info: ParticipantInfo;
  /** Log prefix, as MediaMTX names sources: `RTSP source`, `RTMP source`, `HLS source`, `UDP source`. */
  readonly label: string;
  /** Pulls the stream; resolves when the upstream ended, rejects with the reason it failed. The path retries. */
  run(ctx: StaticSourceContext): Promise<void>;
}

/** Makes the static source of a `source` value; the app registers one per scheme, so core knows no protocol. */
export interface StaticSourceFactory {
  /** What the `source` value starts with (`rtsp://`, `rtsps://`) or equals (`rpiCamera`). */
  readonly prefixes: readonly string[];
  create(url: string, conf: PathConf): StaticSource;
}

/** A read-only view of a path for the API and metrics (MediaMTX's v1 `paths/list` item). */
export interface PathSnapshot {
  readonly name: string;
  readonly confName: string;
  /** Who feeds the path: a publisher or a static source, ready or not. */
  readonly source: ParticipantInfo | undefined;
  readonly sourceReady: boolean;
  /** When the current stream became ready (absent while not ready). */
  readonly readyTime?: Date;
  /** Display names of the tracks (`H264`, `MPEG-4 Audio`), when ready. */
  readonly tracks: readonly string[];
  /** The same tracks with their codec properties (the API's `tracks2`). */
  readonly trackDetails: readonly PathTrack[];
  /** Bytes received from the source by the current stream. */
  readonly bytesReceived: number;
  /** Bytes the current stream delivered to its readers. */
  readonly bytesSent: number;
  /** Packets or units of the current stream that could not be decoded or packetized. */
  readonly framesInError: number;
  readonly readers: readonly ParticipantInfo[];
}

/** One track of a ready path: the codec's display name and its properties (MediaMTX's `tracks2` item). */
export interface PathTrack { readonly codec: string; readonly codecProps: TrackCodecProps | null }

/** What observers (HLS always-remux, hooks, metrics) learn about paths. */
export interface PathEvents {
  [event: string]: (...args: never[]) => void;
  /** The path's stream is ready (a publisher started or a static source has its tracks). */
  pathReady: (pathName: string, stream: Stream) => void;
  /** The path's stream went away. */
  pathNotReady: (pathName: string) => void;
  readerAdded: (pathName: string, reader: ParticipantInfo) => void;
  readerRemoved: (pathName: string, reader: ParticipantInfo) => void;
}

/** RTP/RTCP counts of a session (WebRTC today), totals over its tracks, for the API and metrics. */
export interface RtpSessionStats {
  /** RTP packets sent, retransmissions left out. */
  readonly rtpPacketsSent: number;
  /** RTP packets received. */
  readonly rtpPacketsReceived: number;
  /** Received packets missing from their sequence (RFC 3550 A.3), summed over the sources. */
  readonly rtpPacketsLost: number;
  /** Interarrival jitter of the received packets (RFC 3550 A.8), RTP timestamp units, mean over the sources. */
  readonly rtpPacketsJitter: number;
  /** Sent packets the remote reports lost (cumulative number lost of its latest report blocks), summed over the tracks. */
  readonly rtpPacketsReportedLost: number;
  /** Jitter the remote reports for the sent tracks, RTP timestamp units, mean over the tracks that reported. */
  readonly rtpPacketsReportedJitter: number;
  /** Packets sent again after a NACK. */
  readonly rtpPacketsRetransmitted: number;
  readonly rtcpPacketsSent: number;
  readonly rtcpPacketsReceived: number;
  /** Generic NACKs received about the sent tracks (RFC 4585 §6.2.1), one per RTCP packet. */
  readonly nacksReceived: number;
  /** Generic NACKs sent about the received tracks. */
  readonly nacksSent: number;
  /** Picture loss indications received about the sent tracks (RFC 4585 §6.3.1). */
  readonly plisReceived: number;
  /** Picture loss indications sent to the remote sender. */
  readonly plisSent: number;
  /** Full intra requests received about the sent tracks (RFC 5104 §4.3.1). */
  readonly firsReceived: number;
}

/** One connection or session of a protocol server, as the API lists it (MediaMTX v1 `rtspconns`, `rtmpconns`, …). */
export interface ConnectionInfo {
  readonly id: string;
  readonly created: Date;
  /** `ip:port` of the client. */
  readonly remoteAddr: string;
  /** What the connection does, for kinds that say (RTSP sessions, RTMP connections). */
  readonly state?: 'idle' | 'read' | 'publish';
  /** The path it reads or publishes, '' before it names one. */
  readonly path?: string;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** Units dropped because this reader was too slow (RTP packets for RTSP, frames for RTMP and HLS). */
  readonly outboundDiscarded?: number;
}

/**
 * What every protocol server offers the app, the API and metrics; a new server implements it and adds one row to the
 * app's table. Starting is its class's `listen` (ProtocolServerFactory), not a method here.
 */
export interface ProtocolServer<S = unknown> {
  /** Closes the listeners, every connection and their hooks. */
  close(): Promise<void>;
  /** Connections (or RTSP sessions), as plain data. */
  connections(): ConnectionInfo[];
  /** Closes the connection (RTSP: the session) with this id; false when there is none. */
  kick(id: string): boolean;
  /** Takes settings the app's table declared live-updatable (e.g. runOnConnect, applied to new connections). */
  update(next: S): void;
}

/**
 * How a protocol server starts: a static `listen(opts)` on its class that resolves once every
 * listener is bound, or rejects having closed what it opened. A server object exists only while it listens, so there
 * is no created-but-not-started state to guard, and a restart on reload is close() then a new listen().
 */
export interface ProtocolServerFactory<O, P extends ProtocolServer = ProtocolServer> {
  listen(opts: O): Promise<P>;
}
