import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { openRawRtmp, playRtmpRaw, type RawVideoFrame } from '../support/rtmp-raw-player.ts';
import { commandMessage, serializeRtmpMessage, type RtmpMessage } from '../../src/protocols/rtmp/index.ts';
import { describeRunning, waitFor, type Running } from '../support/process.ts';

/** A type 0 chunk header on chunk stream 3 for a message of `length` bytes and `type`, stream 0 (RTMP spec §5.3.1.2.1). */
function header(length: number, type: number): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 3;
  b.writeUIntBE(length, 4, 3);
  b[7] = type;
  return b;
}

const message = (type: number, body: Buffer): Buffer => serializeRtmpMessage({ chunkStreamId: 3, type, timestamp: 0, messageStreamId: 0, body } satisfies RtmpMessage, 128);
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
// AMF0 'connect', 1, then 100 000 nested strict arrays of one element (marker 0x0a + count 1).
const deepAmf = Buffer.concat([Buffer.from([2, 0, 7]), Buffer.from('connect'), Buffer.from([0, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]),
  Buffer.alloc(100_000 * 5, Buffer.from([0x0a, 0, 0, 0, 1])), Buffer.from([5])]);

const ABUSE: { name: string; bytes: Buffer; c0?: number }[] = [
  { name: 'RTMP version 9 in C0', c0: 9, bytes: Buffer.alloc(0) },
  { name: 'chunk size 0', bytes: message(1, u32(0)) },
  { name: 'chunk size beyond the message limit', bytes: message(1, u32(0x7fffffff)) },
  { name: 'a 16 MiB message length', bytes: Buffer.concat([header(0xffffff - 1, 9), Buffer.alloc(128)]) },
  { name: 'AMF nested 100 000 levels deep', bytes: message(20, deepAmf) },
  { name: 'unknown message type 99', bytes: message(99, Buffer.alloc(10)) },
  { name: 'a continuation chunk on an unknown chunk stream', bytes: Buffer.from([0xc7, 1, 2, 3]) },
  { name: 'a broken AVC sequence header from a publisher', bytes: Buffer.concat([
    serializeRtmpMessage(commandMessage({ name: 'connect', transactionId: 1, object: { app: 'live' } }), 128),
    serializeRtmpMessage(commandMessage({ name: 'publish', transactionId: 0, object: null, args: ['evil'], messageStreamId: 1 }), 128),
    message(9, Buffer.from([0x17, 0, 0, 0, 0, 9, 9, 9])),
  ]) },
];

describe('RTMP under malformed input', () => {
  let server: TestServer;
  const running: Running[] = [];
  before(async () => { server = await startServer('paths:\n  all:\n'); });
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
  });

  it('closes each abusive connection with a log line while a canary RTMP stream plays on without a gap', async (t) => {
    const pub = ffmpegPublishRtmp(server.rtmpUrl('live/canary'), { seconds: 300, audio: false }); // stopped at the end
    running.push(pub);
    await server.waitForLog(/\[path live\/canary\] stream is ready/, 20_000);
    const frames: RawVideoFrame[] = [];
    let abuseDone = false;
    const reasons: string[] = [];
    const canary = playRtmpRaw(server.ports.rtmp, 'live', 'canary', (f) => { frames.push(f); return abuseDone && frames.length >= 50; }, 60_000);
    canary.catch(() => { /* awaited below; this only keeps an early rejection from being reported as unhandled */ });
    for (const a of ABUSE) {
      const before = server.logs().length;
      const conn = await openRawRtmp(server.ports.rtmp, a.c0);
      if (a.bytes.length > 0) conn.socket.write(a.bytes);
      const closedAfter = await Promise.race([conn.closed, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
      conn.socket.destroy();
      assert.ok(closedAfter >= 0, `${a.name}: the server kept the connection open for 5 s\n${logTail(server)}`);
      const logged = /\[RTMP\] \[conn [^\]]+\] closed: .+/;
      await waitFor(() => logged.test(server.logs().slice(before)), { timeoutMs: 3000, what: `${a.name}: a log line`, detail: () => logTail(server) });
      reasons.push(`${a.name} → ${logged.exec(server.logs().slice(before))![0].replace(/.*closed: /, '')}`);
    }
    abuseDone = true;
    await canary.catch((e: Error) => { throw new Error(`canary: ${e.message} after ${frames.length} frames\n${describeRunning('publisher', pub)}\n${logTail(server)}`); });
    t.diagnostic(reasons.join('\n'));
    assert.ok(frames[0]!.isKeyframe, `the canary's first frame (DTS ${frames[0]!.dtsMs} ms) is a keyframe`);
    const gaps = frames.slice(1).map((f, i) => f.dtsMs - frames[i]!.dtsMs);
    assert.ok(gaps.every((g) => g > 0 && g <= 80), `canary timestamps jumped: ${gaps.filter((g) => g <= 0 || g > 80).join(', ')} (${frames.length} frames)`);
    await server.waitForLog(/\[path live\/canary\] stream is ready/, 5_000);
    assert.doesNotMatch(server.logs(), /\[path live\/canary\] .*(stopped publishing|closed)/, `the canary publisher was never disturbed\n${logTail(server)}`);
    await pub.stop();
  });

  it('closes a connection that never completes the handshake after readTimeout', async () => {
    const s = await startServer('readTimeout: 1s\npaths:\n  all:\n');
    try {
      const { connect } = await import('node:net');
      const sock = connect(s.ports.rtmp, '127.0.0.1');
      const t0 = Date.now();
      sock.on('error', () => { /* reset on close is fine */ });
      sock.write(Buffer.from([3, 1, 2, 3]));
      const ms = await new Promise<number>((r) => sock.on('close', () => r(Date.now() - t0)));
      // At readTimeout (1 s), not before; the upper bound only tells "the timeout" from "never" (default 10 s), with
      // room for a loaded machine.
      assert.ok(ms >= 900 && ms < 5000, `closed after ${ms} ms (1 s readTimeout)\n${logTail(s)}`);
    } finally {
      await s.stop();
    }
  });
});
