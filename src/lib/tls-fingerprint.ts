import { createHash } from 'node:crypto';
import type { RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/** Normalises a configured fingerprint: lower-case hex without separators. */
export function normalizeFingerprint(fp: string): string {
  return fp.replace(/[:\s]/g, '').toLowerCase();
}

/** Hex SHA-256 of a DER certificate, as `sourceFingerprint`, `authHTTPFingerprint`… are written. */
export function certificateFingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** True for Node's errors about a certificate that is not trusted (self-signed, unknown CA, wrong name, expired). */
export function isUntrustedCertificateError(err: Error): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS_CERT_ALTNAME/.test((err as NodeJS.ErrnoException).code ?? '');
}

/** The message of a TLS error, saying which setting would accept an untrusted certificate. */
export function tlsErrorMessage(err: Error, setting: string): string {
  return isUntrustedCertificateError(err) ? `${err.message} (the certificate is not trusted; to accept it, set ${setting} to its SHA-256)` : err.message;
}

/** Where a pinned TLS connection goes and what its certificate must hash to. */
export interface PinnedTlsOptions {
  readonly host: string;
  readonly port: number;
  /** The configured fingerprint (any case, colons allowed); never empty here. */
  readonly fingerprint: string;
  /** Name of the setting, for the mismatch message (`authHTTPFingerprint`). */
  readonly setting: string;
  /** Bound on TCP connect and TLS handshake together. */
  readonly timeoutMs: number;
}

/**
 * Opens a TLS connection whose certificate is accepted when its SHA-256 matches the pin and refused otherwise,
 * whoever signed it (MediaMTX internal/protocols/tls MakeConfig). Resolves only after the comparison, so a caller
 * writes nothing (credentials included) to a server that failed it.
 */
export function connectPinnedTls(o: PinnedTlsOptions): Promise<TLSSocket> {
  const pinned = normalizeFingerprint(o.fingerprint);
  return new Promise((resolve, reject) => {
    // SNI carries names only (RFC 6066 §3).
    const servername = isIP(o.host) === 0 ? o.host : undefined;
    // The chain is not validated: the pin decides instead, as upstream's fingerprint settings do.
    const socket = tlsConnect({ host: o.host, port: o.port, servername, rejectUnauthorized: false, minVersion: 'TLSv1.2' });
    const fail = (err: Error): void => { clearTimeout(timer); socket.destroy(); reject(err); };
    const timer = setTimeout(() => fail(new Error(`TLS connection to ${o.host}:${o.port} timed out`)), o.timeoutMs);
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.removeListener('error', fail);
      const raw = socket.getPeerCertificate().raw as Buffer | undefined;
      const got = raw ? certificateFingerprint(raw) : 'no certificate';
      if (got !== pinned) { fail(new Error(`the TLS certificate of ${o.host}:${o.port} does not match ${o.setting}: expected ${pinned}, got ${got}`)); return; }
      clearTimeout(timer);
      resolve(socket);
    });
  });
}

/**
 * Options for `https.request` to `url` that pin the server's certificate to `fingerprint` (nothing when it is empty:
 * Node's default validation then refuses an untrusted certificate). The request gets its socket only after the pin
 * was checked; a request destroyed before then destroys that socket when it arrives (Node's onSocket).
 */
export function pinnedHttpsOptions(url: URL, pin: Omit<PinnedTlsOptions, 'host' | 'port'>): Pick<RequestOptions, 'createConnection' | 'agent'> {
  if (pin.fingerprint === '' || url.protocol !== 'https:') return {};
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 443 : Number(url.port);
  return {
    // No agent: Node then calls createConnection and waits for its callback (one connection per request).
    agent: undefined,
    createConnection: (_opts: unknown, oncreate: (err: Error | null, socket: Duplex) => void): undefined => {
      connectPinnedTls({ ...pin, host, port }).then((s) => oncreate(null, s), (e: unknown) => oncreate(e as Error, undefined as never));
      return undefined;
    },
  };
}
