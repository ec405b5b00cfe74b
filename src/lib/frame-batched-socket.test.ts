import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { FrameBatchedSocket, FRAME_FLUSH_DELAY_MS } from './frame-batched-socket.ts';
import { SharedJoin, SHARED_JOIN_MAX_PARTS } from './shared-join.ts';

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

test('a batch that ends a frame goes out at once, as one write', async () => {
  const { socket, calls } = recordingSocket();
  const b = new FrameBatchedSocket(socket);
  b.hold();
  b.write(Buffer.from('a'));
  b.write(Buffer.from('b'));
  assert.equal(calls.length, 0, 'held writes stay out of the socket');
  assert.equal(b.held, 2);
  b.endBatch(true);
  await new Promise((r) => process.nextTick(r));
  assert.deepEqual(calls.map((c) => c.map(String)), [['ab']], 'one buffer, joined');
  assert.equal(b.held, 0);
});

test('batches without a frame end are held together until the frame ends', async () => {
  const { socket, calls } = recordingSocket();
  const b = new FrameBatchedSocket(socket);
  for (const [chunk, isEnd] of [['1', false], ['2', false], ['3', true]] as const) {
    b.hold();
    b.write(Buffer.from(chunk));
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
  b.write(Buffer.from('tail'));
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
  b.write(Buffer.from('x'));
  b.flush();
  await new Promise((r) => process.nextTick(r));
  assert.equal(calls.length, 1);
  b.flush(); // nothing held: no effect
  const other = recordingSocket();
  const held = new FrameBatchedSocket(other.socket);
  held.hold();
  held.write(Buffer.from('y'));
  held.endBatch(false);
  held.flush();
  await wait(FRAME_FLUSH_DELAY_MS * 3);
  assert.equal(other.calls.length, 1, 'flushed once, not again by the timer');
});

test('writes go straight to the socket while nothing is held', async () => {
  const { socket, calls } = recordingSocket();
  const b = new FrameBatchedSocket(socket);
  b.write(Buffer.from('now'));
  await new Promise((r) => process.nextTick(r));
  assert.deepEqual(calls.map((c) => c.map(String)), [['now']]);
  assert.equal(b.held, 0);
});

test('sockets holding the same buffers send the same joined buffer (SharedJoin)', async () => {
  const join = new SharedJoin();
  const audio = Buffer.from('aa');
  const video = Buffer.from('vvvv');
  const sockets = [recordingSocket(), recordingSocket(), recordingSocket()];
  for (const { socket } of sockets) {
    const b = new FrameBatchedSocket(socket);
    b.hold(join);
    b.write(audio);
    b.write(video);
    b.endBatch(true);
  }
  await new Promise((r) => process.nextTick(r));
  const sent = sockets.map((s) => s.calls);
  for (const calls of sent) assert.deepEqual(calls.map((c) => c.map(String)), [['aavvvv']]);
  assert.equal(sent[1]![0]![0], sent[0]![0]![0], 'the second socket got the buffer made for the first, not a copy');
  assert.equal(sent[2]![0]![0], sent[0]![0]![0]);
});

test('a batch of more parts than are joined goes out as one writev of the parts', async () => {
  const { socket, calls } = recordingSocket();
  const b = new FrameBatchedSocket(socket);
  const parts = Array.from({ length: SHARED_JOIN_MAX_PARTS + 1 }, (_, i) => Buffer.from(String.fromCharCode(97 + (i % 26))));
  b.hold(new SharedJoin());
  for (const p of parts) b.write(p);
  b.flush();
  await new Promise((r) => process.nextTick(r));
  assert.equal(calls.length, 1, 'one writev');
  assert.equal(calls[0]!.length, parts.length, 'the parts themselves, not copied');
  assert.equal(Buffer.concat(calls[0]!).toString(), Buffer.concat(parts).toString());
});
