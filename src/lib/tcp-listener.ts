import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { parseListenAddress } from './net-address.ts';
import { readStartupFile } from './startup-file.ts';
import { trackTlsHandshakes, type PendingTlsHandshakes } from './tls-handshakes.ts';

/** TLS files of a listener and the configuration keys that name them (for error messages). */
export interface ListenerTls { keyFile: string; certFile: string; keyName: string; certName: string }

/** Options of openTcpListener. */
export interface TcpListenerOptions {
  /** MediaMTX listen address: `:8554` (every interface, dual-stack), `127.0.0.1:8554`, `[::1]:8554`. */
  address: string;
  /** TLS (1.2 or newer) when set. */
  tls?: ListenerTls;
  /** Called for each accepted connection (after the TLS handshake for TLS listeners). */
  onSocket: (socket: Socket) => void;
}

/** An open TCP or TLS listener of a protocol server. */
export interface TcpListener {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Stops accepting; resolves when the listening socket is closed. Connections are the server's to close. */
  close(): Promise<void>;
}

/**
 * Opens the TCP (or TLS) listener every protocol server starts with: parses the address, reads the TLS files at
 * start (naming the key on error), and refuses connections after close.
 */
export async function openTcpListener(opts: TcpListenerOptions): Promise<TcpListener> {
  const { host, port } = parseListenAddress(opts.address);
  let server: Server;
  let handshakes: PendingTlsHandshakes | undefined;
  let closed = false;
  const accept = (socket: Socket): void => { if (closed) socket.destroy(); else opts.onSocket(socket); };
  if (opts.tls) {
    const key = readStartupFile(opts.tls.keyFile, opts.tls.keyName);
    const cert = readStartupFile(opts.tls.certFile, opts.tls.certName);
    const tlsServer = createTlsServer({ key, cert, minVersion: 'TLSv1.2' });
    handshakes = trackTlsHandshakes(tlsServer);
    tlsServer.on('secureConnection', accept);
    server = tlsServer;
    // A failed handshake concerns that client only; the listener goes on.
    server.on('tlsClientError', (_err, socket) => socket.destroy());
  } else {
    server = createTcpServer(accept);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise<void>((resolve) => {
      closed = true;
      server.close(() => resolve());
      // A client still in its TLS handshake is no connection of the server's: close() would wait for it.
      handshakes?.destroyAll();
    }),
  };
}
