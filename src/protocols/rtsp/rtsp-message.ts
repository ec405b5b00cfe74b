import { RtspHeaders } from './rtsp-headers.ts';

/** An RTSP request (RFC 2326 §6). */
export interface RtspRequest { method: string; url: string; headers: RtspHeaders; body: Buffer }

/** An RTSP response (RFC 2326 §7). */
export interface RtspResponse { statusCode: number; statusMessage: string; headers: RtspHeaders; body: Buffer }

/** Reason phrases of RFC 2326 §7.1.1. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  200: 'OK', 301: 'Moved Permanently', 302: 'Found', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 408: 'Request Timeout', 413: 'Request Entity Too Large',
  414: 'Request-URI Too Large', 415: 'Unsupported Media Type', 451: 'Parameter Not Understood', 453: 'Not Enough Bandwidth',
  454: 'Session Not Found', 455: 'Method Not Valid in This State', 457: 'Invalid Range', 459: 'Aggregate operation not allowed',
  461: 'Unsupported transport', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable', 505: 'RTSP Version not supported',
};

function serializeHead(first: string, headers: RtspHeaders, body: Buffer): Buffer {
  let head = `${first}\r\n`;
  for (const [k, v] of headers.entries()) {
    if (k.toLowerCase() === 'content-length') continue;
    head += `${k}: ${v}\r\n`;
  }
  if (body.length > 0) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  return body.length > 0 ? Buffer.concat([Buffer.from(head, 'utf8'), body]) : Buffer.from(head, 'utf8');
}

/** Serialises a request; Content-Length is set from the body. */
export function serializeRequest(req: RtspRequest): Buffer {
  return serializeHead(`${req.method} ${req.url} RTSP/1.0`, req.headers, req.body);
}

/** Serialises a response; Content-Length is set from the body. */
export function serializeResponse(res: RtspResponse): Buffer {
  return serializeHead(`RTSP/1.0 ${res.statusCode} ${res.statusMessage}`, res.headers, res.body);
}
