import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../lib/index.ts';
import type { Description, Format, Media } from '../formats/index.ts';
import { Stream } from './stream.ts';
import { StreamReader, type ReaderEntries } from './stream-reader.ts';
import type { Unit } from './unit.ts';

const video: Format = { codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() };
const vmedia: Media = { kind: 'video', formats: [video] };
const audio: Format = { codec: 'mpeg4Audio', payloadType: 97, encoding: 'MPEG4-GENERIC', clockRate: 48000, channels: 2, params: new Map() };
const amedia: Media = { kind: 'audio', formats: [audio] };
const desc: Description = { medias: [vmedia, amedia] };

const FPS = 25;
const KEYINT = 250; // x264's default: a 10 s GOP at 25 fps
const LOG_BATCH = 64; // stream-reader.ts: GOP log units per batch

function nextTurn(): Promise<void> { return new Promise((r) => setImmediate(r)); }

/** Turns the event loop until `cond()` holds; fails after `turns` turns, saying what was awaited. */
async function until(cond: () => boolean, what: () => string, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) { if (cond()) return; await nextTurn(); }
  assert.fail(`timed out waiting: ${what()}`);
}

interface Written { id: number; media: Media; format: Format; unit: Unit; payload: boolean }

/**
 * A publisher as an RTSP camera looks to the stream: one unit per RTP packet, each video frame 4 packets of which
 * the last carries the access unit (key frame every KEYINT frames), and 1.2 audio units per frame (each with its
 * AAC frames). A 10 s GOP is 1,300 units. The unit's pts is its write index, so order is easy to check.
 */
class Camera {
  readonly written: Written[] = [];
  nowMs = 0;
  private frame = 0;
  constructor(readonly stream: Stream) {}

  /** Writes the next `n` frames with their audio, advancing the clock 40 ms per frame. */
  frames(n: number): void {
    for (let k = 0; k < n; k++, this.frame++) {
      this.nowMs = (this.frame * 1000) / FPS;
      for (let p = 0; p < 4; p++) {
        const last = p === 3;
        this.write(vmedia, video, last ? { payload: [Buffer.alloc(100)], ...(this.frame % KEYINT === 0 ? { randomAccess: true } : {}) } : {});
      }
      this.write(amedia, audio, { payload: [Buffer.alloc(20)] });
      if (this.frame % 5 === 0) this.write(amedia, audio, { payload: [Buffer.alloc(20)] });
    }
  }

  /** Ids written from the key frame unit of frame `frame` on (all, or only those with a payload). */
  idsFromKeyOf(frame: number, entries: ReaderEntries): number[] {
    const start = this.written.findIndex((w) => w.unit.randomAccess === true && this.frameOfId.get(w.id) === frame);
    assert.ok(start >= 0, `no key frame written for frame ${frame}`);
    return this.written.slice(start).filter((w) => entries === 'packets' || w.payload).map((w) => w.id);
  }

  private readonly frameOfId = new Map<number, number>();

  private write(media: Media, format: Format, extra: Partial<Unit>): void {
    const id = this.written.length;
    const raw = Buffer.alloc(12 + 1000);
    const unit: Unit = { pts: id, rtpPackets: [{ marker: false, payloadType: 96, sequenceNumber: id & 0xffff, timestamp: 0, ssrc: 1, payload: raw.subarray(12), raw }], ...extra };
    this.written.push({ id, media, format, unit, payload: unit.payload !== undefined });
    this.frameOfId.set(id, this.frame);
    this.stream.writeUnit(media, format, unit);
  }
}

/**
 * A reader behind a socket that sends `ratePerTurn` units per event-loop turn and signals backpressure above
 * `highWater` buffered units (as RtmpPlayer.checkBackpressure does with bytes): the reader pauses until it drained.
 */
class SocketReader {
  readonly got: number[] = [];
  readonly reader: StreamReader;
  buffered = 0;
  pauses = 0;
  pausesInBurst = 0;
  maxBurstBatch = 0;
  private inBatch = 0;
  private waitingDrain = false;
  private stopped = false;

  constructor(entries: ReaderEntries, private readonly ratePerTurn: number, private readonly highWater = 100, queueSize = 512) {
    this.reader = new StreamReader({
      queueSize, log: Logger.silent(), entries,
      beforeBatch: () => { this.inBatch = 0; },
      afterBatch: () => {
        if (this.reader.inBurst) this.maxBurstBatch = Math.max(this.maxBurstBatch, this.inBatch);
        if (this.buffered > this.highWater && !this.waitingDrain) {
          this.waitingDrain = true;
          this.pauses++;
          if (this.reader.inBurst) this.pausesInBurst++;
          this.reader.pause();
        }
      },
    });
    const cb = (u: Unit): void => { this.got.push(u.pts); this.buffered++; this.inBatch++; };
    this.reader.onData(vmedia, video, cb);
    this.reader.onData(amedia, audio, cb);
    const network = (): void => {
      if (this.stopped) return;
      this.buffered = Math.max(0, this.buffered - this.ratePerTurn);
      if (this.waitingDrain && this.buffered === 0) { this.waitingDrain = false; this.reader.resume(); }
      setImmediate(network);
    };
    setImmediate(network);
  }

  stop(): void { this.stopped = true; this.reader.close(); }
}

describe('Stream join burst from the GOP cache', () => {
  for (const entries of ['packets', 'frames'] as const) {
    it(`a reader (queueSize 512, ${entries}) joining a 10 s GOP of ~1,300 units gets all of it and the live units after, in order, dropping nothing`, async () => {
      const cam = new Camera(new Stream(desc, { now: () => cam.nowMs }));
      cam.frames(KEYINT); // frames 0–249: the whole first GOP is cached
      const cached = cam.stream.gopCacheSize.units;
      assert.ok(cached >= 1250 && cached <= 1350, `cached units ${cached}`);
      const s = new SocketReader(entries, 40);
      cam.stream.addReader(s.reader, { fromGop: true });
      let maxQueuedInBurst = 0;
      let maxQueued = 0;
      // 12 s more, one frame per turn: live units arrive while the burst is delivered, and the next GOP starts.
      for (let f = 0; f < 300; f++) {
        cam.frames(1);
        if (s.reader.inBurst) maxQueuedInBurst = Math.max(maxQueuedInBurst, s.reader.queued);
        maxQueued = Math.max(maxQueued, s.reader.queued);
        await nextTurn();
      }
      const expected = cam.idsFromKeyOf(0, entries);
      await until(() => s.got.length >= expected.length, () => `${s.got.length} of ${expected.length} units delivered`);
      s.stop();
      assert.equal(s.reader.discarded, 0, `discarded ${s.reader.discarded}`);
      assert.equal(s.got.length, expected.length, `delivered ${s.got.length}, expected ${expected.length}`);
      const firstDiff = s.got.findIndex((id, i) => id !== expected[i]);
      assert.equal(firstDiff, -1, `order differs at ${firstDiff}: got ${s.got.slice(firstDiff, firstDiff + 5).join(',')}, expected ${expected.slice(firstDiff, firstDiff + 5).join(',')}`);
      assert.equal(maxQueuedInBurst, 0, `live units queued during the burst: up to ${maxQueuedInBurst}`);
      assert.ok(maxQueued < 64, `live queue peaked at ${maxQueued}`);
      assert.ok(s.pausesInBurst >= 1, `backpressure paused the burst ${s.pausesInBurst} times`);
      assert.ok(s.maxBurstBatch <= LOG_BATCH, `a burst batch delivered ${s.maxBurstBatch} units`);
    });
  }

  it('a reader that reads at the live rate stays behind by its join point without dropping, across GOPs', async () => {
    const cam = new Camera(new Stream(desc, { now: () => cam.nowMs }));
    cam.frames(200); // 8 s into the GOP
    // About the live rate (5.2 units per frame), with a socket that holds little: the burst is never caught up.
    const s = new SocketReader('packets', 6, 10);
    cam.stream.addReader(s.reader, { fromGop: true });
    for (let f = 0; f < 600; f++) { cam.frames(1); await nextTurn(); }
    const stillInBurst = s.reader.inBurst;
    s.stop();
    assert.equal(s.reader.discarded, 0, `discarded ${s.reader.discarded}`);
    const expected = cam.idsFromKeyOf(0, 'packets').slice(0, s.got.length);
    assert.deepEqual(s.got.slice(0, 50), expected.slice(0, 50));
    const firstDiff = s.got.findIndex((id, i) => id !== expected[i]);
    assert.equal(firstDiff, -1, `order differs at ${firstDiff}`);
    assert.ok(s.got.length > 2500, `delivered ${s.got.length}`);
    assert.equal(stillInBurst, true, `still walking the GOP log, never having caught up: ${s.got.length} of ${cam.written.length - expected[0]!} delivered`);
  });

  it('a joining reader that stops reading falls a whole GOP behind: it drops to the latest key frame and counts the packets', async () => {
    const lines: string[] = [];
    const log = Logger.create({ level: 'info', destinations: [], sink: (l) => lines.push(l) });
    const cam = new Camera(new Stream(desc, { now: () => cam.nowMs }));
    cam.frames(100);
    const got: number[] = [];
    let release!: () => void;
    const r = new StreamReader({ queueSize: 512, log });
    const cb = (u: Unit): void | Promise<void> => {
      got.push(u.pts);
      if (got.length === 1) return new Promise<void>((res) => { release = res; }); // stuck, e.g. a stalled muxer
    };
    r.onData(vmedia, video, cb);
    r.onData(amedia, audio, cb);
    cam.stream.addReader(r, { fromGop: true });
    await until(() => got.length === 1, () => `${got.length} delivered`);
    cam.frames(150 + KEYINT + 10); // two more key frames (frames 250 and 500)
    const k0 = cam.idsFromKeyOf(0, 'packets')[0]!;
    const k2 = cam.idsFromKeyOf(500, 'packets')[0]!;
    assert.equal(r.discarded, k2 - k0 - 1, `discarded ${r.discarded}: everything from after the first unit up to the key frame of frame 500 is ${k2 - k0 - 1}`);
    release();
    const expected = [k0, ...cam.idsFromKeyOf(500, 'packets')];
    await until(() => got.length >= expected.length, () => `${got.length} of ${expected.length} delivered`);
    assert.deepEqual(got, expected, 'after the drop it resumes at the latest key frame, in order');
    r.close(); // flushes the pending log line
    const warn = lines.filter((l) => /reader is too slow/.test(l));
    assert.deepEqual(warn.map((l) => l.replace(/^.* WAR /, '')), [`reader is too slow, discarding ${k2 - k0 - 1} packets`], lines.join('\n'));
  });

  it('a live RTMP-like reader (frames) that is too slow drops frames, counts them as frames and never queues payload-less packets', async () => {
    const lines: string[] = [];
    const log = Logger.create({ level: 'info', destinations: [], sink: (l) => lines.push(l) });
    const cam = new Camera(new Stream(desc, { now: () => cam.nowMs }));
    cam.frames(1);
    const got: number[] = [];
    const r = new StreamReader({ queueSize: 4, log, entries: 'frames' });
    const cb = (u: Unit): Promise<void> => { got.push(u.pts); return new Promise<void>(() => {}); }; // never done
    r.onData(vmedia, video, cb);
    r.onData(amedia, audio, cb);
    cam.stream.addReader(r);
    const from = cam.written.length;
    cam.frames(1);
    await until(() => got.length === 1, () => `${got.length} delivered`);
    cam.frames(9);
    const frames = cam.written.slice(from).filter((w) => w.payload).length;
    assert.equal(r.discarded, frames - 1 - 4, `discarded ${r.discarded} of ${frames} frames (1 being written, 4 queued)`);
    r.close();
    assert.ok(lines.some((l) => l.endsWith(`reader is too slow, discarding ${frames - 5} frames`)), lines.join('\n'));
  });

  it('a GOP cut by the time bound while a reader walks it: the reader gets the rest of the log, then its queue, each unit once', async () => {
    const cam = new Camera(new Stream(desc, { now: () => cam.nowMs, gop: { maxDurationMs: 2000 } }));
    cam.frames(25); // 1 s
    const s = new SocketReader('packets', 8, 40);
    cam.stream.addReader(s.reader, { fromGop: true });
    let late: SocketReader | undefined;
    let lateFrom = 0;
    for (let f = 25; f < 300; f++) {
      if (f === 60) {
        assert.equal(cam.stream.gopCacheSize.units, 0, 'a GOP longer than 2 s is not cached');
        late = new SocketReader('packets', 1000);
        lateFrom = cam.written.length;
        cam.stream.addReader(late.reader, { fromGop: true });
        assert.equal(late.reader.inBurst, false, 'no burst without a cached GOP');
      }
      cam.frames(1);
      await nextTurn();
    }
    const expected = cam.idsFromKeyOf(0, 'packets');
    await until(() => s.got.length >= expected.length && late!.got.length >= cam.written.length - lateFrom, () => `${s.got.length} of ${expected.length} delivered`);
    s.stop();
    late!.stop();
    assert.equal(s.reader.discarded, 0, `discarded ${s.reader.discarded}`);
    assert.deepEqual(s.got, expected);
    assert.deepEqual(late!.got, cam.written.slice(lateFrom).map((w) => w.id), 'a reader joining without a cached GOP starts live');
  });

  it('a GOP cut by the byte bound ends the log the same way', async () => {
    const cam = new Camera(new Stream(desc, { now: () => cam.nowMs, gop: { maxBytes: 300 * 1024 } }));
    cam.frames(10);
    const s = new SocketReader('frames', 2, 5);
    cam.stream.addReader(s.reader, { fromGop: true });
    for (let f = 10; f < 400; f++) { cam.frames(1); await nextTurn(); }
    const expected = cam.idsFromKeyOf(0, 'frames');
    await until(() => s.got.length >= expected.length, () => `${s.got.length} of ${expected.length} delivered`);
    s.stop();
    assert.deepEqual(s.got, expected);
    assert.equal(s.reader.discarded, 0);
  });

  it('a reader removed during its burst gets nothing more', async () => {
    const cam = new Camera(new Stream(desc, { now: () => cam.nowMs }));
    cam.frames(200);
    const s = new SocketReader('packets', 1, 0); // pauses after every batch
    cam.stream.addReader(s.reader, { fromGop: true });
    await until(() => s.got.length > 0, () => 'a first batch');
    cam.stream.removeReader(s.reader);
    const n = s.got.length;
    for (let f = 0; f < 50; f++) { cam.frames(1); await nextTurn(); }
    s.stop();
    assert.equal(s.got.length, n, `delivered ${s.got.length - n} units after removeReader`);
  });
});

describe('Stream close', () => {
  it('lets its GOP cache go, so a closed stream something still refers to holds no media', () => {
    const stream = new Stream(desc);
    stream.writeUnit(vmedia, video, { pts: 0, randomAccess: true, payload: [Buffer.alloc(1000, 0x65)] });
    stream.writeUnit(amedia, audio, { pts: 0, payload: [Buffer.alloc(100)] });
    assert.equal(stream.gopCacheSize.units, 2);
    stream.close();
    assert.deepEqual(stream.gopCacheSize, { units: 0, bytes: 0 });
  });
});
