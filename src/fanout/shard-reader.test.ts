import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { FeedRing } from './feed-ring.ts';
import { ShardReader, type ShardSocket } from './shard-reader.ts';
import type { ShardReaderLimits } from './shard-wire.ts';

/** A socket whose unsent bytes grow with each write and go to 0 (with 'drain') when the test says so. */
class FakeSocket extends EventEmitter implements ShardSocket {
  readonly written: string[] = [];
  writableLength = 0;
  corks = 0;
  uncorks = 0;
  write(b: Buffer): boolean {
    this.written.push(b.toString());
    this.writableLength += b.length;
    return true;
  }
  cork(): void { this.corks++; }
  uncork(): void { this.uncorks++; }
  /** The kernel took everything. */
  drain(): void {
    this.writableLength = 0;
    this.emit('drain');
  }
}

const LIMITS: ShardReaderLimits = { queueSize: 1000, highWaterBytes: 1 << 20, writeTimeoutMs: 60_000 };
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const rec = (seq: number): Buffer => Buffer.from(`r${String(seq).padStart(3, '0')}`); // 4 bytes each

/** A ring holding records `from`..`to - 1`, less `gaps`. */
function ringOf(capacity: number, from: number, to: number, gaps: readonly number[] = []): FeedRing {
  const r = new FeedRing(capacity);
  for (let s = from; s < to; s++) if (!gaps.includes(s)) r.put(s, rec(s));
  return r;
}

const names = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => rec(from + i).toString());

describe('ShardReader', () => {
  it('writes the records from its start seq on, in order, corked, and counts the bytes', () => {
    const ring = ringOf(64, 0, 10);
    const s = new FakeSocket();
    const r = new ShardReader(s, ring, 3, LIMITS, () => assert.fail('no timeout'));
    r.pump();
    assert.deepEqual(s.written, names(3, 10));
    assert.equal(r.bytes, 7 * 4);
    assert.equal(r.drops, 0);
    assert.equal(s.corks, 1);
    assert.equal(s.uncorks, 1);
    r.pump(); // nothing new
    assert.deepEqual(s.written, names(3, 10));
    ring.put(10, rec(10));
    ring.put(11, rec(11));
    r.pump();
    assert.deepEqual(s.written, names(3, 12));
    assert.equal(s.corks, s.uncorks);
    r.close();
  });

  it('waits for records when it starts ahead of the ring, or before the ring started', () => {
    const ring = new FeedRing(16);
    const s = new FakeSocket();
    const r = new ShardReader(s, ring, 5, LIMITS, () => assert.fail('no timeout'));
    r.pump();
    assert.deepEqual(s.written, []);
    for (let q = 0; q < 5; q++) ring.put(q, rec(q));
    r.pump();
    assert.deepEqual(s.written, [], 'records before its start are not its own');
    assert.equal(r.drops, 0);
    ring.put(5, rec(5));
    ring.put(6, rec(6));
    r.pump();
    assert.deepEqual(s.written, names(5, 7));
    r.close();
  });

  it('writes only the records before `until` when given one', () => {
    const ring = ringOf(64, 0, 10);
    const s = new FakeSocket();
    const r = new ShardReader(s, ring, 2, LIMITS, () => assert.fail('no timeout'));
    r.pump(5);
    assert.deepEqual(s.written, names(2, 5));
    r.pump(0);
    r.pump(5);
    assert.deepEqual(s.written, names(2, 5), 'nothing before 5 is left');
    r.pump(100);
    assert.deepEqual(s.written, names(2, 10), 'the ring ends before `until`');
    r.close();
  });

  it('stops above the high-water mark and resumes on drain', () => {
    const ring = ringOf(64, 0, 10);
    const s = new FakeSocket();
    const r = new ShardReader(s, ring, 0, { ...LIMITS, highWaterBytes: 10 }, () => assert.fail('no timeout'));
    r.pump();
    assert.deepEqual(s.written, names(0, 3), '12 bytes unsent > 10: stop after the third record');
    assert.equal(s.uncorks, s.corks, 'uncorked even when it stops');
    ring.put(10, rec(10));
    r.pump();
    assert.deepEqual(s.written, names(0, 3), 'paused: a pump writes nothing');
    assert.equal(s.listenerCount('drain'), 1);
    s.drain();
    assert.deepEqual(s.written, names(0, 6));
    s.drain();
    assert.deepEqual(s.written, names(0, 9));
    s.drain();
    assert.deepEqual(s.written, names(0, 11), 'the 8 bytes left stay under the mark');
    assert.equal(s.listenerCount('drain'), 0, 'not paused any more');
    assert.equal(r.drops, 0);
    r.close();
  });

  it('counts the records that fell out of the ring as drops and goes on from the oldest', () => {
    const ring = ringOf(8, 0, 20);
    const s = new FakeSocket();
    const r = new ShardReader(s, ring, 0, LIMITS, () => assert.fail('no timeout'));
    r.pump();
    assert.equal(r.drops, 12);
    assert.deepEqual(s.written, names(12, 20));
    r.close();
  });

  it('counts the records beyond its queue size as drops, as a full queue would', () => {
    const ring = ringOf(64, 0, 10);
    const s = new FakeSocket();
    const r = new ShardReader(s, ring, 0, { ...LIMITS, queueSize: 3 }, () => assert.fail('no timeout'));
    r.pump();
    assert.equal(r.drops, 7);
    assert.deepEqual(s.written, names(7, 10));
    r.close();
  });

  it('counts drops while it waits for its socket, as they happen (a stalled reader reports them), and goes on from there', () => {
    const ring = ringOf(64, 0, 4);
    const s = new FakeSocket();
    const r = new ShardReader(s, ring, 0, { ...LIMITS, queueSize: 5, highWaterBytes: 4 }, () => assert.fail('no timeout'));
    r.pump();
    assert.deepEqual(s.written, names(0, 2));
    for (let q = 4; q < 20; q++) ring.put(q, rec(q));
    r.pump();
    assert.equal(r.drops, 15 - 2, 'counted before any drain');
    assert.deepEqual(s.written, names(0, 2), 'nothing written while waiting');
    s.drain();
    assert.equal(r.drops, 15 - 2, 'records 2..14 are more than 5 behind');
    assert.deepEqual(s.written, [...names(0, 2), ...names(15, 17)]);
    r.close();
  });

  it('counts gaps (records the main process dropped) as drops', () => {
    const ring = ringOf(64, 0, 8, [2, 5, 6]);
    const s = new FakeSocket();
    const r = new ShardReader(s, ring, 0, LIMITS, () => assert.fail('no timeout'));
    r.pump();
    assert.equal(r.drops, 3);
    assert.deepEqual(s.written, ['r000', 'r001', 'r003', 'r004', 'r007']);
    r.close();
  });

  it('writes its own bytes between records, also while paused, and counts them', () => {
    const ring = ringOf(64, 0, 2);
    const s = new FakeSocket();
    const r = new ShardReader(s, ring, 0, { ...LIMITS, highWaterBytes: 5 }, () => assert.fail('no timeout'));
    r.writeOwn(Buffer.from('hi'));
    r.pump();
    assert.deepEqual(s.written, ['hi', 'r000'], '6 bytes unsent: paused');
    r.writeOwn(Buffer.from('ping'));
    assert.deepEqual(s.written, ['hi', 'r000', 'ping']);
    s.drain();
    assert.deepEqual(s.written, ['hi', 'r000', 'ping', 'r001']);
    assert.equal(r.bytes, 2 + 4 + 4 + 4);
    r.close();
  });

  it('held (RTSP PAUSE): writes no media but its own bytes; resumed, goes on from the given record without counting drops', () => {
    const ring = ringOf(64, 0, 3);
    const s = new FakeSocket();
    const r = new ShardReader(s, ring, 0, LIMITS, () => assert.fail('no timeout'));
    r.pump();
    r.hold();
    for (let q = 3; q < 8; q++) { ring.put(q, rec(q)); r.pump(); }
    r.writeOwn(Buffer.from('ok'));
    assert.deepEqual(s.written, [...names(0, 3), 'ok'], 'held: records 3-7 not written');
    s.drain(); // a drain does not undo the hold
    assert.deepEqual(s.written, [...names(0, 3), 'ok']);
    r.resumeAt(6);
    r.pump();
    assert.deepEqual(s.written, [...names(0, 3), 'ok', ...names(6, 8)]);
    assert.equal(r.drops, 0, 'records skipped while held are not drops');
    // Resuming at a record already passed does not go back.
    r.resumeAt(2);
    ring.put(8, rec(8));
    r.pump();
    assert.deepEqual(s.written, [...names(0, 3), 'ok', ...names(6, 9)]);
    r.close();
  });

  it('calls onTimeout once after writeTimeoutMs without drain', async () => {
    const ring = ringOf(64, 0, 4);
    const s = new FakeSocket();
    let timeouts = 0;
    const r = new ShardReader(s, ring, 0, { ...LIMITS, highWaterBytes: 1, writeTimeoutMs: 20 }, () => { timeouts++; });
    r.pump();
    assert.deepEqual(s.written, names(0, 1));
    await wait(5);
    assert.equal(timeouts, 0, 'not before writeTimeoutMs');
    await wait(60);
    assert.equal(timeouts, 1);
    r.pump();
    await wait(40);
    assert.equal(timeouts, 1, 'a pump while paused starts no second timer');
    r.close();
  });

  it('does not time out once its socket drained', async () => {
    const ring = ringOf(64, 0, 1);
    const s = new FakeSocket();
    let timeouts = 0;
    const r = new ShardReader(s, ring, 0, { ...LIMITS, highWaterBytes: 1, writeTimeoutMs: 30 }, () => { timeouts++; });
    r.pump();
    assert.equal(s.listenerCount('drain'), 1, 'paused');
    await wait(10);
    s.drain();
    await wait(60);
    assert.equal(timeouts, 0);
    // Paused again: the new pause has its own full timeout.
    ring.put(1, rec(1));
    r.pump();
    assert.deepEqual(s.written, names(0, 2));
    await wait(80);
    assert.equal(timeouts, 1);
    r.close();
  });

  it('close() stops writing, the timer and the drain listener', async () => {
    const ring = ringOf(64, 0, 4);
    const s = new FakeSocket();
    let timeouts = 0;
    const r = new ShardReader(s, ring, 0, { ...LIMITS, highWaterBytes: 1, writeTimeoutMs: 20 }, () => { timeouts++; });
    r.pump();
    assert.deepEqual(s.written, names(0, 1));
    r.close();
    assert.equal(s.listenerCount('drain'), 0);
    s.drain();
    r.pump();
    r.writeOwn(Buffer.from('late'));
    await wait(50);
    assert.equal(timeouts, 0);
    assert.deepEqual(s.written, names(0, 1));
    assert.equal(r.bytes, 4);
  });

  it('writes each record it has, once, in order, or counts it as dropped, for any puts, gaps, pumps and drains', () => {
    type Op = { t: 'put' } | { t: 'gap' } | { t: 'pump' } | { t: 'drain' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.constant<Op>({ t: 'put' }), fc.constant<Op>({ t: 'gap' }), fc.constant<Op>({ t: 'pump' }), fc.constant<Op>({ t: 'drain' }));
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 20 }), fc.nat({ max: 10 }), fc.array(op, { maxLength: 120 }),
      (capacity, queueSize, highWaterBytes, start, ops) => {
        const ring = new FeedRing(capacity);
        const s = new FakeSocket();
        const r = new ShardReader(s, ring, start, { queueSize, highWaterBytes, writeTimeoutMs: 60_000 }, () => undefined);
        const puts = new Set<number>();
        let seq = 0;
        for (const o of ops) {
          if (o.t === 'put') { puts.add(seq); ring.put(seq, rec(seq)); seq++; }
          else if (o.t === 'gap') seq++;
          else if (o.t === 'pump') r.pump();
          else s.drain();
        }
        if (ring.started) { puts.add(seq); ring.put(seq, rec(seq)); } // a last record, so that trailing gaps are behind it
        r.pump();
        for (let i = 0; i < 500 && s.writableLength > 0; i++) s.drain(); // a drain resumes a paused reader
        r.close();
        const got = s.written.map((w) => Number(w.slice(1)));
        for (let i = 1; i < got.length; i++) assert.ok(got[i]! > got[i - 1]!, `in order: ${got.join(',')}`);
        for (const g of got) assert.ok(g >= start && puts.has(g), `${g} was put, and is not before the start ${start}`);
        if (!ring.started || ring.end <= start) {
          assert.deepEqual(got, []);
          assert.equal(r.drops, 0);
        } else {
          assert.equal(got.length + r.drops, ring.end - start, 'every seq from the start to the end is written or dropped');
          assert.equal(got.at(-1), ring.end - 1, 'caught up with the newest record');
          assert.ok(got.length >= Math.min(capacity, queueSize, 1), 'wrote something');
        }
        assert.equal(r.bytes, got.length * 4);
      }));
  });
});
