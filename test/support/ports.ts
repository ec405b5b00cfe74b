import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Binds `port` on 127.0.0.1 (TCP: listens, as a restarted server would; UDP: binds without SO_REUSEADDR) and closes
 * it again at once. Resolves with the error code the bind failed with ('EADDRINUSE', …), or undefined when it worked.
 */
export function bindError(kind: 'tcp' | 'udp', port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const failed = (err: NodeJS.ErrnoException): void => resolve(err.code ?? err.message);
    if (kind === 'tcp') {
      const s = createServer();
      s.once('error', failed);
      s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(undefined)));
    } else {
      const s = createSocket({ type: 'udp4', reuseAddr: false });
      s.once('error', (err) => { s.close(); failed(err); });
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(undefined)));
    }
  });
}

/**
 * True when a UDP socket of any process in this network namespace is bound to `port` (/proc/net/udp and udp6 list
 * the namespace's sockets, local address as hex `ADDR:PORT`). Observes without binding, so it never takes the port.
 */
export function udpPortBound(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text = '';
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local?.endsWith(hex)) return true;
    }
  }
  return false;
}
