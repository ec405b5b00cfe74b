/** Protocols a client can use to reach a path. */
export type Protocol = 'rtsp' | 'rtsps' | 'rtmp' | 'rtmps' | 'hls' | 'webrtc' | 'srt';

/** What a client wants to do with a path. */
export type Action = 'publish' | 'read' | 'playback';

/**
 * Credentials as a protocol delivered them. `plain` carries the password (RTSP Basic, RTMP query, HTTP Basic);
 * `digest` can only be checked against a candidate password (RTSP Digest, RFC 2617).
 */
export type Credentials =
  | { readonly kind: 'plain'; readonly user: string; readonly pass: string }
  | { readonly kind: 'digest'; readonly user: string; verify(pass: string): boolean };

/** One request to publish, read or describe a path, as every protocol server builds it. */
export interface AccessRequest {
  /** Path name without leading slash, query or trailing slash. */
  readonly pathName: string;
  /** Raw query string without `?` (may be empty). */
  readonly query: string;
  readonly protocol: Protocol;
  readonly action: Action;
  /** Client IP address (no port). */
  readonly ip: string;
  readonly credentials?: Credentials;
  /** Connection/session id, sent to the external authentication server. */
  readonly connId?: string;
  /** A bearer token (`Authorization: Bearer <jwt>` of HLS/WebRTC requests), for v1.x HTTP and JWT authentication. */
  readonly token?: string;
  /** The client's User-Agent, sent to a v1.x HTTP authentication server. */
  readonly userAgent?: string;
}
