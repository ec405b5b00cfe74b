import { describe, it } from 'node:test';
import type { Socket } from 'node:net';
import assert from 'node:assert/strict';
import { Shard } from './shard.ts';
import { RecordKind, recordHeader, type FromShard, type ShardReaderLimits } from './shard-wire.ts';
import { tcpPair } from './test-support/tcp-pair.ts';

const LIMITS: ShardReaderLimits = { queueSize: 64, highWaterBytes: 1 << 20, writeTimeoutMs: 5000 };

const media = (feed: number, seq: number, text: string): Buffer =>
  Buffer.concat([recordHeader(RecordKind.Media, feed, seq, Buffer.byteLength(text)), Buffer.from(text)]);
const own = (conn: number, text: string): Buffer =>
  Buffer.concat([recordHeader(RecordKind.Conn, conn, 0, Buffer.byteLength(text)), Buffer.from(text)]);

const lazyMedia = (feed: number, seq: number, text: string): Buffer =>
  Buffer.concat([recordHeader(RecordKind.MediaLazy, feed, seq, Buffer.byteLength(text)), Buffer.from(text)]);

const endOf = (conn: number): Buffer => recordHeader(RecordKind.End, conn, 0, 0);
const holdOf = (conn: number): Buffer => recordHeader(RecordKind.Hold, conn, 0, 0);
const resumeOf = (conn: number, seq: number): Buffer => recordHeader(RecordKind.Resume, conn, seq, 0);

async function until(f: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}


describe('Shard', () => {
  it('writes a connection\'s own bytes where they were in the pipe, between the media records around them', async () => {
    const sent: FromShard[] = [];
    const shard = new Shard(16, (m) => sent.push(m));
    const p = await tcpPair();
    try {
      shard.onPipe(media(7, 0, '<0>'));
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 1, limits: LIMITS }, p.server);
      // One pipe chunk: its records are in the ring before the chunk's media is pumped.
      shard.onPipe(Buffer.concat([media(7, 1, '<1>'), own(1, '[a]'), media(7, 2, '<2>'), own(1, '[b]'), own(1, '[c]'), media(7, 3, '<3>')]));
      const want = '<1>[a]<2>[b][c]<3>';
      await until(() => p.text().length >= want.length, 3000, 'the records');
      assert.equal(p.text(), want);
    } finally {
      shard.close();
      p.close();
    }
  });

  /** Runs `steps` on a shard with one loopback socket, then checks that the client got exactly `want` (and no more). */
  async function exactly(want: string, steps: (shard: Shard, server: Socket) => void): Promise<void> {
    const shard = new Shard(16, () => undefined);
    const p = await tcpPair();
    try {
      steps(shard, p.server);
      await until(() => p.text().length >= want.length, 3000, 'the records');
      await new Promise((r) => setTimeout(r, 50)); // nothing more comes
      assert.equal(p.text(), want);
    } finally {
      shard.close();
      p.close();
    }
  }

  it('keeps lazy media (audio) until the feed\'s next Media record or the third lazy one, then writes them in order in one batch', async () => {
    const shard = new Shard(16, () => undefined);
    const p = await tcpPair();
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));
    try {
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 0, limits: LIMITS }, p.server);
      shard.onPipe(lazyMedia(7, 0, '(a0)'));
      shard.onPipe(lazyMedia(7, 1, '(a1)'));
      await settle();
      assert.equal(p.text(), '', 'two lazy records wait');
      shard.onPipe(media(7, 2, '<v2>'));
      await until(() => p.text().length >= 12, 3000, 'the frame and the audio before it');
      assert.equal(p.text(), '(a0)(a1)<v2>');
      // Without video, the third waiting one takes them out.
      shard.onPipe(lazyMedia(7, 3, '(a3)'));
      shard.onPipe(lazyMedia(7, 4, '(a4)'));
      await settle();
      assert.equal(p.text(), '(a0)(a1)<v2>');
      shard.onPipe(lazyMedia(7, 5, '(a5)'));
      await until(() => p.text().length >= 24, 3000, 'the third lazy record');
      // A connection's own bytes never wait behind them: the media before them goes first.
      shard.onPipe(lazyMedia(7, 6, '(a6)'));
      shard.onPipe(own(1, '[rr]'));
      await until(() => p.text().length >= 32, 3000, 'the own bytes');
      assert.equal(p.text(), '(a0)(a1)<v2>(a3)(a4)(a5)(a6)[rr]');
    } finally {
      shard.close();
      p.close();
    }
  });

  it('stops the media at a Hold record and goes on from the Resume record\'s seq, its own bytes still written (RTSP PAUSE, PLAY)', async () => {
    await exactly('<0>[paused][play]<4><5>', (shard, server) => {
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 0, limits: LIMITS }, server);
      shard.onPipe(Buffer.concat([media(7, 0, '<0>'), holdOf(1), own(1, '[paused]'), media(7, 1, '<1>'), media(7, 2, '<2>')]));
      shard.onPipe(Buffer.concat([media(7, 3, '<3>'), own(1, '[play]'), resumeOf(1, 4), media(7, 4, '<4>'), media(7, 5, '<5>')]));
    });
  });

  it('applies a Hold and a Resume that overtook the socket in their place once it arrives', async () => {
    await exactly('<1>[x]<3><4>', (shard, server) => {
      shard.onPipe(Buffer.concat([media(7, 0, '<0>'), media(7, 1, '<1>'), holdOf(1), media(7, 2, '<2>'), resumeOf(1, 3), own(1, '[x]'), media(7, 3, '<3>')]));
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 1, limits: LIMITS }, server);
      shard.onPipe(media(7, 4, '<4>'));
    });
  });

  it('keeps the bytes of a connection whose socket has not arrived, in their place among the records', async () => {
    const sent: FromShard[] = [];
    const shard = new Shard(16, (m) => sent.push(m));
    const p = await tcpPair();
    try {
      shard.onPipe(media(7, 0, '<0>'));
      // The records and the connection's bytes overtake the socket (another channel).
      shard.onPipe(Buffer.concat([media(7, 1, '<1>'), own(1, '[a]'), media(7, 2, '<2>'), media(9, 0, '<other feed>'), own(1, '[b]'), media(7, 3, '<3>')]));
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 1, limits: LIMITS }, p.server);
      shard.onPipe(media(7, 4, '<4>'));
      const want = '<1>[a]<2>[b]<3><4>';
      await until(() => p.text().length >= want.length, 3000, 'the records');
      assert.equal(p.text(), want);
    } finally {
      shard.close();
      p.close();
    }
  });

  it('writes early bytes first for a feed that had no record yet', async () => {
    const shard = new Shard(16, () => undefined);
    const p = await tcpPair();
    try {
      shard.onPipe(Buffer.concat([own(1, '[a]'), media(7, 0, '<0>')]));
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 0, limits: LIMITS }, p.server);
      await until(() => p.text().length >= 6, 3000, 'the records');
      assert.equal(p.text(), '[a]<0>');
    } finally {
      shard.close();
      p.close();
    }
  });

  it('forwards what the client sends, and reports the close', async () => {
    const sent: FromShard[] = [];
    const shard = new Shard(16, (m) => sent.push(m));
    const p = await tcpPair();
    try {
      shard.onMessage({ t: 'adopt', conn: 3, feed: 1, seq: 0, limits: LIMITS }, p.server);
      p.client.write('ping');
      await until(() => sent.some((m) => m.t === 'data'), 3000, 'the client\'s bytes');
      const data = sent.filter((m) => m.t === 'data').map((m) => (m.t === 'data' ? Buffer.from(m.b64, 'base64').toString() : '')).join('');
      assert.equal(data, 'ping');
      assert.ok(sent.every((m) => m.t !== 'data' || m.conn === 3));
      shard.onMessage({ t: 'close', conn: 3 });
      await until(() => p.ended() && sent.some((m) => m.t === 'closed'), 3000, 'the close');
      assert.deepEqual(sent.find((m) => m.t === 'closed'), { t: 'closed', conn: 3 });
    } finally {
      shard.close();
      p.close();
    }
  });

  it('drops records of an ended feed that were still on the pipe, and takes the feed again for a new reader', async () => {
    const shard = new Shard(16, () => undefined);
    const p = await tcpPair();
    try {
      shard.onPipe(media(7, 0, '<0>'));
      // The feed-end overtakes records 1 and 2 (IPC against the pipe): they must not make a ring nobody frees.
      shard.onMessage({ t: 'feed-end', feed: 7, seq: 3 });
      shard.onPipe(Buffer.concat([media(7, 1, '<1>'), media(7, 2, '<2>')]));
      assert.equal((shard as unknown as { rings: Map<number, unknown> }).rings.size, 0);
      // A new reader of the same feed from record 3 on.
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 3, limits: LIMITS }, p.server);
      shard.onPipe(Buffer.concat([media(7, 3, '<3>'), media(7, 4, '<4>')]));
      await until(() => p.text().length >= 6, 3000, 'the records');
      assert.equal(p.text(), '<3><4>');
    } finally {
      shard.close();
      p.close();
    }
  });

  it('keeps the records a new reader\'s seat brought when the last reader\'s feed-end comes after them', async () => {
    const shard = new Shard(16, () => undefined);
    const p = await tcpPair();
    try {
      shard.onPipe(media(7, 0, '<0>'));
      // The feed's last reader here left at record 1 (feed-end 1), and a new one took a seat at once, from record 1:
      // its records reach the shard on the pipe before the feed-end does on the IPC channel (which waits behind
      // socket handles in flight).
      shard.onPipe(Buffer.concat([media(7, 1, '<1>'), media(7, 2, '<2>')]));
      shard.onMessage({ t: 'feed-end', feed: 7, seq: 1 });
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 1, limits: LIMITS }, p.server);
      shard.onPipe(media(7, 3, '<3>'));
      await until(() => p.text().length >= 9, 3000, 'the records');
      assert.equal(p.text(), '<1><2><3>');
    } finally {
      shard.close();
      p.close();
    }
  });

  it('ends the socket at an End record: the records before it are written, the ones after it are not, and the close is reported', async () => {
    const sent: FromShard[] = [];
    const shard = new Shard(16, (m) => sent.push(m));
    const p = await tcpPair();
    try {
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 0, limits: LIMITS }, p.server);
      shard.onPipe(Buffer.concat([media(7, 0, '<0>'), own(1, '[bye]'), endOf(1), media(7, 1, '<1>'), own(1, '[late]')]));
      await until(() => p.ended(), 3000, 'the client to see the end');
      assert.equal(p.text(), '<0>[bye]');
      await until(() => sent.some((m) => m.t === 'closed'), 3000, 'the close');
      assert.deepEqual(sent.find((m) => m.t === 'closed'), { t: 'closed', conn: 1 });
    } finally {
      shard.close();
      p.close();
    }
  });

  it('keeps an End that overtook the socket, and ends the socket in its place once it arrives', async () => {
    const shard = new Shard(16, () => undefined);
    const p = await tcpPair();
    try {
      shard.onPipe(media(7, 0, '<0>'));
      shard.onPipe(Buffer.concat([media(7, 1, '<1>'), own(1, '[bye]'), endOf(1), media(7, 2, '<2>')]));
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 1, limits: LIMITS }, p.server);
      shard.onPipe(media(7, 3, '<3>'));
      await until(() => p.ended(), 3000, 'the client to see the end');
      assert.equal(p.text(), '<1>[bye]');
    } finally {
      shard.close();
      p.close();
    }
  });

  it('destroys an ended socket whose client neither reads nor closes, after writeTimeout', async () => {
    const sent: FromShard[] = [];
    const shard = new Shard(16, (m) => sent.push(m));
    const p = await tcpPair();
    try {
      // The client keeps its side open: without the timer the shard would hold the socket half-closed for ever.
      p.client.allowHalfOpen = true;
      shard.onMessage({ t: 'adopt', conn: 1, feed: 7, seq: 0, limits: { ...LIMITS, writeTimeoutMs: 200 } }, p.server);
      shard.onPipe(endOf(1));
      await until(() => sent.some((m) => m.t === 'closed'), 3000, 'the close after writeTimeout');
    } finally {
      shard.close();
      p.close();
    }
  });
});
