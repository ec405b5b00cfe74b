import type { Conf } from '../conf/index.ts';
import type { ConnectionInfo, PathSnapshot, RtpSessionStats } from '../core/index.ts';
import type { ConfFile } from './conf-file-writer.ts';

/** A protocol server as the API sees it: its connections (or sessions) and how to close one. */
export interface ApiConnectionSource {
  connections(): ConnectionInfo[];
  kick(id: string): boolean;
}

/** An RTSP or RTSPS server: TCP connections, sessions, and kick (of a session). */
export interface ApiRtspSource extends ApiConnectionSource {
  sessionList(): ConnectionInfo[];
}

/** An HLS muxer as the HLS server lists it (one per path). */
export interface ApiHlsMuxer { readonly name: string; readonly created: Date; readonly lastRequest: Date; readonly bytesSent: number }

/** RTP/RTCP counts of a WebRTC session (core's contract). */
export type ApiWebRtcStats = RtpSessionStats;

/** A WebRTC connection with the fields only WebRTC has. */
export type ApiWebRtcConn = ConnectionInfo & {
  readonly peerConnectionEstablished?: boolean; readonly localCandidate?: string; readonly remoteCandidate?: string;
  readonly stats?: ApiWebRtcStats;
};

/** The servers running now. A missing one has no endpoints (v0.22.2 registers them only for enabled servers). */
export interface ApiServers {
  readonly rtsp?: ApiRtspSource;
  readonly rtsps?: ApiRtspSource;
  readonly rtmp?: ApiConnectionSource;
  readonly rtmps?: ApiConnectionSource;
  readonly hls?: { muxerList(): ApiHlsMuxer[] };
  readonly webrtc?: { connections(): ApiWebRtcConn[]; kick(id: string): boolean };
}

/** What the API needs from the running server, injected by the app (the API imports no app, server or core class). */
export interface ApiHost {
  /** The configuration in force. */
  conf(): Conf;
  /**
   * Applies a validated configuration exactly as a hot reload does. Resolves once applied, or once scheduled when the
   * change restarts the API itself (it is then applied right after the answer is sent, as MediaMTX does).
   */
  applyConf(next: Conf): Promise<void>;
  /**
   * Runs a change (validate, apply, write to the file) so that no reload of the file runs in the middle of it; without
   * it, changes are only ordered among themselves.
   */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
  /** Read-only views of the paths that exist now. */
  paths(): PathSnapshot[];
  /** The protocol servers running now. */
  servers(): ApiServers;
  /** Drops the JWT keys fetched from `authJWTJWKS`, so the next token check fetches them again (`/v3/auth/jwks/refresh`). */
  refreshJwks?(): void | Promise<void>;
  /** The server's version (`/v3/info`); `unknown` when the app does not say. */
  readonly version?: string;
  /** When the server started (`/v3/info`); the process start when the app does not say. */
  readonly started?: Date;
  /** The file the configuration was loaded from (for apiPersist); undefined when the defaults are in use. */
  readonly confFile?: ConfFile;
}
