import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';

/** The TCP connections of a TLS server whose handshake has not completed (trackTlsHandshakes). */
export interface PendingTlsHandshakes {
  /** How many there are now. */
  readonly size: number;
  /** Destroys every one of them (the server is closing). */
  destroyAll(): void;
}

/**
 * Tracks the connections of `server` that have not completed their TLS handshake. Why: `server.close()` resolves only
 * once every TCP connection has ended, and a client that connects and never finishes its handshake is a connection
 * no owner knows of (it never reached 'secureConnection'): closing the listener (a reload, a shutdown) then waited for
 * tls's handshakeTimeout, 120 s. Such connections are destroyed when the listener closes.
 */
export function trackTlsHandshakes(server: TlsServer): PendingTlsHandshakes {
  const pending = new Set<Socket>();
  server.on('connection', (raw: Socket) => {
    pending.add(raw);
    raw.once('close', () => pending.delete(raw));
  });
  server.on('secureConnection', (tls: TLSSocket) => {
    // node:tls keeps the TCP socket it wraps as `_parent` (not in its typings). Were it missing, the connection would
    // stay listed and be destroyed with the listener, which its owner closes at that time anyway.
    const raw = (tls as TLSSocket & { _parent?: unknown })._parent;
    if (raw) pending.delete(raw as Socket);
  });
  return {
    get size() { return pending.size; },
    destroyAll: () => { for (const raw of [...pending]) raw.destroy(); },
  };
}
