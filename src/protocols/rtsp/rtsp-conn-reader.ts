import { RtspHeaders } from './rtsp-headers.ts';
import type { RtspRequest, RtspResponse } from './rtsp-message.ts';
import { RtspParseError } from './rtsp-parse-error.ts';
import { readInterleavedFrame } from './interleaved-frame.ts';

/** Request limits, gortsplib's values (docs/limits.md §RTSP). */
export const RTSP_LIMITS = {
  methodBytes: 64, urlBytes: 2048, protocolBytes: 64, headers: 255, keyBytes: 512, valueBytes: 2048,
  bodyBytes: 128 * 1024, headerBlockBytes: 64 * 1024,
} as const;

/** One item read from an RTSP connection. Frame payloads are views into the received chunks (no copy). */
export type RtspItem =
  | { readonly kind: 'request'; readonly msg: RtspRequest }
  | { readonly kind: 'response'; readonly msg: RtspResponse }
  | { readonly kind: 'frame'; readonly channel: number; readonly payload: Buffer };

interface Head { startLine: string; headers: RtspHeaders; bodyLength: number; headerEnd: number }

const DOLLAR = 0x24;

/** The end of the header block in `buf`, searching from `from` (where neither separator can start earlier). */
function findHeaderEnd(buf: Buffer, from: number): { end: number; sepLen: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n', from);
  const lf = buf.indexOf('\n\n', from);
  if (crlf < 0 && lf < 0) return undefined;
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return { end: lf, sepLen: 2 };
  return { end: crlf, sepLen: 4 };
}

function parseHead(text: string, headerEnd: number): Head {
  const lines = text.split(/\r?\n/);
  const startLine = lines.shift() ?? '';
  const headers = new RtspHeaders();
  for (const line of lines) {
    if (line === '') continue;
    if (headers.size >= RTSP_LIMITS.headers) throw new RtspParseError(`too many headers (limit ${RTSP_LIMITS.headers})`);
    const colon = line.indexOf(':');
    if (colon <= 0) throw new RtspParseError(`invalid header line '${line.slice(0, 64)}'`);
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key.length > RTSP_LIMITS.keyBytes) throw new RtspParseError('header key too long');
    if (value.length > RTSP_LIMITS.valueBytes) throw new RtspParseError(`value of header '${key.slice(0, 64)}' too long`);
    headers.append(key, value);
  }
  const cl = headers.get('Content-Length');
  let bodyLength = 0;
  if (cl !== undefined) {
    if (!/^\d{1,7}$/.test(cl)) throw new RtspParseError(`invalid Content-Length '${cl.slice(0, 32)}'`);
    bodyLength = Number(cl);
    if (bodyLength > RTSP_LIMITS.bodyBytes) throw new RtspParseError(`body too big (${bodyLength} bytes, limit ${RTSP_LIMITS.bodyBytes})`);
  }
  return { startLine, headers, bodyLength, headerEnd };
}

function toItem(head: Head, body: Buffer): RtspItem {
  const parts = head.startLine.split(' ');
  if (head.startLine.startsWith('RTSP/')) {
    const [proto, code, ...reason] = parts;
    if (proto!.length > RTSP_LIMITS.protocolBytes || !/^\d{3}$/.test(code ?? '')) throw new RtspParseError(`invalid status line '${head.startLine.slice(0, 64)}'`);
    return { kind: 'response', msg: { statusCode: Number(code), statusMessage: reason.join(' '), headers: head.headers, body } };
  }
  if (parts.length !== 3) throw new RtspParseError(`invalid request line '${head.startLine.slice(0, 64)}'`);
  const [method, url, proto] = parts as [string, string, string];
  if (method.length === 0 || method.length > RTSP_LIMITS.methodBytes || !/^[A-Z_]+$/.test(method)) throw new RtspParseError('invalid method');
  if (url.length === 0 || url.length > RTSP_LIMITS.urlBytes) throw new RtspParseError('invalid or too long URL');
  if (proto.length > RTSP_LIMITS.protocolBytes || !proto.startsWith('RTSP/')) throw new RtspParseError(`unsupported protocol '${proto.slice(0, 16)}'`);
  return { kind: 'request', msg: { method, url, headers: head.headers, body } };
}

const EMPTY = Buffer.alloc(0);

/**
 * Splits the byte stream of an RTSP connection into requests, responses and interleaved frames (RFC 2326 §10.12),
 * whatever the chunking. Never buffers more than one header block, body or frame allows.
 */
export class RtspConnReader {
  /**
   * Received bytes: [start, end) are not read yet. Why not one Buffer.concat per read: a message trickled in small
   * reads (slow or abusive client) was then copied and searched again on every read, O(n²) (a 128 KiB body sent a byte
   * at a time cost gigabytes of copying). The store grows geometrically instead, and bytes before `end` are never
   * overwritten, since frame payloads handed out are views into it.
   */
  private store: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  /** True when `store` was allocated here, so its bytes past `end` are free to fill; false for a received chunk. */
  private owned = false;
  /** Bytes after `start` already searched for the end of a header block, in vain. */
  private scanned = 0;
  private head: Head | undefined;

  /** True while part of a message (request, response or interleaved frame) is buffered. */
  get hasPartial(): boolean { return this.head !== undefined || this.end > this.start; }

  /** Feeds bytes; returns the complete items they finish. Throws RtspParseError on violations. */
  push(chunk: Buffer): RtspItem[] {
    this.append(chunk);
    const out: RtspItem[] = [];
    for (;;) {
      const item = this.next();
      if (!item) break;
      out.push(item);
    }
    return out;
  }

  private append(chunk: Buffer): void {
    const pending = this.end - this.start;
    if (pending === 0) {
      // Nothing buffered: the chunk itself (no copy), the usual case.
      this.store = chunk; this.start = 0; this.end = chunk.length; this.owned = false;
      return;
    }
    if (this.owned && this.store.length - this.end >= chunk.length) {
      chunk.copy(this.store, this.end);
      this.end += chunk.length;
      return;
    }
    // Room for as much again as is pending: trickled reads then cost O(n) copying in all, while a big read after a
    // small remainder (a publisher's partial frame) allocates about what one concat did.
    const next = Buffer.allocUnsafe(2 * pending + chunk.length);
    this.store.copy(next, 0, this.start, this.end);
    chunk.copy(next, pending);
    this.store = next; this.start = 0; this.end = pending + chunk.length; this.owned = true;
  }

  /** Consumes `n` bytes: a view of them. */
  private take(n: number): Buffer {
    const b = this.store.subarray(this.start, this.start + n);
    this.start += n;
    this.scanned = 0;
    return b;
  }

  private next(): RtspItem | undefined {
    if (this.head) {
      const h = this.head;
      if (this.end - this.start < h.bodyLength) return undefined;
      this.head = undefined;
      return toItem(h, Buffer.from(this.take(h.bodyLength)));
    }
    // Tolerate stray line breaks between messages (some clients send CRLF keepalives); a loop, as there may be
    // any number of them.
    while (this.start < this.end && (this.store[this.start] === 0x0d || this.store[this.start] === 0x0a)) {
      this.start++;
      this.scanned = 0;
    }
    if (this.start === this.end) return undefined;
    const buf = this.store.subarray(this.start, this.end);
    if (buf[0] === DOLLAR) {
      const frame = readInterleavedFrame(buf);
      if (!frame) return undefined;
      this.take(frame.size);
      return { kind: 'frame', channel: frame.channel, payload: frame.payload };
    }
    const searched = buf.length > RTSP_LIMITS.headerBlockBytes + 4 ? buf.subarray(0, RTSP_LIMITS.headerBlockBytes + 4) : buf;
    // A separator may straddle the previous search's end: resume 3 bytes before it.
    const found = findHeaderEnd(searched, Math.max(0, this.scanned - 3));
    if (!found) {
      const before = this.scanned;
      this.scanned = searched.length;
      if (buf.length > RTSP_LIMITS.headerBlockBytes) throw new RtspParseError('header block too long');
      // Looked at once, when the buffered bytes first pass the longest request line: a line break then is there for good.
      const lineLimit = RTSP_LIMITS.methodBytes + RTSP_LIMITS.urlBytes + RTSP_LIMITS.protocolBytes + 4;
      if (before <= lineLimit && buf.length > lineLimit && buf.indexOf('\n') < 0) throw new RtspParseError('request line too long');
      return undefined;
    }
    const head = parseHead(buf.subarray(0, found.end).toString('latin1'), found.end + found.sepLen);
    this.take(head.headerEnd);
    this.head = head;
    return this.next();
  }
}
