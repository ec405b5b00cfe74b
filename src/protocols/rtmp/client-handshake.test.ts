import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RtmpClientHandshake } from './client-handshake.ts';
import { RtmpServerHandshake } from './handshake.ts';
import { RtmpProtocolError } from './rtmp-errors.ts';

describe('RTMP client handshake', () => {
  it('completes against the server handshake, byte by byte, and echoes S1 as C2', () => {
    const client = new RtmpClientHandshake();
    const server = new RtmpServerHandshake();
    const c0c1 = client.start(1_700_000_000_000);
    assert.equal(c0c1.length, 1537);
    assert.equal(c0c1[0], 3);
    assert.deepEqual([...c0c1.subarray(5, 9)], [0, 0, 0, 0], 'zero version: plain handshake');
    const s = server.push(c0c1);
    assert.ok(s.send && !s.done);
    let got: ReturnType<RtmpClientHandshake['push']> = { done: false };
    for (const b of s.send) {
      got = client.push(Buffer.from([b]));
      if (got.done) break;
    }
    assert.ok(got.done && got.send);
    assert.deepEqual(got.send, s.send.subarray(1, 1537));
    const end = server.push(Buffer.concat([got.send, Buffer.from('after')]));
    assert.ok(end.done);
    assert.equal(end.rest?.toString(), 'after');
  });

  it('hands on the bytes that follow S2', () => {
    const client = new RtmpClientHandshake();
    client.start();
    const r = client.push(Buffer.concat([Buffer.from([3]), Buffer.alloc(3072), Buffer.from([1, 2, 3])]));
    assert.ok(r.done);
    assert.deepEqual([...r.rest!], [1, 2, 3]);
  });

  it('refuses an unknown version at its first byte', () => {
    const client = new RtmpClientHandshake();
    client.start();
    assert.throws(() => client.push(Buffer.from('HTTP/1.1 400')), RtmpProtocolError);
  });
});
