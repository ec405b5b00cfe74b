import { createHmac, randomBytes } from 'node:crypto';

/**
 * The digest ("complex") RTMP handshake that Flash-era clients use and verify: C1 and S1 hide an HMAC-SHA256 digest
 * at an offset derived from their own bytes, and S2 ends with a signature keyed by the client's digest. The keys are
 * the well-known constants of the scheme; a client that sends a zero version in C1 uses the plain handshake instead.
 */
const HANDSHAKE_SIZE = 1536;
const DIGEST_SIZE = 32;
const KEY_TAIL = Buffer.from('f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae', 'hex');
const PLAYER_KEY = Buffer.from('Genuine Adobe Flash Player 001', 'ascii');
const SERVER_KEY = Buffer.from('Genuine Adobe Flash Media Server 001', 'ascii');
const SERVER_KEY_FULL = Buffer.concat([SERVER_KEY, KEY_TAIL]);
// Version S1 announces in the digest scheme (any non-zero value; this is what FMS 3.5 sent).
const SERVER_VERSION = 0x03050101;

/** Where a digest lives in a 1536-byte C1/S1: the two layouts of the scheme. */
type Layout = 0 | 1;

function digestOffset(buf: Buffer, layout: Layout): number {
  const base = layout === 0 ? 8 : 772;
  return ((buf[base]! + buf[base + 1]! + buf[base + 2]! + buf[base + 3]!) % 728) + base + 4;
}

function hmac(key: Buffer, ...parts: Buffer[]): Buffer {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

function digestAt(buf: Buffer, offset: number, key: Buffer): Buffer {
  return hmac(key, buf.subarray(0, offset), buf.subarray(offset + DIGEST_SIZE));
}

/** The client's digest and layout when C1 carries a valid one (keyed with the Flash Player key). */
export function findClientDigest(c1: Buffer): { digest: Buffer; layout: Layout } | undefined {
  if (c1.length !== HANDSHAKE_SIZE || c1.readUInt32BE(4) === 0) return undefined;
  for (const layout of [0, 1] as const) {
    const off = digestOffset(c1, layout);
    const digest = c1.subarray(off, off + DIGEST_SIZE);
    if (digestAt(c1, off, PLAYER_KEY).equals(digest)) return { digest: Buffer.from(digest), layout };
  }
  return undefined;
}

/** S1 and S2 answering a digest C1: S1 signed with the server key in the client's layout, S2 keyed by its digest. */
export function digestResponse(client: { digest: Buffer; layout: Layout }): { s1: Buffer; s2: Buffer } {
  const s1 = randomBytes(HANDSHAKE_SIZE);
  s1.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
  s1.writeUInt32BE(SERVER_VERSION, 4);
  const off = digestOffset(s1, client.layout);
  digestAt(s1, off, SERVER_KEY).copy(s1, off);
  const s2 = randomBytes(HANDSHAKE_SIZE);
  const key = hmac(SERVER_KEY_FULL, client.digest);
  hmac(key, s2.subarray(0, HANDSHAKE_SIZE - DIGEST_SIZE)).copy(s2, HANDSHAKE_SIZE - DIGEST_SIZE);
  return { s1, s2 };
}

/** Test support: a C1 signed the way a Flash client signs it, in `layout`. */
export function signedClientC1(layout: Layout): Buffer {
  const c1 = randomBytes(HANDSHAKE_SIZE);
  c1.writeUInt32BE(0, 0);
  c1.writeUInt32BE(0x80000702, 4);
  const off = digestOffset(c1, layout);
  digestAt(c1, off, PLAYER_KEY).copy(c1, off);
  return c1;
}

/** Test support: true when `s1`/`s2` are what a verifying Flash client accepts for its `clientDigest`. */
export function verifyServerResponse(s1: Buffer, s2: Buffer, clientDigest: Buffer, layout: Layout): boolean {
  const off = digestOffset(s1, layout);
  const s1ok = digestAt(s1, off, SERVER_KEY).equals(s1.subarray(off, off + DIGEST_SIZE));
  const key = hmac(SERVER_KEY_FULL, clientDigest);
  const s2ok = hmac(key, s2.subarray(0, HANDSHAKE_SIZE - DIGEST_SIZE)).equals(s2.subarray(HANDSHAKE_SIZE - DIGEST_SIZE));
  return s1ok && s2ok;
}
