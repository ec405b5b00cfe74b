import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { certificateFingerprint, isUntrustedCertificateError, normalizeFingerprint } from '../lib/index.ts';

export { certificateFingerprint, normalizeFingerprint };

/** Where and how a static source connects to its upstream. */
export interface SourceSocketOptions {
  readonly host: string;
  readonly port: number;
  /** TLS (rtsps://, rtmps://). */
  readonly isSecure: boolean;
  /**
   * `sourceFingerprint`: hex SHA-256 of the upstream's certificate (colons and case ignored). When set, the
   * certificate is accepted when it matches and refused otherwise, whoever signed it; when empty, the certificate
   * must be valid for the host and chain to a trusted authority, as Node checks by default.
   */
  readonly fingerprint: string;
  /** Bound on TCP connect and TLS handshake together. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** Why an unpinned certificate was refused, with what to do about it. */
function untrusted(err: Error, where: string): Error {
  return new Error(`the TLS certificate of ${where} is not trusted (${err.message}); to accept it, set sourceFingerprint to its SHA-256`);
}

/**
 * Opens the TCP (or TLS) connection to an upstream, bounded by `timeoutMs` and `signal`. With a pinned
 * fingerprint, nothing is sent before the certificate was compared (the caller writes only after this resolves).
 */
export function connectSourceSocket(o: SourceSocketOptions): Promise<Socket> {
  const where = `${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
  return new Promise<Socket>((resolve, reject) => {
    let socket: Socket | TLSSocket;
    const pinned = o.isSecure && o.fingerprint !== '' ? normalizeFingerprint(o.fingerprint) : undefined;
    if (!o.isSecure) {
      socket = connect({ host: o.host, port: o.port });
    } else {
      // SNI carries names only (RFC 6066 §3); an IP literal is verified against the certificate's IP SANs.
      const servername = isIP(o.host) === 0 ? o.host : undefined;
      socket = pinned !== undefined
        // The only place certificate validation is turned off: the pin below decides instead, as MediaMTX's
        // sourceFingerprint does (internal/protocols/tls); nothing is written before it is checked.
        ? tlsConnect({ host: o.host, port: o.port, servername, rejectUnauthorized: false, minVersion: 'TLSv1.2' })
        : tlsConnect({ host: o.host, port: o.port, servername, minVersion: 'TLSv1.2' });
    }
    const finish = (err: Error | undefined): void => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      if (err) { socket.destroy(); reject(err); } else resolve(socket);
    };
    const onError = (err: Error): void => {
      finish(o.isSecure && pinned === undefined && isUntrustedCertificateError(err) ? untrusted(err, where) : err);
    };
    const onAbort = (): void => finish(o.signal.reason instanceof Error ? o.signal.reason : new Error('aborted'));
    const timer = setTimeout(() => finish(new Error(`connecting to ${where} timed out after ${o.timeoutMs / 1000}s`)), o.timeoutMs);
    if (o.signal.aborted) { onAbort(); return; }
    o.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', onError);
    socket.once(o.isSecure ? 'secureConnect' : 'connect', () => {
      if (pinned !== undefined) {
        const raw = (socket as TLSSocket).getPeerCertificate().raw as Buffer | undefined;
        const got = raw ? certificateFingerprint(raw) : 'no certificate';
        if (got !== pinned) {
          finish(new Error(`the TLS certificate of ${where} does not match sourceFingerprint: expected ${pinned}, got ${got}`));
          return;
        }
      }
      finish(undefined);
    });
  });
}
