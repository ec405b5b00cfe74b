import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { FrameBatchedSocket, FRAME_FLUSH_DELAY_MS } from './frame-batched-socket.ts';

/** A writable that records each chunk handed to it in one write or writev call. */
function recordingSocket(): { socket: PassThrough; calls: Buffer[][] } {
  const calls: Buffer[][] = [];
  const socket = new PassThrough({
    writev(chunks, cb) { calls.push(chunks.map((c) => c.chunk as Buffer)); cb(); },
    write(chunk: Buffer, _enc, cb) { calls.push([chunk]); cb(); },
  });
  return { socket, calls };
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a batch that ends a frame goes out at once, as one writev', async () => {
  const { socket, calls } = recordingSocket();
  const b = new FrameBatchedSocket(socket);
  b.hold();
  socket.write(Buffer.from('a'));
  socket.write(Buffer.from('b'));
  assert.equal(calls.length, 0, 'held writes stay in the socket');
  b.endBatch(true);
  await new Promise((r) => process.nextTick(r));
  assert.deepEqual(calls.map((c) => Buffer.concat(c).toString()), ['ab']);
});

test('batches without a frame end are held together until the frame ends', async () => {
  const { socket, calls } = recordingSocket();
  const b = new FrameBatchedSocket(socket);
  for (const [chunk, isEnd] of [['1', false], ['2', false], ['3', true]] as const) {
    b.hold();
    socket.write(Buffer.from(chunk));
    b.endBatch(isEnd);
  }
  await new Promise((r) => process.nextTick(r));
  assert.deepEqual(calls.map((c) => Buffer.concat(c).toString()), ['123'], 'three batches, one write');
  await wait(FRAME_FLUSH_DELAY_MS * 3);
  assert.equal(calls.length, 1, 'the timer of the flushed socket does nothing more');
});

test('a frame that never ends goes out within the flush delay', async () => {
  const { socket, calls } = recordingSocket();
  const b = new FrameBatchedSocket(socket);
  b.hold();
  socket.write(Buffer.from('tail'));
  b.endBatch(false);
  await wait(1);
  assert.equal(calls.length, 0);
  await wait(FRAME_FLUSH_DELAY_MS * 3);
  assert.deepEqual(calls.map((c) => Buffer.concat(c).toString()), ['tail']);
});

test('flush sends at once (a response) and cancels the pending timer flush', async () => {
  const { socket, calls } = recordingSocket();
  const b = new FrameBatchedSocket(socket);
  b.hold();
  socket.write(Buffer.from('x'));
  b.flush();
  await new Promise((r) => process.nextTick(r));
  assert.equal(calls.length, 1);
  b.flush(); // nothing held: no effect
  const other = recordingSocket();
  const held = new FrameBatchedSocket(other.socket);
  held.hold();
  other.socket.write(Buffer.from('y'));
  held.endBatch(false);
  held.flush();
  await wait(FRAME_FLUSH_DELAY_MS * 3);
  assert.equal(other.calls.length, 1, 'flushed once, not again by the timer');
});
