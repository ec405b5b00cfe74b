import type { IncomingMessage } from 'node:http';

/** Largest offer or trickle fragment accepted: SDP offers of browsers are a few KiB; SDP_LIMITS allows 128 KiB. */
export const WEBRTC_MAX_BODY_BYTES = 128 * 1024;

/** The body was larger than allowed (413). */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Reads a request body as UTF-8 text, stopping (and rejecting) as soon as it exceeds `maxBytes`. */
export async function readTextBody(req: IncomingMessage, maxBytes: number = WEBRTC_MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes) throw new BodyTooLargeError(`body larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    const b = c as Buffer;
    n += b.length;
    if (n > maxBytes) { req.resume(); throw new BodyTooLargeError(`body larger than ${maxBytes} bytes`); }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** True when the Content-Type header names `type` (parameters ignored, case-insensitive). */
export function hasContentType(req: IncomingMessage, type: string): boolean {
  const v = req.headers['content-type'];
  return typeof v === 'string' && v.split(';')[0]!.trim().toLowerCase() === type;
}
