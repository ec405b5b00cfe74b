import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { RtmpServerHandshake } from './handshake.ts';
import { RtmpProtocolError } from './rtmp-errors.ts';

const SIZE = 1536;

/** A plain C1 (RTMP spec §5.2.3): time, four zero bytes, random bytes. */
const plainC1 = (seed = 1): Buffer => {
  const c1 = Buffer.alloc(SIZE);
  for (let i = 8; i < SIZE; i++) c1[i] = (i * 31 + seed * 7) & 0xff;
  c1.writeUInt32BE(123_456 + seed, 0);
  return c1;
};
const c0c1 = (c1 = plainC1(), version = 3): Buffer => Buffer.concat([Buffer.from([version]), c1]);

/** Checks S0+S1+S2 against the spec for a plain C1. */
const assertPlainAnswer = (send: Buffer | undefined, c1: Buffer): void => {
  assert.ok(send);
  assert.equal(send.length, 1 + 2 * SIZE, 'S0 (1 byte) + S1 + S2 (1536 bytes each)');
  assert.equal(send[0], 3, 'S0 announces version 3');
  const s1 = send.subarray(1, 1 + SIZE);
  assert.equal(s1.readUInt32BE(4), 0, 'S1 bytes 4-7 are zero (§5.2.3)');
  assert.ok(!s1.subarray(8).equals(c1.subarray(8)), 'S1 carries its own random bytes, not C1\'s');
  assert.ok(send.subarray(1 + SIZE).equals(c1), 'S2 echoes C1 (§5.2.4)');
};

describe('RTMP server handshake (RTMP spec §5.2)', () => {
  it('answers C0+C1 with S0+S1+S2 and waits for C2', () => {
    const hs = new RtmpServerHandshake();
    const c1 = plainC1();
    const r = hs.push(c0c1(c1));
    assertPlainAnswer(r.send, c1);
    assert.equal(r.done, false);
    assert.equal(r.rest, undefined);
  });

  it('gives S1 fresh random bytes on every connection', () => {
    const a = new RtmpServerHandshake().push(c0c1()).send!;
    const b = new RtmpServerHandshake().push(c0c1()).send!;
    assert.ok(!a.subarray(9, 1 + SIZE).equals(b.subarray(9, 1 + SIZE)));
  });

  it('waits for all of C0+C1 before answering', () => {
    const hs = new RtmpServerHandshake();
    const bytes = c0c1();
    assert.deepEqual(hs.push(bytes.subarray(0, 1)), { done: false });
    assert.deepEqual(hs.push(bytes.subarray(1, SIZE)), { done: false });
    assertPlainAnswer(hs.push(bytes.subarray(SIZE)).send, plainC1());
  });

  it('completes on C2 and returns the bytes that follow it as `rest`', () => {
    const hs = new RtmpServerHandshake();
    hs.push(c0c1());
    const half = hs.push(Buffer.alloc(SIZE - 1, 7));
    assert.deepEqual(half, { send: undefined, done: false });
    const tail = Buffer.from([0x03, 0, 0, 0, 1, 2, 3]);
    const r = hs.push(Buffer.concat([Buffer.from([7]), tail]));
    assert.equal(r.done, true);
    assert.equal(r.send, undefined, 'nothing is sent in answer to C2');
    assert.deepEqual([...(r.rest ?? [])], [...tail]);
  });

  it('completes with an empty `rest` when C2 ends the bytes', () => {
    const hs = new RtmpServerHandshake();
    hs.push(c0c1());
    const r = hs.push(Buffer.alloc(SIZE));
    assert.equal(r.done, true);
    assert.equal(r.rest?.length, 0);
  });

  it('handles C0+C1+C2 and the first chunks in one read', () => {
    const c1 = plainC1(5);
    const tail = randomBytes(300);
    const r = new RtmpServerHandshake().push(Buffer.concat([c0c1(c1), randomBytes(SIZE), tail]));
    assertPlainAnswer(r.send, c1);
    assert.equal(r.done, true);
    assert.ok(r.rest?.equals(tail));
  });

  it('does not check C2 (clients may echo S1 loosely)', () => {
    const hs = new RtmpServerHandshake();
    hs.push(c0c1());
    assert.equal(hs.push(Buffer.alloc(SIZE, 0xff)).done, true);
  });

  it('accepts the RTMPE version byte 6 and answers in plain version 3', () => {
    const r = new RtmpServerHandshake().push(c0c1(plainC1(), 6));
    assertPlainAnswer(r.send, plainC1());
  });

  it('refuses any other version byte with RtmpProtocolError', () => {
    for (const version of [0, 1, 2, 4, 5, 0x7f, 0xff]) {
      assert.throws(() => new RtmpServerHandshake().push(c0c1(plainC1(), version)), (e: unknown) => e instanceof RtmpProtocolError && /version/.test(e.message), `version ${version}`);
    }
  });

  it('gives the same result however the bytes are split', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(2 * SIZE + 70), { maxLength: 10 }), (seed, tailArr, cuts) => {
      const c1 = plainC1(seed);
      const c2 = Buffer.alloc(SIZE, seed);
      const tail = Buffer.from(tailArr);
      const bytes = Buffer.concat([c0c1(c1), c2, tail]);
      const points = [...new Set(cuts)].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b);
      const hs = new RtmpServerHandshake();
      const sent: Buffer[] = [];
      let after: Buffer | undefined;
      for (const [i, p] of [0, ...points].entries()) {
        const piece = bytes.subarray(p, points[i] ?? bytes.length);
        if (after) { after = Buffer.concat([after, piece]); continue; } // the connection hands these to the chunk reader
        const r = hs.push(piece);
        if (r.send) sent.push(r.send);
        if (r.done) after = r.rest ?? Buffer.alloc(0);
      }
      assert.equal(sent.length, 1, 'S0+S1+S2 is sent once');
      assertPlainAnswer(sent[0], c1);
      assert.ok(after?.equals(tail), 'the handshake completes and no byte after C2 is lost');
    }), { numRuns: 300 });
  });
});
