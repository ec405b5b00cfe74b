import type { Socket } from 'node:net';

/**
 * Gets a socket ready to be handed to a shard (`subprocess.send(msg, socket)`): it stops reading and loses this
 * process's listeners (an error after the hand-off is the shard's), and what it read but did not deliver yet is
 * returned for the caller to parse: from then on the client's bytes wait in the kernel for the shard.
 */
export function detachSocket(s: Socket): Buffer[] {
  s.pause();
  s.removeAllListeners('data');
  s.removeAllListeners('error');
  s.removeAllListeners('close');
  s.on('error', () => undefined);
  const held: Buffer[] = [];
  for (let b = s.read() as Buffer | null; b !== null; b = s.read() as Buffer | null) held.push(b);
  return held;
}
