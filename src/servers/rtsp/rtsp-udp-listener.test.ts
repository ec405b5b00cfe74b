import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { Logger, loadUdpBatchAddon } from '../../lib/index.ts';
import { RtspUdpListener } from './rtsp-udp-listener.ts';
import { waitFor } from '../../../test/support/process.ts';

async function client(): Promise<{ socket: Socket; port: number; got: string[] }> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 1024 * 1024 });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString()));
  return { socket, port: socket.address().port, got };
}

// Batched only when the addon is built (npm install runs scripts/build-native.sh); the unbatched cases always run.
const isAddonBuilt = loadUdpBatchAddon() !== undefined;

describe('RtspUdpListener.send', () => {
  for (const isBatched of [true, false]) {
    for (const address of [':0', '127.0.0.1:0']) {
      it(`sends to an IPv4 client in order from ${address === ':0' ? 'a dual-stack' : 'an IPv4'} socket, ${isBatched ? 'batched when the addon is built' : 'unbatched when turned off'}`, async () => {
        const c = await client();
        const l = await RtspUdpListener.open(address, Logger.silent(), { isBatched });
        assert.equal(l.isBatched, isBatched && isAddonBuilt);
        for (let i = 0; i < 300; i++) l.send(Buffer.from(`p${i}`), c.port, '127.0.0.1');
        await waitFor(() => c.got.length === 300, { timeoutMs: 5000, what: 'the datagrams' });
        assert.deepEqual(c.got, Array.from({ length: 300 }, (_, i) => `p${i}`));
        await l.close();
        c.socket.close();
      });
    }
  }

  it('sends what the batch holds before closing', async () => {
    const c = await client();
    const l = await RtspUdpListener.open('127.0.0.1:0', Logger.silent(), { isBatched: true });
    l.send(Buffer.from('last'), c.port, '127.0.0.1');
    await l.close();
    await waitFor(() => c.got.length === 1, { timeoutMs: 5000, what: 'the datagrams' });
    assert.deepEqual(c.got, ['last']);
    c.socket.close();
  });
});
