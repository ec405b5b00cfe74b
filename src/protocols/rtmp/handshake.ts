import { randomBytes } from 'node:crypto';
import { RtmpProtocolError } from './rtmp-errors.ts';
import { digestResponse, findClientDigest } from './handshake-digest.ts';

const HANDSHAKE_SIZE = 1536;

/**
 * Server side of the RTMP handshake (RTMP spec §5.2): C0+C1 → S0+S1+S2, then C2. A C1 signed with the Flash digest
 * scheme gets a signed S1/S2 (handshake-digest.ts); any other C1 gets the plain answer: S1 with a zero version, which
 * tells FFmpeg, OBS and librtmp clients not to verify anything, and S2 echoing C1.
 */
export class RtmpServerHandshake {
  private buf: Buffer = Buffer.alloc(0);
  private state: 'c0c1' | 'c2' | 'done' = 'c0c1';

  /** Feeds bytes; returns what to send back, whether the handshake is over, and bytes that follow it. */
  push(chunk: Buffer): { send?: Buffer; done: boolean; rest?: Buffer } {
    this.buf = Buffer.concat([this.buf, chunk]);
    let send: Buffer | undefined;
    if (this.state === 'c0c1') {
      if (this.buf.length < 1 + HANDSHAKE_SIZE) return { done: false };
      if (this.buf[0] !== 3 && this.buf[0] !== 6) throw new RtmpProtocolError(`unsupported RTMP version ${this.buf[0]}`);
      const c1 = this.buf.subarray(1, 1 + HANDSHAKE_SIZE);
      const digest = findClientDigest(c1);
      if (digest) {
        const { s1, s2 } = digestResponse(digest);
        send = Buffer.concat([Buffer.from([3]), s1, s2]);
      } else {
        const s1 = Buffer.concat([Buffer.alloc(8), randomBytes(HANDSHAKE_SIZE - 8)]);
        s1.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
        send = Buffer.concat([Buffer.from([3]), s1, c1]); // S2 echoes C1
      }
      this.buf = this.buf.subarray(1 + HANDSHAKE_SIZE);
      this.state = 'c2';
    }
    if (this.state === 'c2' && this.buf.length >= HANDSHAKE_SIZE) {
      const rest = this.buf.subarray(HANDSHAKE_SIZE);
      this.state = 'done';
      this.buf = Buffer.alloc(0);
      return { send, done: true, rest };
    }
    return { send, done: false };
  }
}
