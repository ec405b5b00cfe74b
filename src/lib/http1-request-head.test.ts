import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseHttp1RequestHead, type Http1RequestHead } from './http1-request-head.ts';

const MAX = 16 * 1024;
const parse = (text: string, start = 0): ReturnType<typeof parseHttp1RequestHead> => parseHttp1RequestHead(Buffer.from(text, 'latin1'), start, MAX);
const head = (r: ReturnType<typeof parseHttp1RequestHead>): Http1RequestHead => {
  assert.equal(typeof r, 'object', `a head, not ${String(r)}`);
  return r as Http1RequestHead;
};

test('a player request is read: method, target as sent, fields by lower-case name without surrounding whitespace, its length', () => {
  const text = 'GET /cam/stream.m3u8?_HLS_msn=12&_HLS_part=3 HTTP/1.1\r\nHost: 127.0.0.1:8888\r\nUser-Agent:\tVLC/3 \r\nAccept-Encoding: gzip, deflate\r\nContent-Length: 0\r\nConnection: Keep-Alive\r\n\r\n';
  const h = head(parse(text));
  assert.equal(h.method, 'GET');
  assert.equal(h.target, '/cam/stream.m3u8?_HLS_msn=12&_HLS_part=3');
  assert.deepEqual(h.headers, { host: '127.0.0.1:8888', 'user-agent': 'VLC/3', 'accept-encoding': 'gzip, deflate', 'content-length': '0', connection: 'Keep-Alive' });
  assert.equal(h.length, text.length);
  assert.equal(h.close, false);
  assert.equal(head(parse('HEAD /a/b.mp4 HTTP/1.1\r\nHost: x\r\n\r\n')).method, 'HEAD');
  assert.equal(head(parse('GET /a/b.mp4 HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n')).close, true);
});

test('a pipelined second request is read from its offset; bytes after the head are not counted', () => {
  const first = 'GET /a/1.mp4 HTTP/1.1\r\nHost: x\r\n\r\n';
  const second = 'GET /a/2.mp4 HTTP/1.1\r\nHost: y\r\n\r\n';
  const h = head(parse(first + second, first.length));
  assert.equal(h.target, '/a/2.mp4');
  assert.equal(h.headers.host, 'y');
  assert.equal(h.length, second.length);
  assert.equal(head(parse(first + 'GET /a/2')).length, first.length);
});

test('a head whose end has not arrived is partial, until it is longer than the limit: then node:http answers it (431)', () => {
  assert.equal(parse('GET /a/b.m3u8 HTTP/1.1\r\nHost: x\r\n'), 'partial');
  assert.equal(parse('GET /a/b.m3u8 HTTP/1.1\r\nHost: x\r\n\r'), 'partial');
  assert.equal(parse(''), 'partial');
  assert.equal(parse(`GET /a/b.m3u8 HTTP/1.1\r\nX: ${'a'.repeat(MAX)}`), 'other');
  assert.equal(parse(`GET /a/b.m3u8 HTTP/1.1\r\nX: ${'a'.repeat(MAX)}\r\n\r\n`), 'other');
});

test('every request the fast path does not answer itself is other', () => {
  const ok = 'GET /a/b.m3u8 HTTP/1.1\r\nHost: x\r\n';
  const cases: [string, string][] = [
    ['another method', 'POST /a/b.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['OPTIONS (CORS preflight)', 'OPTIONS /a/b.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a lower-case method', 'get /a/b.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['HTTP/1.0 (other keep-alive rules)', 'GET /a/b.m3u8 HTTP/1.0\r\nHost: x\r\n\r\n'],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['no Host', 'GET /a/b.m3u8 HTTP/1.1\r\nAccept: */*\r\n\r\n'],
    ['a field given twice', `${ok}Authorization: Basic YTpi\r\nauthorization: Basic Yzpk\r\n\r\n`],
    ['a body by length', `${ok}Content-Length: 5\r\n\r\nhello`],
    ['a chunked body', `${ok}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    ['Connection: close, Upgrade', `${ok}Connection: close, Upgrade\r\n\r\n`],
    ['an upgrade', `${ok}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n`],
    ['Expect', `${ok}Expect: 100-continue\r\n\r\n`],
    ['a bare LF', 'GET /a/b.m3u8 HTTP/1.1\nHost: x\r\n\r\n'],
    ['a bare CR in a value', `${ok}X: a\rb\r\n\r\n`],
    ['an obsolete line folding', `${ok}X: a\r\n b\r\n\r\n`],
    ['whitespace before the colon', `${ok}X : a\r\n\r\n`],
    ['a field line without colon', `${ok}nocolon\r\n\r\n`],
    ['an empty name', `${ok}: a\r\n\r\n`],
    ['a control character in a value', `${ok}X: a\x01b\r\n\r\n`],
    ['a space in the target', 'GET /a/b c.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['two spaces after the method', 'GET  /a/b.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a request line without version', 'GET /a/b.m3u8\r\nHost: x\r\n\r\n'],
    ['__proto__ as a name', `${ok}__proto__: x\r\n\r\n`],
  ];
  for (const [what, text] of cases) assert.equal(parse(text), 'other', what);
});

test('any bytes give a head, partial or other, never a throw; a head never claims bytes that are not there', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(40), (bytes, s) => {
    const buf = Buffer.from(bytes);
    const start = Math.min(s, buf.length);
    const r = parseHttp1RequestHead(buf, start, 256);
    if (typeof r === 'object') {
      assert.ok(r.length >= 4 && start + r.length <= buf.length);
      assert.equal(buf.toString('latin1', start + r.length - 4, start + r.length), '\r\n\r\n');
    }
  }), { numRuns: 2000 });
});

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((n) => !['transfer-encoding', 'upgrade', 'expect', 'te', 'trailer', 'content-length', 'connection', 'host', 'constructor', 'prototype'].includes(n));
const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);

test('any well-formed request is read back as written (names lower-cased, order of fields free)', () => {
  fc.assert(fc.property(
    fc.constantFrom('GET', 'HEAD'), fc.stringMatching(/^\/[!-~]{0,60}$/), fc.dictionary(token, value, { maxKeys: 12 }), fc.boolean(),
    (method, target, fields, upper) => {
      let text = `${method} ${target} HTTP/1.1\r\nHost: h\r\n`;
      for (const [k, v] of Object.entries(fields)) text += `${upper ? k.toUpperCase() : k}: ${v}\r\n`;
      text += '\r\n';
      const h = head(parse(`${text}GET /next`));
      assert.equal(h.method, method);
      assert.equal(h.target, target);
      assert.deepEqual(h.headers, { host: 'h', ...fields });
      assert.equal(h.length, text.length);
    },
  ), { numRuns: 500 });
});
