import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findClientDigest, signedClientC1, verifyServerResponse } from './handshake-digest.ts';
import { RtmpServerHandshake } from './handshake.ts';

describe('RTMP digest handshake', () => {
  for (const layout of [0, 1] as const) {
    it(`answers a signed C1 (layout ${layout}) with an S1/S2 a verifying client accepts`, () => {
      const c1 = signedClientC1(layout);
      const found = findClientDigest(c1);
      assert.equal(found?.layout, layout);
      const hs = new RtmpServerHandshake();
      const r = hs.push(Buffer.concat([Buffer.from([3]), c1]));
      assert.equal(r.send?.length, 1 + 1536 * 2);
      const s1 = r.send!.subarray(1, 1537);
      const s2 = r.send!.subarray(1537);
      assert.notEqual(s1.readUInt32BE(4), 0, 'S1 announces a version in the digest scheme');
      assert.ok(verifyServerResponse(s1, s2, found!.digest, layout));
      assert.ok(!verifyServerResponse(s1, s2, Buffer.alloc(32), layout), 'a wrong client digest fails verification');
    });
  }

  it('treats a C1 with a version but a wrong digest as plain: S2 echoes C1', () => {
    const c1 = signedClientC1(0);
    c1[100] ^= 0xff;
    c1[900] ^= 0xff;
    assert.equal(findClientDigest(c1), undefined);
    const r = new RtmpServerHandshake().push(Buffer.concat([Buffer.from([3]), c1]));
    assert.ok(r.send!.subarray(1537).equals(c1));
    assert.equal(r.send!.readUInt32BE(1 + 4), 0);
  });
});
