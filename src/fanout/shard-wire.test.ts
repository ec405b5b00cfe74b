import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_RECORD_BYTES, MAX_SEQ, RECORD_HEADER_BYTES, RecordKind, RecordParser, bodyLength, recordHeader, type ShardRecord } from './shard-wire.ts';

/** Header vectors: u8 kind | u32 id | u48 seq | u32 length, big-endian. */
const VECTORS: readonly { kind: RecordKind; id: number; seq: number; length: number; hex: string }[] = [
  { kind: RecordKind.Media, id: 0, seq: 0, length: 0, hex: '01' + '00000000' + '0000' + '00000000' + '00000000' },
  { kind: RecordKind.Media, id: 1, seq: 2, length: 3, hex: '01' + '00000001' + '0000' + '00000002' + '00000003' },
  { kind: RecordKind.Conn, id: 0x01020304, seq: 0, length: 0x00a0b0c0, hex: '02' + '01020304' + '0000' + '00000000' + '00a0b0c0' },
  { kind: RecordKind.Media, id: 0xffffffff, seq: 0xfffffffe, length: MAX_RECORD_BYTES, hex: '01' + 'ffffffff' + '0000' + 'fffffffe' + '04000000' },
  { kind: RecordKind.Conn, id: 305419896, seq: 2864434397, length: 256, hex: '02' + '12345678' + '0000' + 'aabbccdd' + '00000100' },
  { kind: RecordKind.MediaLazy, id: 7, seq: 9, length: 5, hex: '06' + '00000007' + '0000' + '00000009' + '00000005' },
  { kind: RecordKind.Media, id: 9, seq: 2 ** 40 + 3, length: 1, hex: '01' + '00000009' + '0100' + '00000003' + '00000001' },
  { kind: RecordKind.End, id: 42, seq: 0, length: 0, hex: '03' + '0000002a' + '0000' + '00000000' + '00000000' },
  { kind: RecordKind.Hold, id: 7, seq: 0, length: 0, hex: '04' + '00000007' + '0000' + '00000000' + '00000000' },
  { kind: RecordKind.Resume, id: 7, seq: 2 ** 33 + 1, length: 0, hex: '05' + '00000007' + '0002' + '00000001' + '00000000' },
];

/** The bytes of a record as a sender puts them on the pipe. */
function serialise(r: ShardRecord): Buffer {
  return Buffer.concat([recordHeader(r.kind, r.id, r.seq, r.body.length), r.body]);
}

const plain = (rs: readonly ShardRecord[]): { kind: number; id: number; seq: number; body: string }[] =>
  rs.map((r) => ({ kind: r.kind, id: r.id, seq: r.seq, body: r.body.toString('hex') }));

describe('recordHeader', () => {
  for (const v of VECTORS) {
    it(`writes kind ${v.kind} id ${v.id} seq ${v.seq} length ${v.length} as ${v.hex}`, () => {
      const h = recordHeader(v.kind, v.id, v.seq, v.length);
      assert.equal(h.length, RECORD_HEADER_BYTES);
      assert.equal(h.toString('hex'), v.hex);
    });
  }

  it('writes ids as unsigned 32-bit numbers, and seqs as 48-bit ones that go past 2^32', () => {
    assert.equal(recordHeader(RecordKind.Media, -1, 2 ** 32 + 7, 0).toString('hex'), '01' + 'ffffffff' + '0001' + '00000007' + '00000000');
    assert.equal(recordHeader(RecordKind.Media, 2 ** 32 + 5, MAX_SEQ, 1).toString('hex'), '01' + '00000005' + 'ffff' + 'ffffffff' + '00000001');
  });
});

describe('bodyLength', () => {
  it('is the length of one buffer, or the sum of the pieces', () => {
    assert.equal(bodyLength(Buffer.from('abc')), 3);
    assert.equal(bodyLength([]), 0);
    assert.equal(bodyLength([Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cde')]), 5);
  });

  it('frames pieces as the one record of their concatenation', () => {
    const pieces = [Buffer.from('$\x00'), Buffer.from('rtp one'), Buffer.from('$\x01rtcp')];
    const onWire = Buffer.concat([recordHeader(RecordKind.Media, 3, 7, bodyLength(pieces)), ...pieces]);
    assert.deepEqual(plain(new RecordParser().push(onWire)), [{ kind: RecordKind.Media, id: 3, seq: 7, body: Buffer.concat(pieces).toString('hex') }]);
  });
});

describe('RecordParser', () => {
  for (const v of VECTORS) {
    it(`reads header ${v.hex} back`, () => {
      const header = Buffer.from(v.hex, 'hex');
      const p = new RecordParser();
      if (v.length > 1024) {
        // Large bodies are not built: the header alone completes no record, and nothing is thrown.
        assert.deepEqual(p.push(header), []);
        return;
      }
      const body = Buffer.alloc(v.length, 0x5a);
      assert.deepEqual(plain(p.push(Buffer.concat([header, body]))), [{ kind: v.kind, id: v.id, seq: v.seq, body: body.toString('hex') }]);
    });
  }

  it('waits for a whole header and a whole body, byte by byte', () => {
    const p = new RecordParser();
    const bytes = serialise({ kind: RecordKind.Conn, id: 7, seq: 0, body: Buffer.from('hello') });
    for (let i = 0; i < bytes.length - 1; i++) assert.deepEqual(p.push(bytes.subarray(i, i + 1)), [], `byte ${i}`);
    assert.deepEqual(plain(p.push(bytes.subarray(bytes.length - 1))), [{ kind: RecordKind.Conn, id: 7, seq: 0, body: Buffer.from('hello').toString('hex') }]);
    assert.deepEqual(p.push(Buffer.alloc(0)), []);
  });

  it('parses any records, in any chunking, back to the same records in order', () => {
    const record = fc.record({
      kind: fc.constantFrom(RecordKind.Media, RecordKind.Conn, RecordKind.End, RecordKind.Hold, RecordKind.Resume, RecordKind.MediaLazy),
      id: fc.nat({ max: 0xffffffff }),
      seq: fc.nat({ max: MAX_SEQ }),
      body: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    });
    fc.assert(fc.property(fc.array(record, { maxLength: 20 }), fc.array(fc.nat({ max: 400 }), { maxLength: 30 }), (records, cuts) => {
      const stream = Buffer.concat(records.map(serialise));
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const p = new RecordParser();
      const got: ShardRecord[] = [];
      let from = 0;
      for (const to of [...points, stream.length]) {
        got.push(...p.push(stream.subarray(from, to)));
        from = to;
      }
      assert.deepEqual(plain(got), plain(records));
      // Nothing is left over: the next record parses on its own.
      assert.deepEqual(plain(p.push(serialise({ kind: RecordKind.Media, id: 1, seq: 1, body: Buffer.from('x') }))),
        [{ kind: RecordKind.Media, id: 1, seq: 1, body: '78' }]);
    }));
  });

  it('refuses an unknown kind', () => {
    for (const kind of [0, 7, 0xff]) {
      const h = recordHeader(RecordKind.Media, 1, 1, 0);
      h[0] = kind;
      assert.throws(() => new RecordParser().push(h), new RegExp(`unknown record kind ${kind}$`));
    }
    // Also when the bad header follows a good record in the same chunk, or completes a pending one.
    const good = serialise({ kind: RecordKind.Media, id: 1, seq: 1, body: Buffer.from('ok') });
    const bad = Buffer.from(recordHeader(RecordKind.Conn, 1, 0, 0));
    bad[0] = 9;
    const p = new RecordParser();
    assert.deepEqual(p.push(good.subarray(0, 5)), []);
    assert.throws(() => p.push(Buffer.concat([good.subarray(5), bad])), /unknown record kind 9/);
  });

  it('refuses a length above MAX_RECORD_BYTES, from the header alone', () => {
    assert.throws(() => new RecordParser().push(recordHeader(RecordKind.Media, 1, 1, MAX_RECORD_BYTES + 1)), new RegExp(`record of ${MAX_RECORD_BYTES + 1} bytes`));
    assert.throws(() => new RecordParser().push(recordHeader(RecordKind.Conn, 1, 0, 0xffffffff)), /record of 4294967295 bytes/);
    // MAX_RECORD_BYTES itself is accepted: the parser waits for the body.
    assert.deepEqual(new RecordParser().push(recordHeader(RecordKind.Media, 1, 1, MAX_RECORD_BYTES)), []);
  });
});
