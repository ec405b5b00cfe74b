import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

/** A connected loopback pair: `server` is the side a media server accepted (what a shard is given), `client` the player's. */
export interface TcpPair {
  readonly client: Socket;
  readonly server: Socket;
  /** Everything the client received so far. */
  received(): Buffer;
  /** The same, as text. */
  text(): string;
  /** True once the client's connection closed. */
  ended(): boolean;
  close(): void;
}

/** Opens a loopback connection on an ephemeral port of 127.0.0.1 and collects what the client receives. */
export async function tcpPair(): Promise<TcpPair> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = connect((listener.address() as { port: number }).port, '127.0.0.1');
  const chunks: Buffer[] = [];
  let ended = false;
  client.on('data', (d: Buffer) => chunks.push(d));
  client.on('error', () => undefined);
  client.on('close', () => { ended = true; });
  await once(client, 'connect');
  const [server] = await accepted;
  listener.close();
  return {
    client, server, received: () => Buffer.concat(chunks), text: () => Buffer.concat(chunks).toString(), ended: () => ended,
    close: () => { client.destroy(); server.destroy(); },
  };
}
