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

function findHeaderEnd(buf: Buffer): { end: number; sepLen: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
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

/**
 * Splits the byte stream of an RTSP connection into requests, responses and interleaved frames (RFC 2326 §10.12),
 * whatever the chunking. Never buffers more than one header block, body or frame allows.
 */
export class RtspConnReader {
  private buf: Buffer = Buffer.alloc(0);
  private head: Head | undefined;

  /** True while part of a message (request, response or interleaved frame) is buffered. */
  get hasPartial(): boolean { return this.head !== undefined || this.buf.length > 0; }

  /** Feeds bytes; returns the complete items they finish. Throws RtspParseError on violations. */
  push(chunk: Buffer): RtspItem[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: RtspItem[] = [];
    for (;;) {
      const item = this.next();
      if (!item) break;
      out.push(item);
    }
    return out;
  }

  private next(): RtspItem | undefined {
    const buf = this.buf;
    if (this.head) {
      const h = this.head;
      if (buf.length < h.bodyLength) return undefined;
      this.head = undefined;
      this.buf = buf.subarray(h.bodyLength);
      return toItem(h, Buffer.from(buf.subarray(0, h.bodyLength)));
    }
    if (buf.length === 0) return undefined;
    if (buf[0] === DOLLAR) {
      const frame = readInterleavedFrame(buf);
      if (!frame) return undefined;
      this.buf = buf.subarray(frame.size);
      return { kind: 'frame', channel: frame.channel, payload: frame.payload };
    }
    // Tolerate stray line breaks between messages (some clients send CRLF keepalives).
    if (buf[0] === 0x0d || buf[0] === 0x0a) { this.buf = buf.subarray(1); return this.next(); }
    const found = findHeaderEnd(buf.length > RTSP_LIMITS.headerBlockBytes + 4 ? buf.subarray(0, RTSP_LIMITS.headerBlockBytes + 4) : buf);
    if (!found) {
      if (buf.length > RTSP_LIMITS.headerBlockBytes) throw new RtspParseError('header block too long');
      if (buf.indexOf('\n') < 0 && buf.length > RTSP_LIMITS.methodBytes + RTSP_LIMITS.urlBytes + RTSP_LIMITS.protocolBytes + 4) {
        throw new RtspParseError('request line too long');
      }
      return undefined;
    }
    const head = parseHead(buf.subarray(0, found.end).toString('latin1'), found.end + found.sepLen);
    this.buf = buf.subarray(head.headerEnd);
    this.head = head;
    return this.next();
  }
}
