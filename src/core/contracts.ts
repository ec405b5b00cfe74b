import type { AccessRequest } from '../auth/index.ts';
import type { Description } from '../formats/index.ts';
import type { Stream, SubStream } from '../stream/index.ts';

export type { AccessRequest, Credentials, Protocol, Action } from '../auth/index.ts';

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
  addPublisher(req: AccessRequest, who: Publisher, desc: Description): Promise<PublisherLease>;
  addReader(req: AccessRequest, who: Reader): Promise<ReaderLease>;
  describe(req: AccessRequest): Promise<DescribeResult>;
}
