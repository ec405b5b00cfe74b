/**
 * The head of an HTTP/1.1 request (RFC 9112 §3 request line, §5 field lines), parsed for the fast path of
 * lib/http1-fast-path.ts. Only the plainest requests are taken: GET or HEAD, `HTTP/1.1`, no body, no upgrade, each
 * field once, strict syntax. Anything else is 'other' and goes to node:http, which answers it (or refuses it) itself.
 */

/** A request the fast path can answer. */
export interface Http1RequestHead {
  readonly method: 'GET' | 'HEAD';
  /** The request target as sent (origin-form is not checked here). */
  readonly target: string;
  /** Field values by lower-case name, without surrounding whitespace. */
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes of the head, final empty line included. */
  readonly length: number;
  /** `Connection: close`: the connection ends after the answer (RFC 9112 §9.6). */
  readonly close: boolean;
}

/** A head, 'partial' (its end has not arrived), or 'other' (a request node:http must see). */
export type Http1HeadResult = Http1RequestHead | 'partial' | 'other';

const END = Buffer.from('\r\n\r\n');
// RFC 9110 §5.6.2 token characters, the only ones a field name may have.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A field value without control characters other than HTAB (RFC 9110 §5.5); obs-text (0x80–0xFF) is allowed.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// A request target: visible ASCII only (RFC 9112 §3.2).
const TARGET = /^[\x21-\x7e]+$/;
// Fields whose presence means a body, a protocol switch or a connection state the fast path leaves to node:http.
const REFUSED = new Set(['transfer-encoding', 'upgrade', 'expect', 'te', 'trailer']);
// A CR not followed by LF, or an LF not preceded by CR.
const BARE_CR_OR_LF = /\r(?!\n)|(?<!\r)\n/;
// Inherited names (`__proto__`, `constructor`) must never become keys of a plain object.
const PROTO_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Optional whitespace around a field value (RFC 9110 §5.6.3): SP and HTAB only. */
function isOws(c: number): boolean { return c === 0x20 || c === 0x09; }

/**
 * Parses the head of the request that starts at `start` of `buf`. A head longer than `maxBytes` is 'other', so that
 * node:http answers it 431 as it would.
 */
export function parseHttp1RequestHead(buf: Buffer, start: number, maxBytes: number): Http1HeadResult {
  const end = buf.indexOf(END, start);
  if (end < 0) return buf.length - start > maxBytes ? 'other' : 'partial';
  const length = end + 4 - start;
  if (length > maxBytes) return 'other';
  const text = buf.toString('latin1', start, end);
  // A bare CR or LF anywhere is a syntax node:http judges (strict parsers refuse it).
  if (BARE_CR_OR_LF.test(text)) return 'other';
  // The request line, read in place (no array of lines, no string per line): METHOD SP target SP HTTP/1.1.
  let eol = text.indexOf('\r\n');
  if (eol < 0) eol = text.length;
  const sp1 = text.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 > eol || sp2 + 9 !== eol || !text.startsWith('HTTP/1.1', sp2 + 1)) return 'other';
  const method = text.slice(0, sp1);
  if (method !== 'GET' && method !== 'HEAD') return 'other';
  const target = text.slice(sp1 + 1, sp2);
  if (!TARGET.test(target)) return 'other';
  const headers: Record<string, string> = {};
  for (let pos = eol + 2; pos < text.length;) {
    let next = text.indexOf('\r\n', pos);
    if (next < 0) next = text.length;
    const colon = text.indexOf(':', pos);
    if (colon <= pos || colon > next) return 'other';
    const name = text.slice(pos, colon).toLowerCase();
    if (!TOKEN.test(name) || PROTO_NAMES.has(name) || Object.hasOwn(headers, name) || REFUSED.has(name)) return 'other';
    let from = colon + 1;
    let to = next;
    while (from < to && isOws(text.charCodeAt(from))) from++;
    while (to > from && isOws(text.charCodeAt(to - 1))) to--;
    const value = text.slice(from, to);
    if (!FIELD_VALUE.test(value)) return 'other';
    headers[name] = value;
    pos = next + 2;
  }
  // A body (RFC 9112 §6.3), or a connection that is to close or change: node:http's business.
  if (headers['content-length'] !== undefined && headers['content-length'] !== '0') return 'other';
  const connection = headers.connection?.toLowerCase();
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') return 'other';
  // RFC 9112 §3.2: an HTTP/1.1 request without Host is refused; node:http does it.
  if (headers.host === undefined) return 'other';
  return { method, target, headers, length, close: connection === 'close' };
}
