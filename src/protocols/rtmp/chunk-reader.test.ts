import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RtmpChunkReader } from './chunk-reader.ts';
import { serializeRtmpMessage } from './chunk-writer.ts';
import { MAX_MESSAGE_BYTES, type RtmpMessage } from './rtmp-message.ts';

const msg = (len: number, type = 9, timestamp = 1000, csid = 6): RtmpMessage =>
  ({ chunkStreamId: csid, type, timestamp, messageStreamId: 1, body: Buffer.alloc(len, len & 0xff) });
const setChunk = (size: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(size); return serializeRtmpMessage({ chunkStreamId: 2, type: 1, timestamp: 0, messageStreamId: 0, body: b }, 128); };

describe('RTMP chunk stream (RTMP spec §5.3)', () => {
  for (const size of [128, 4096, 65536]) {
    it(`reads back what the writer chunked at chunk size ${size}, any message length`, () => {
      const r = new RtmpChunkReader();
      const lens = [0, 1, size - 1, size, size + 1, 3 * size + 7];
      const bytes = Buffer.concat([...(size !== 128 ? [setChunk(size)] : []), ...lens.map((l) => serializeRtmpMessage(msg(l), size))]);
      const got = r.push(bytes).filter((m) => m.type === 9);
      assert.deepEqual(got.map((m) => [m.body.length, m.timestamp, m.chunkStreamId]), lens.map((l) => [l, 1000, 6]));
      assert.ok(got.every((m, i) => m.body.equals(msg(lens[i]!).body)));
    });
  }

  it('gives the same messages however TCP splits the bytes', () => {
    const msgs = [msg(300, 9, 10), msg(5, 8, 20, 4), msg(1000, 9, 0x1000000, 6), msg(129, 20, 30, 3)];
    const bytes = Buffer.concat(msgs.map((m) => serializeRtmpMessage(m, 128)));
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: bytes.length }), { maxLength: 30 }), (cuts) => {
      const r = new RtmpChunkReader();
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const got = [0, ...points].flatMap((p, i) => r.push(bytes.subarray(p, points[i] ?? bytes.length)));
      assert.deepEqual(got.map((m) => [m.type, m.timestamp, m.body.length]), msgs.map((m) => [m.type, m.timestamp, m.body.length]));
    }));
  });

  it('applies type 1/2/3 headers: deltas accumulate, type 3 repeats the last delta', () => {
    const r = new RtmpChunkReader();
    const b = Buffer.from([
      0x06, 0, 0, 100, 0, 0, 1, 9, 1, 0, 0, 0, 0xaa, // type 0: ts 100, len 1, video, stream 1
      0x46, 0, 0, 40, 0, 0, 1, 9, 0xbb, // type 1: delta 40, len 1
      0x86, 0, 0, 33, 0xcc, // type 2: delta 33
      0xc6, 0xdd, // type 3: delta 33 again
    ]);
    assert.deepEqual(r.push(b).map((m) => [m.timestamp, m.body[0]]), [[100, 0xaa], [140, 0xbb], [173, 0xcc], [206, 0xdd]]);
  });

  it('reads extended timestamps (0xffffff + 32-bit field)', () => {
    const r = new RtmpChunkReader();
    const b = Buffer.from([0x06, 0xff, 0xff, 0xff, 0, 0, 1, 9, 1, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0xaa]);
    assert.deepEqual(r.push(b).map((m) => m.timestamp), [0x12345678]);
  });

  it('refuses chunk size 0 or beyond the limit, oversized messages and continuations of unknown chunk streams', () => {
    assert.throws(() => new RtmpChunkReader().push(setChunk(0)), { name: 'RtmpProtocolError' });
    assert.throws(() => new RtmpChunkReader().push(setChunk(MAX_MESSAGE_BYTES + 1)), { name: 'RtmpProtocolError' });
    assert.doesNotThrow(() => new RtmpChunkReader().push(setChunk(MAX_MESSAGE_BYTES)));
    const big = Buffer.from([0x06, 0, 0, 0, 0xff, 0xff, 0xff, 9, 1, 0, 0, 0]);
    assert.throws(() => new RtmpChunkReader().push(big), { name: 'RtmpProtocolError', message: /exceeds/ });
    assert.throws(() => new RtmpChunkReader().push(Buffer.from([0xc7, 1])), { name: 'RtmpProtocolError' });
  });

  it('throws RtmpProtocolError and nothing else on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      try { new RtmpChunkReader().push(Buffer.from(b)); } catch (e) { assert.equal((e as Error).name, 'RtmpProtocolError'); }
    }), { numRuns: 5000 });
  });
});
