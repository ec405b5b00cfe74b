import { randomBytes } from 'node:crypto';
import { RtmpProtocolError } from './rtmp-errors.ts';

const HANDSHAKE_SIZE = 1536;
// RTMP spec §5.2.2: version 3 is plain RTMP; 6 is sent by some servers answering an encrypted request.
const ACCEPTED_VERSIONS = new Set([3, 6]);

/**
 * Client side of the plain RTMP handshake (RTMP spec §5.2): C0+C1 out, S0+S1+S2 in, C2 (a copy of S1) out. C1
 * carries a zero version field, which tells servers (nginx-rtmp, FFmpeg's listener, MediaMTX, this server) that the
 * client wants the plain handshake rather than the Flash digest scheme.
 */
export class RtmpClientHandshake {
  private buf: Buffer = Buffer.alloc(0);
  private isDone = false;

  /** C0 and C1, to send first. */
  start(nowMs = Date.now()): Buffer {
    const c1 = Buffer.concat([Buffer.alloc(8), randomBytes(HANDSHAKE_SIZE - 8)]);
    c1.writeUInt32BE(Math.floor(nowMs / 1000) >>> 0, 0);
    return Buffer.concat([Buffer.from([3]), c1]);
  }

  /**
   * Feeds bytes from the server; once S0, S1 and S2 are in, returns C2 to send and the bytes after the handshake.
   * Throws RtmpProtocolError for an unknown version. Never holds more than the 3,073 handshake bytes.
   */
  push(chunk: Buffer): { send?: Buffer; done: boolean; rest?: Buffer } {
    if (this.isDone) return { done: true, rest: chunk };
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (this.buf.length >= 1 && !ACCEPTED_VERSIONS.has(this.buf[0]!)) throw new RtmpProtocolError(`unsupported RTMP version ${this.buf[0]} in S0`);
    const total = 1 + 2 * HANDSHAKE_SIZE;
    if (this.buf.length < total) return { done: false };
    const s1 = this.buf.subarray(1, 1 + HANDSHAKE_SIZE);
    const rest = this.buf.subarray(total);
    this.buf = Buffer.alloc(0);
    this.isDone = true;
    return { send: Buffer.from(s1), done: true, rest };
  }
}
