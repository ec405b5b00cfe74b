import type { Logger } from '../../lib/index.ts';
import type { PeerState } from './webrtc-peer.ts';

/** What a session gives its PeerLifecycle. */
export interface PeerLifecycleOptions {
  /** ICE and DTLS must complete this long after the session starts; a lost connection may come back within it. */
  readonly handshakeTimeoutMs: number;
  readonly log: Logger;
  /** The selected candidate pair, for the "established" log line. */
  readonly candidates: () => { local: string; remote: string } | undefined;
  /** Called once, when the peer first connects. */
  readonly onConnected: () => void;
  /** Ends the session (the lifecycle never calls it twice: the session ignores a second close anyway). */
  readonly close: (reason: Error) => void;
}

/**
 * The connection lifecycle every WebRTC session shares (W3C webrtc-pc §4.3.3 states): a deadline for the first
 * connection, a grace period after ICE consent is lost (RFC 7675) before the session ends, and the end of the
 * session when the peer fails or closes.
 */
export class PeerLifecycle {
  private connected = false;
  private readonly handshakeTimer: NodeJS.Timeout;
  private disconnectTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly o: PeerLifecycleOptions) {
    this.handshakeTimer = setTimeout(() => o.close(new Error('deadline exceeded while waiting connection')), o.handshakeTimeoutMs);
    this.handshakeTimer.unref();
  }

  /** True once the peer connected. */
  get isConnected(): boolean { return this.connected; }

  /** Takes a state change of the peer. */
  onState(s: PeerState): void {
    if (this.disposed) return;
    clearTimeout(this.disconnectTimer);
    // The peer may come back (ICE restarts consent checks); if not within the handshake time, the session ends.
    if (s === 'disconnected') {
      this.disconnectTimer = setTimeout(() => this.o.close(new Error('peer connection disconnected')), this.o.handshakeTimeoutMs);
      this.disconnectTimer.unref();
    }
    if (s === 'connected' && !this.connected) {
      this.connected = true;
      clearTimeout(this.handshakeTimer);
      const c = this.o.candidates();
      this.o.log.info(`peer connection established${c ? `, local candidate: ${c.local}, remote candidate: ${c.remote}` : ''}`);
      this.o.onConnected();
    } else if (s === 'failed' || s === 'closed') {
      this.o.close(new Error(`peer connection ${s}`));
    }
  }

  /** Clears the timers; later states are ignored. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.disconnectTimer);
  }
}
