import type { Media } from '../../formats/index.ts';

/** How one media of a session travels (decided at SETUP). */
export type MediaTransport =
  | { readonly kind: 'tcp'; readonly rtpChannel: number; readonly rtcpChannel: number }
  | { readonly kind: 'udp'; readonly clientIp: string; readonly clientRtpPort: number; readonly clientRtcpPort: number }
  | { readonly kind: 'multicast' };

/** Transport family of a whole session: every media must use the same one. */
export type TransportKind = MediaTransport['kind'];

/** A media set up in the session. */
export interface SetupMedia {
  readonly index: number;
  readonly media: Media;
  readonly transport: MediaTransport;
}

/** RTSP session states (RFC 2326 Appendix A), with MediaMTX's names. */
export type SessionState = 'initial' | 'prePlay' | 'play' | 'preRecord' | 'record';

/** What a session needs from the TCP connection that carries its interleaved frames. */
export interface InterleavedWriter {
  /** Queues `$ channel length` + payload. */
  writeInterleaved(channel: number, payload: Buffer): void;
  cork(): void;
  uncork(): void;
  /** Bytes waiting in the socket's user-space buffer. */
  readonly writableLength: number;
  /** Resolves on the socket's next 'drain'. */
  onceDrain(cb: () => void): void;
}
