import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RtmpChunkReader } from './chunk-reader.ts';
import { serializeRtmpMessage, serializeRtmpParts } from './chunk-writer.ts';
import { RtmpProtocolError } from './rtmp-errors.ts';
import { MAX_MESSAGE_BYTES, type RtmpMessage } from './rtmp-message.ts';

const msg = (len: number, type = 9, timestamp = 1000, csid = 6): RtmpMessage =>
  ({ chunkStreamId: csid, type, timestamp, messageStreamId: 1, body: Buffer.alloc(len, len & 0xff) });
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
const control = (type: number, value: number): Buffer =>
  serializeRtmpMessage({ chunkStreamId: 2, type, timestamp: 0, messageStreamId: 0, body: u32(value) }, 128);
const setChunk = (size: number): Buffer => control(1, size);

/** Feeds `bytes` cut at `cuts` (offsets, any order, duplicates allowed) and returns every message. */
const feed = (r: RtmpChunkReader, bytes: Buffer, cuts: number[]): RtmpMessage[] => {
  const points = [...new Set(cuts)].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b);
  return [0, ...points].flatMap((p, i) => r.push(bytes.subarray(p, points[i] ?? bytes.length)));
};
const onlyProtocolError = (fn: () => unknown): void => {
  try { fn(); } catch (e) { assert.ok(e instanceof RtmpProtocolError, `expected RtmpProtocolError, got ${String(e)}`); }
};

describe('RTMP chunk writer (RTMP spec §5.3.1)', () => {
  it('writes a type 0 header, then type 3 continuations', () => {
    const out = serializeRtmpMessage({ chunkStreamId: 4, type: 9, timestamp: 1000, messageStreamId: 1, body: Buffer.from([0xa, 0xb, 0xc]) }, 2);
    assert.deepEqual([...out], [0x04, 0, 0x03, 0xe8, 0, 0, 3, 9, 1, 0, 0, 0, 0xa, 0xb, 0xc4, 0xc]);
  });

  it('writes a body given as parts as the same chunks as the joined body, parts split across chunks anywhere', () => {
    const out = serializeRtmpParts({ chunkStreamId: 4, type: 9, timestamp: 1000, messageStreamId: 1 }, [Buffer.from([0xa]), Buffer.alloc(0), Buffer.from([0xb, 0xc])], 2);
    assert.deepEqual([...out], [0x04, 0, 0x03, 0xe8, 0, 0, 3, 9, 1, 0, 0, 0, 0xa, 0xb, 0xc4, 0xc]);
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), fc.integer({ min: 1, max: 400 }), fc.constantFrom(0, 5000, 0xffffff, 0x1000000),
      (arrays, size, timestamp) => {
        const parts = arrays.map((a) => Buffer.from(a));
        const head = { chunkStreamId: 6, type: 9, timestamp, messageStreamId: 1 };
        const body = Buffer.concat(parts);
        const bytes = serializeRtmpParts(head, parts, size);
        assert.deepEqual(bytes, serializeRtmpMessage({ ...head, body }, size));
        // Read back by the reader, an independent decoder of the chunk format.
        const r = new RtmpChunkReader();
        assert.deepEqual(r.push(Buffer.concat([setChunk(size), bytes])).filter((m) => m.type === 9), [{ ...head, body }]);
      }), { numRuns: 300 });
  });

  it('writes timestamps from 0xffffff up as extended timestamps, repeated in every type 3 chunk', () => {
    const out = serializeRtmpMessage({ chunkStreamId: 3, type: 20, timestamp: 0xffffff, messageStreamId: 0, body: Buffer.from([1, 2]) }, 1);
    assert.deepEqual([...out], [0x03, 0xff, 0xff, 0xff, 0, 0, 2, 20, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 1, 0xc3, 0, 0xff, 0xff, 0xff, 2]);
    const small = serializeRtmpMessage({ chunkStreamId: 3, type: 20, timestamp: 0xfffffe, messageStreamId: 0, body: Buffer.alloc(0) }, 128);
    assert.deepEqual([...small], [0x03, 0xff, 0xff, 0xfe, 0, 0, 0, 20, 0, 0, 0, 0]);
  });

  it('uses the 2- and 3-byte basic headers for chunk stream ids from 64', () => {
    const basic = (csid: number): number[] => [...serializeRtmpMessage({ ...msg(0), chunkStreamId: csid }, 128).subarray(0, csid < 64 ? 1 : csid < 320 ? 2 : 3)];
    assert.deepEqual(basic(63), [63]);
    assert.deepEqual(basic(64), [0, 0]);
    assert.deepEqual(basic(319), [0, 255]);
    assert.deepEqual(basic(320), [1, 0, 1]);
    assert.deepEqual(basic(65599), [1, 0xff, 0xff]);
  });
});

describe('RTMP chunk reader (RTMP spec §5.3)', () => {
  for (const size of [128, 4096, 65536]) {
    it(`reads back what the writer chunked at chunk size ${size}, any message length`, () => {
      const r = new RtmpChunkReader();
      const lens = [0, 1, size - 1, size, size + 1, 3 * size + 7];
      const bytes = Buffer.concat([...(size !== 128 ? [setChunk(size)] : []), ...lens.map((l) => serializeRtmpMessage(msg(l), size))]);
      const got = r.push(bytes).filter((m) => m.type === 9);
      assert.deepEqual(got.map((m) => [m.body.length, m.timestamp, m.chunkStreamId, m.messageStreamId]), lens.map((l) => [l, 1000, 6, 1]));
      assert.ok(got.every((m, i) => m.body.equals(msg(lens[i]!).body)));
    });
  }

  it('gives the same messages when the bytes are cut at any single offset, or fed one byte at a time', () => {
    const msgs = [msg(300, 9, 10), msg(0, 18, 15, 5), msg(200, 8, 0x1000000, 4)];
    const bytes = Buffer.concat([setChunk(150), ...msgs.map((m) => serializeRtmpMessage(m, 150))]);
    const want = [{ ...msg(4, 1, 0, 2), messageStreamId: 0, body: u32(150) }, ...msgs];
    for (let i = 0; i <= bytes.length; i++) assert.deepEqual(feed(new RtmpChunkReader(), bytes, [i]), want, `cut at ${i}`);
    const r = new RtmpChunkReader();
    assert.deepEqual([...bytes].flatMap((b) => r.push(Buffer.from([b]))), want);
  });

  it('gives the same messages for generated messages, chunk sizes and TCP splits', () => {
    const message = fc.record({
      chunkStreamId: fc.oneof(fc.integer({ min: 2, max: 63 }), fc.integer({ min: 64, max: 319 }), fc.integer({ min: 320, max: 65599 })),
      type: fc.constantFrom(3, 4, 5, 6, 8, 9, 15, 17, 18, 20, 22),
      timestamp: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0xfffffd, max: 0x1000001 })),
      messageStreamId: fc.integer({ min: 0, max: 0xffffffff }),
      body: fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
    }, { noNullPrototype: true });
    const arb = fc.record({ size: fc.constantFrom(1, 2, 127, 128, 129, 4096), msgs: fc.array(message, { maxLength: 6 }), cuts: fc.array(fc.nat(5000), { maxLength: 20 }) });
    fc.assert(fc.property(arb, ({ size, msgs, cuts }) => {
      const bytes = Buffer.concat([setChunk(size), ...msgs.map((m) => serializeRtmpMessage(m, size))]);
      assert.deepEqual(feed(new RtmpChunkReader(), bytes, cuts).slice(1), msgs);
    }), { numRuns: 300 });
  });

  it('reassembles messages whose chunks are interleaved across chunk streams', () => {
    const a = serializeRtmpMessage(msg(200, 9, 40, 4), 128);
    const b = serializeRtmpMessage(msg(150, 8, 41, 6), 128);
    const got = new RtmpChunkReader().push(Buffer.concat([a.subarray(0, 140), b.subarray(0, 140), a.subarray(140), b.subarray(140)]));
    assert.deepEqual(got, [msg(200, 9, 40, 4), msg(150, 8, 41, 6)]);
  });

  it('applies Set Chunk Size to the chunks that follow it', () => {
    const r = new RtmpChunkReader();
    assert.deepEqual(r.push(serializeRtmpMessage(msg(300), 128)), [msg(300)]);
    assert.equal(r.push(setChunk(1000)).length, 1);
    // A 300-byte message now fits one chunk; at 128 these bytes would be misread.
    assert.deepEqual(r.push(serializeRtmpMessage(msg(300, 9, 2000), 1000)), [msg(300, 9, 2000)]);
    assert.equal(r.push(setChunk(1)).length, 1);
    assert.deepEqual(r.push(serializeRtmpMessage(msg(3, 9, 3000), 1)), [msg(3, 9, 3000)]);
  });

  it('applies type 1/2/3 headers: deltas accumulate, type 3 repeats the last delta', () => {
    const r = new RtmpChunkReader();
    const b = Buffer.from([
      0x06, 0, 0, 100, 0, 0, 1, 9, 1, 0, 0, 0, 0xaa, // type 0: ts 100, len 1, video, stream 1
      0x46, 0, 0, 40, 0, 0, 2, 8, 0xbb, 0xbb, // type 1: delta 40, len 2, audio
      0x86, 0, 0, 33, 0xcc, 0xcc, // type 2: delta 33, same length and type
      0xc6, 0xdd, 0xdd, // type 3: delta 33 again
    ]);
    assert.deepEqual(r.push(b).map((m) => [m.timestamp, m.type, m.messageStreamId, [...m.body]]),
      [[100, 9, 1, [0xaa]], [140, 8, 1, [0xbb, 0xbb]], [173, 8, 1, [0xcc, 0xcc]], [206, 8, 1, [0xdd, 0xdd]]]);
  });

  it('reads the 2- and 3-byte basic headers (chunk stream ids 64 … 65599)', () => {
    const r = new RtmpChunkReader();
    const b = Buffer.from([0x00, 36, 0, 0, 1, 0, 0, 1, 9, 1, 0, 0, 0, 0xaa, 0x01, 0xa8, 0x03, 0, 0, 2, 0, 0, 1, 9, 1, 0, 0, 0, 0xbb]);
    assert.deepEqual(r.push(b).map((m) => [m.chunkStreamId, m.timestamp]), [[100, 1], [1000, 2]]);
  });

  it('reads extended timestamps in type 0 headers and in the type 3 continuations that repeat them', () => {
    const r = new RtmpChunkReader();
    const b = Buffer.concat([
      Buffer.from([0x06, 0xff, 0xff, 0xff, 0, 0, 129, 9, 1, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]), Buffer.alloc(128, 1),
      Buffer.from([0xc6, 0x12, 0x34, 0x56, 0x78, 2]),
    ]);
    const got = r.push(b);
    assert.deepEqual(got.map((m) => [m.timestamp, m.body.length]), [[0x12345678, 129]]);
    assert.deepEqual([...got[0]!.body.subarray(126)], [1, 1, 2]);
  });

  it('reads extended timestamp deltas in type 1/2 headers, repeated by type 3; timestamps wrap at 2^32', () => {
    const r = new RtmpChunkReader();
    const b = Buffer.from([
      0x06, 0, 0, 100, 0, 0, 1, 9, 1, 0, 0, 0, 0xaa,
      0x46, 0xff, 0xff, 0xff, 0, 0, 1, 9, 0x01, 0, 0, 0, 0xbb, // type 1: extended delta 0x01000000
      0xc6, 0x01, 0, 0, 0, 0xcc, // type 3: the same extended delta again
      0x86, 0, 0, 10, 0xdd, // type 2: plain delta 10, no extended field any more
      0xc6, 0xee, // type 3: delta 10
      0x86, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x11, // type 2: extended delta 0xff000000 wraps past 2^32
    ]);
    assert.deepEqual(r.push(b).map((m) => m.timestamp), [100, 0x1000064, 0x2000064, 0x200006e, 0x2000078, 0x01000078]);
  });

  it('drops a partial message on Abort (§5.4.2)', () => {
    const r = new RtmpChunkReader();
    assert.deepEqual(r.push(serializeRtmpMessage(msg(300), 128).subarray(0, 140)), []);
    assert.equal(r.push(control(2, 6)).length, 1);
    assert.throws(() => r.push(Buffer.from([0xc6, 0])), RtmpProtocolError, 'the aborted chunk stream is forgotten');
    assert.deepEqual(new RtmpChunkReader().push(Buffer.concat([serializeRtmpMessage(msg(300), 128).subarray(0, 140), control(2, 6), serializeRtmpMessage(msg(5), 128)])),
      [{ ...msg(4, 2, 0, 2), messageStreamId: 0, body: u32(6) }, msg(5)]);
  });

  it('refuses chunk size 0 or beyond the limit', () => {
    assert.throws(() => new RtmpChunkReader().push(setChunk(0)), RtmpProtocolError);
    assert.throws(() => new RtmpChunkReader().push(setChunk(MAX_MESSAGE_BYTES + 1)), RtmpProtocolError);
    assert.throws(() => new RtmpChunkReader().push(serializeRtmpMessage({ ...msg(3, 1, 0, 2), body: Buffer.from([0, 0, 1]) }, 128)), RtmpProtocolError);
    assert.doesNotThrow(() => new RtmpChunkReader().push(setChunk(MAX_MESSAGE_BYTES)));
    assert.doesNotThrow(() => new RtmpChunkReader().push(setChunk(1)));
  });

  it('refuses messages longer than the limit, in type 0 and type 1 headers, before their body arrives', () => {
    const hdr = (fmt: number, len: number): number[] => [(fmt << 6) | 6, 0, 0, 0, len >> 16, (len >> 8) & 0xff, len & 0xff, 9, ...(fmt === 0 ? [1, 0, 0, 0] : [])];
    assert.deepEqual(new RtmpChunkReader().push(Buffer.from(hdr(0, MAX_MESSAGE_BYTES))), []);
    assert.throws(() => new RtmpChunkReader().push(Buffer.from(hdr(0, MAX_MESSAGE_BYTES + 1))), (e: unknown) => e instanceof RtmpProtocolError && /exceeds/.test(e.message));
    assert.throws(() => new RtmpChunkReader().push(Buffer.from(hdr(0, 0xffffff))), RtmpProtocolError);
    assert.throws(() => new RtmpChunkReader().push(Buffer.from([...hdr(0, 0), ...hdr(1, MAX_MESSAGE_BYTES + 1)])), RtmpProtocolError);
  });

  it('refuses type 1/2/3 chunks on a chunk stream that never had a type 0 header', () => {
    for (const b of [[0x47, 0, 0, 0, 0, 0, 0, 9], [0x87, 0, 0, 0], [0xc7, 1]]) assert.throws(() => new RtmpChunkReader().push(Buffer.from(b)), RtmpProtocolError);
  });

  it('bounds the number of chunk streams (64)', () => {
    const r = new RtmpChunkReader();
    for (let csid = 3; csid < 3 + 64; csid++) assert.equal(r.push(serializeRtmpMessage(msg(1, 9, 0, csid), 128)).length, 1);
    assert.throws(() => r.push(serializeRtmpMessage(msg(1, 9, 0, 100), 128)), RtmpProtocolError);
  });

  it('bounds the bytes of unfinished messages across chunk streams (two messages of the largest size), Abort gives them back', () => {
    const size = 4 * 1024 * 1024;
    const chunk = Buffer.alloc(size, 7);
    // The first chunk of a MAX_MESSAGE_BYTES video message on chunk stream `csid`: a type 0 header, then `size` bytes.
    const start = (csid: number): Buffer => {
      const h = Buffer.from([csid, 0, 0, 0, 0, 0, 0, 9, 1, 0, 0, 0]);
      h.writeUIntBE(MAX_MESSAGE_BYTES, 4, 3);
      return Buffer.concat([h, chunk]);
    };
    const r = new RtmpChunkReader();
    assert.deepEqual(r.push(setChunk(size)).length, 1);
    // 5 × 4 MiB = 20 MiB held: the limit exactly.
    for (let csid = 3; csid < 8; csid++) assert.deepEqual(r.push(start(csid)), []);
    assert.throws(() => r.push(start(8)), { name: 'RtmpProtocolError', message: /unfinished/ }, 'a sixth partial message would hold 24 MiB');

    const r2 = new RtmpChunkReader();
    r2.push(setChunk(size));
    for (let csid = 3; csid < 8; csid++) r2.push(start(csid));
    assert.equal(r2.push(control(2, 3)).length, 1, 'Abort of chunk stream 3');
    assert.deepEqual(r2.push(start(8)), [], 'the aborted message\'s bytes no longer count');
  });

  it('takes two largest messages interleaved with small ones (what the partial-bytes limit must leave room for)', () => {
    const r = new RtmpChunkReader();
    r.push(setChunk(1024 * 1024));
    const a = serializeRtmpMessage({ chunkStreamId: 6, type: 9, timestamp: 0, messageStreamId: 1, body: Buffer.alloc(MAX_MESSAGE_BYTES, 1) }, 1024 * 1024);
    const b = serializeRtmpMessage({ chunkStreamId: 7, type: 9, timestamp: 0, messageStreamId: 1, body: Buffer.alloc(MAX_MESSAGE_BYTES, 2) }, 1024 * 1024);
    const audio = serializeRtmpMessage(msg(300, 8, 0, 4), 1024 * 1024);
    const chunksOf = (m: Buffer): Buffer[] => {
      const out: Buffer[] = [];
      for (let pos = 0; pos < m.length;) { const n = out.length === 0 ? 12 + 1024 * 1024 : 1 + 1024 * 1024; out.push(m.subarray(pos, pos + n)); pos += n; }
      return out;
    };
    const ca = chunksOf(a);
    const cb = chunksOf(b);
    const got: RtmpMessage[] = [];
    for (let i = 0; i < ca.length; i++) got.push(...r.push(ca[i]!), ...r.push(cb[i]!), ...r.push(audio));
    assert.deepEqual(got.map((m) => [m.chunkStreamId, m.body.length]).filter(([c]) => c !== 4), [[6, MAX_MESSAGE_BYTES], [7, MAX_MESSAGE_BYTES]]);
    assert.equal(got.filter((m) => m.chunkStreamId === 4).length, ca.length);
  });

  it('throws RtmpProtocolError and nothing else on arbitrary bytes, also after valid messages', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyProtocolError(() => new RtmpChunkReader().push(Buffer.from(b)))), { numRuns: 5000 });
    const valid = Buffer.concat([setChunk(64), serializeRtmpMessage(msg(100), 64), serializeRtmpMessage(msg(10, 8, 5, 4), 64)]);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(500), { maxLength: 8 }), (b, cuts) =>
      onlyProtocolError(() => feed(new RtmpChunkReader(), Buffer.concat([valid, b]), cuts))), { numRuns: 3000 });
  });
});

describe('RTMP chunk stream: review findings', () => {
  it('refuses a type 0 or 1 header on a chunk stream whose message is half received', () => {
    const first = serializeRtmpMessage({ chunkStreamId: 6, type: 9, timestamp: 0, messageStreamId: 1, body: Buffer.alloc(300, 1) }, 128).subarray(0, 140);
    const interrupt = Buffer.from([0x06, 0, 0, 5, 0, 0, 10, 9, 1, 0, 0, 0, ...Buffer.alloc(10, 2)]);
    assert.throws(() => new RtmpChunkReader().push(Buffer.concat([first, interrupt])), { name: 'RtmpProtocolError', message: /in progress/ });
    const type1 = Buffer.from([0x46, 0, 0, 5, 0, 0, 10, 9, ...Buffer.alloc(10, 2)]);
    assert.throws(() => new RtmpChunkReader().push(Buffer.concat([first, type1])), { name: 'RtmpProtocolError' });
  });

  it('gives a body that came in its own read after its header (as FFmpeg writes them) as that read, not a copy', () => {
    const size = 20_000;
    const r = new RtmpChunkReader();
    r.push(setChunkFor(size));
    const body = Buffer.alloc(size - 100, 7);
    const bytes = serializeRtmpMessage({ chunkStreamId: 6, type: 9, timestamp: 40, messageStreamId: 1, body }, size);
    const header = bytes.subarray(0, 12);
    const read = Buffer.from(bytes.subarray(12));
    assert.deepEqual(r.push(Buffer.from(header)), []);
    const [m] = r.push(read);
    assert.equal(m?.body, read);
    assert.equal(m?.timestamp, 40);
  });

  it('copies a large chunk arriving in small reads once, not once per read', () => {
    const size = 10 * 1024 * 1024;
    const bytes = Buffer.concat([setChunkFor(size), serializeRtmpMessage({ chunkStreamId: 6, type: 9, timestamp: 0, messageStreamId: 1, body: Buffer.alloc(size, 3) }, size)]);
    const r = new RtmpChunkReader();
    const t0 = performance.now();
    let got = 0;
    for (let off = 0; off < bytes.length; off += 4096) got += r.push(bytes.subarray(off, off + 4096)).filter((m) => m.type === 9).length;
    const ms = performance.now() - t0;
    assert.equal(got, 1);
    // Quadratic copying took 1–10 s here; linear takes tens of ms. The bound is loose so a busy machine can't fail it.
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });

  it('takes a large chunk drip-fed in 16-byte reads in linear time (262,144 reads)', () => {
    const size = 4 * 1024 * 1024;
    const bytes = Buffer.concat([setChunkFor(size), serializeRtmpMessage({ chunkStreamId: 6, type: 9, timestamp: 0, messageStreamId: 1, body: Buffer.alloc(size, 5) }, size)]);
    const r = new RtmpChunkReader();
    const t0 = performance.now();
    const got: RtmpMessage[] = [];
    for (let off = 0; off < bytes.length; off += 16) got.push(...r.push(bytes.subarray(off, off + 16)).filter((m) => m.type === 9));
    const ms = performance.now() - t0;
    assert.equal(got.length, 1);
    assert.equal(got[0]!.body.length, size);
    assert.ok(got[0]!.body.every((b) => b === 5));
    // Shifting consumed reads off a large array made this quadratic: 5.7 s here; linear takes about 150 ms.
    assert.ok(ms < 2500, `took ${ms.toFixed(0)} ms`);
  });
});

function setChunkFor(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(size);
  return serializeRtmpMessage({ chunkStreamId: 2, type: 1, timestamp: 0, messageStreamId: 0, body: b }, 128);
}
