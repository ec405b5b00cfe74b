import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Format, Media } from '../formats/index.ts';
import { GopCache } from './gop-cache.ts';
import type { Unit } from './unit.ts';

const video: Format = { codec: 'h264', payloadType: 96, encoding: 'H264', clockRate: 90000, params: new Map() };
const vmedia: Media = { kind: 'video', formats: [video] };
const audio: Format = { codec: 'opus', payloadType: 111, encoding: 'opus', clockRate: 48000, channels: 2, params: new Map() };
const amedia: Media = { kind: 'audio', formats: [audio] };

/** A video unit with `bytes` of payload. */
function frame(pts: number, bytes: number, key = false): Unit {
  return { pts, payload: [Buffer.alloc(bytes)], ...(key ? { randomAccess: true } : {}) };
}

function ptsOf(c: GopCache): number[] { return c.snapshot().map((x) => x.unit.pts); }

describe('GopCache', () => {
  it('holds nothing before the first key frame, then every unit of every format since the last key frame', () => {
    const c = new GopCache(video);
    assert.equal(c.add(vmedia, video, frame(0, 10)), 'idle');
    assert.deepEqual(ptsOf(c), []);
    assert.equal(c.add(vmedia, video, frame(1, 10, true)), 'recorded');
    c.add(amedia, audio, { pts: 2, payload: [Buffer.alloc(3)] });
    c.add(vmedia, video, frame(3, 10));
    assert.deepEqual(ptsOf(c), [1, 2, 3]);
    c.add(vmedia, video, frame(4, 10, true));
    assert.deepEqual(ptsOf(c), [4], `a key frame starts a new GOP, got ${ptsOf(c).join(',')}`);
  });

  it('is bounded by bytes: the unit that would exceed them cuts the GOP, and nothing is held until the next key frame', () => {
    const c = new GopCache(video, { maxBytes: 10_000, maxDurationMs: 1e9 });
    c.add(vmedia, video, frame(0, 4000, true));
    assert.equal(c.add(vmedia, video, frame(1, 4000)), 'recorded');
    const seg = c.head()!;
    assert.equal(c.add(vmedia, video, frame(2, 4000)), 'cut', `size before the cut ${JSON.stringify(c.size)}`);
    assert.deepEqual(ptsOf(c), []);
    assert.equal(c.head(), undefined);
    assert.deepEqual(seg.units.map((x) => x.unit.pts), [0, 1], 'the cut GOP keeps what it had, for readers walking it');
    assert.equal(seg.ended, true);
    assert.equal(seg.next, undefined);
    assert.equal(c.add(vmedia, video, frame(3, 10)), 'idle');
    c.add(vmedia, video, frame(4, 10, true));
    assert.deepEqual(ptsOf(c), [4]);
  });

  it('counts the memory blocks that payload views keep alive, each once, not the views\' lengths', () => {
    const c = new GopCache(video, { maxBytes: 200_000, maxDurationMs: 1e9 });
    // A read of 64 KiB holding a 10-byte frame (the rest dropped): the frame keeps all of it.
    const tinyView = (pts: number, key = false): Unit => ({ pts, payload: [Buffer.alloc(65536).subarray(0, 10)], ...(key ? { randomAccess: true } : {}) });
    assert.equal(c.add(vmedia, video, tinyView(0, true)), 'recorded');
    assert.equal(c.add(vmedia, video, tinyView(1)), 'recorded');
    assert.equal(c.add(vmedia, video, tinyView(2)), 'recorded');
    assert.equal(c.add(vmedia, video, tinyView(3)), 'cut', `4 x 64 KiB pinned must exceed 200,000 bytes; size ${JSON.stringify(c.size)}`);
    // Frames that share one read count it once.
    const read = Buffer.alloc(65536);
    c.add(vmedia, video, { pts: 4, payload: [read.subarray(0, 100)], randomAccess: true });
    for (let i = 1; i < 100; i++) assert.equal(c.add(vmedia, video, { pts: 4 + i, payload: [read.subarray(i * 100, i * 100 + 100)] }), 'recorded');
    assert.equal(c.size.bytes, 65536 + 100 * 200);
  });

  it('is bounded by the time since the key frame arrived', () => {
    let now = 0;
    const c = new GopCache(video, { maxBytes: 1e9, maxDurationMs: 10_000 }, () => now);
    c.add(vmedia, video, frame(0, 10, true));
    for (let t = 40; t <= 10_000; t += 40) { now = t; assert.equal(c.add(vmedia, video, frame(t, 10)), 'recorded', `at ${t} ms`); }
    now = 10_040;
    assert.equal(c.add(amedia, audio, { pts: 1, payload: [Buffer.alloc(3)] }), 'cut', 'any unit past the duration cuts');
    assert.deepEqual(ptsOf(c), []);
    now = 10_080;
    c.add(vmedia, video, frame(10_080, 10, true));
    now = 12_000;
    c.add(vmedia, video, frame(12_000, 10));
    assert.deepEqual(ptsOf(c), [10_080, 12_000], 'the next key frame starts a fresh GOP with a fresh clock');
  });

  it('links each GOP to the next, so a reader walking an older one reaches the live one', () => {
    const c = new GopCache(video);
    c.add(vmedia, video, frame(0, 10, true));
    const first = c.head()!;
    c.add(vmedia, video, frame(1, 10));
    c.add(vmedia, video, frame(2, 10, true));
    assert.equal(first.ended, true);
    assert.equal(first.next, c.head());
    assert.deepEqual(first.units.map((x) => x.unit.pts), [0, 1]);
    assert.equal(c.head()!.ended, false);
  });

  it('counts the bytes of RTP packets and payloads plus a per-unit overhead', () => {
    const c = new GopCache(video);
    c.add(vmedia, video, frame(0, 1000, true));
    const raw = Buffer.alloc(500);
    c.add(vmedia, video, { pts: 1, rtpPackets: [{ marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 1, payload: raw.subarray(12), raw }] });
    const { units, bytes } = c.size;
    assert.equal(units, 2);
    assert.ok(bytes >= 1500 && bytes < 1500 + 2 * 1024, `bytes ${bytes}`);
  });
});
