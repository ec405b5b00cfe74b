import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RtspConnReader, RTSP_LIMITS, type RtspItem } from './rtsp-conn-reader.ts';
import { RtspParseError } from './rtsp-parse-error.ts';
import { RtspHeaders } from './rtsp-headers.ts';
import { serializeRequest, serializeResponse } from './rtsp-message.ts';
import { buildInterleavedHeader } from './interleaved-frame.ts';

const FFMPEG_SETUP = 'SETUP rtsp://127.0.0.1:8554/cam/trackID=0 RTSP/1.0\r\nTransport: RTP/AVP/UDP;unicast;client_port=5000-5001\r\nCSeq: 3\r\nUser-Agent: Lavf59.27.100\r\n\r\n';

function readAll(chunks: Buffer[]): RtspItem[] {
  const r = new RtspConnReader();
  return chunks.flatMap((c) => r.push(c));
}

function summary(items: RtspItem[]): unknown[] {
  return items.map((i) => i.kind === 'frame'
    ? ['frame', i.channel, [...i.payload]]
    : i.kind === 'request' ? ['req', i.msg.method, i.msg.url, [...i.msg.headers.entries()], i.msg.body.toString('latin1')]
      : ['res', i.msg.statusCode, [...i.msg.headers.entries()], i.msg.body.toString('latin1')]);
}

describe('RtspConnReader', () => {
  it('parses a request as FFmpeg sends it', () => {
    const [item] = readAll([Buffer.from(FFMPEG_SETUP)]);
    assert.equal(item!.kind, 'request');
    if (item!.kind !== 'request') return;
    assert.equal(item.msg.method, 'SETUP');
    assert.equal(item.msg.url, 'rtsp://127.0.0.1:8554/cam/trackID=0');
    assert.equal(item.msg.headers.get('cseq'), '3');
    assert.equal(item.msg.headers.get('TRANSPORT'), 'RTP/AVP/UDP;unicast;client_port=5000-5001');
  });

  it('reads bodies, LF-only line endings and interleaved frames between messages', () => {
    const announce = 'ANNOUNCE rtsp://h/x RTSP/1.0\nCSeq: 2\nContent-Length: 5\n\nv=0\r\n';
    const frame = Buffer.concat([buildInterleavedHeader(1, 3), Buffer.from([9, 8, 7])]);
    const items = readAll([Buffer.from(announce), frame, Buffer.from('RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n')]);
    assert.deepEqual(summary(items), [
      ['req', 'ANNOUNCE', 'rtsp://h/x', [['CSeq', '2'], ['Content-Length', '5']], 'v=0\r\n'],
      ['frame', 1, [9, 8, 7]],
      ['res', 200, [['CSeq', '1']], ''],
    ]);
  });

  it('gives the same items for any split of the input (property)', () => {
    const whole = Buffer.concat([
      Buffer.from(FFMPEG_SETUP), buildInterleavedHeader(0, 4), Buffer.from([1, 2, 3, 4]),
      Buffer.from('GET_PARAMETER rtsp://h/x RTSP/1.0\r\nCSeq: 9\r\nContent-Length: 2\r\n\r\nab'),
    ]);
    const expected = summary(readAll([whole]));
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 12 }), (cuts) => {
      const pts = [...new Set(cuts)].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let last = 0;
      for (const p of pts) { chunks.push(whole.subarray(last, p)); last = p; }
      chunks.push(whole.subarray(last));
      assert.deepEqual(summary(readAll(chunks)), expected);
    }), { numRuns: 500 });
  });

  it('round-trips serialised requests and responses (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/);
    const value = fc.stringMatching(/^[!-~][ -~]{0,40}[!-~]$/);
    fc.assert(fc.property(fc.array(fc.tuple(token, value), { maxLength: 10 }), fc.uint8Array({ maxLength: 64 }), (hs, body) => {
      const headers = new RtspHeaders();
      for (const [k, v] of hs) if (k.toLowerCase() !== 'content-length') headers.append(k, v);
      const req = { method: 'OPTIONS', url: 'rtsp://h/p', headers, body: Buffer.from(body) };
      const [item] = readAll([serializeRequest(req)]);
      assert.ok(item && item.kind === 'request');
      assert.deepEqual(item.msg.body, req.body);
      assert.deepEqual([...item.msg.headers.entries()].filter(([k]) => k !== 'Content-Length'), [...headers.entries()]);
      const res = serializeResponse({ statusCode: 454, statusMessage: 'Session Not Found', headers, body: Buffer.from(body) });
      const [r] = readAll([res]);
      assert.ok(r && r.kind === 'response' && r.msg.statusCode === 454);
    }), { numRuns: 500 });
  });

  it('enforces the limits exactly at the boundary', () => {
    const withHeaders = (n: number): string => `OPTIONS rtsp://h/x RTSP/1.0\r\n${Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`;
    assert.equal(readAll([Buffer.from(withHeaders(RTSP_LIMITS.headers))]).length, 1);
    assert.throws(() => readAll([Buffer.from(withHeaders(RTSP_LIMITS.headers + 1))]), RtspParseError);
    const withValue = (n: number): string => `OPTIONS rtsp://h/x RTSP/1.0\r\nX: ${'a'.repeat(n)}\r\n\r\n`;
    assert.equal(readAll([Buffer.from(withValue(RTSP_LIMITS.valueBytes))]).length, 1);
    assert.throws(() => readAll([Buffer.from(withValue(RTSP_LIMITS.valueBytes + 1))]), RtspParseError);
    const withBody = (n: number): string => `ANNOUNCE rtsp://h/x RTSP/1.0\r\nContent-Length: ${n}\r\n\r\n`;
    assert.doesNotThrow(() => readAll([Buffer.from(withBody(RTSP_LIMITS.bodyBytes))]));
    assert.throws(() => readAll([Buffer.from(withBody(RTSP_LIMITS.bodyBytes + 1))]), RtspParseError);
    for (const cl of ['-5', '99999999999', '1e3', '0x10', '']) {
      assert.throws(() => readAll([Buffer.from(`ANNOUNCE rtsp://h/x RTSP/1.0\r\nContent-Length: ${cl}\r\n\r\n`)]), RtspParseError, cl);
    }
    assert.throws(() => readAll([Buffer.alloc(RTSP_LIMITS.headerBlockBytes + 10, 0x41)]), RtspParseError);
    assert.throws(() => readAll([Buffer.from(`OPTIONS rtsp://h/${'a'.repeat(RTSP_LIMITS.urlBytes)} RTSP/1.0\r\n\r\n`)]), RtspParseError);
  });

  it('never throws anything but RtspParseError on random input (property)', () => {
    const pieces = fc.oneof(fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)),
      fc.constantFrom('OPTIONS ', 'rtsp://h/x ', 'RTSP/1.0', '\r\n', ': ', '$', 'Content-Length: 3', '\n\n').map((s) => Buffer.from(s)));
    fc.assert(fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
      const r = new RtspConnReader();
      try { for (const p of parts) r.push(p); } catch (e) { if (!(e instanceof RtspParseError)) throw e; }
    }), { numRuns: 2000 });
  });

  it('skips any number of stray line breaks between messages without overflowing the stack', () => {
    // One 64 KiB read of CR/LF keepalives used to recurse once per byte: RangeError instead of a request.
    const items = readAll([Buffer.concat([Buffer.alloc(64 * 1024, 0x0a), Buffer.from('\r\n'.repeat(10_000)), Buffer.from(FFMPEG_SETUP)])]);
    assert.deepEqual(items.map((i) => i.kind), ['request']);
  });

  it('copies and scans a message trickled byte by byte a bounded number of times, not once per byte', () => {
    // Re-joining everything buffered on every read made a 128 KiB body sent one byte per read cost ~8 GB of copying
    // (seconds of event loop); the work must stay linear in the message size.
    const concat = Buffer.concat;
    const copy = Buffer.prototype.copy;
    const indexOf = Buffer.prototype.indexOf;
    let work = 0;
    Buffer.concat = function (list: readonly Uint8Array[], total?: number): Buffer {
      const out = concat.call(Buffer, list, total);
      work += out.length;
      return out;
    } as typeof Buffer.concat;
    Buffer.prototype.copy = function (this: Buffer, ...args: Parameters<Buffer['copy']>): number {
      const n = copy.apply(this, args);
      work += n;
      return n;
    };
    Buffer.prototype.indexOf = function (this: Buffer, value: string | number | Uint8Array, byteOffset?: number, encoding?: BufferEncoding): number {
      work += this.length - (typeof byteOffset === 'number' ? byteOffset : 0);
      return indexOf.call(this, value, byteOffset, encoding);
    };
    let items: RtspItem[];
    const body = RTSP_LIMITS.bodyBytes;
    const header = `ANNOUNCE rtsp://h/x RTSP/1.0\r\nCSeq: 2\r\n${`X-Pad: ${'a'.repeat(190)}\r\n`.repeat(250)}Content-Length: ${body}\r\n\r\n`;
    const frame = Buffer.concat([buildInterleavedHeader(3, 0xffff), Buffer.alloc(0xffff, 7)]);
    const whole = Buffer.concat([Buffer.from(header), Buffer.alloc(body, 0x61), frame]);
    try {
      work = 0;
      const r = new RtspConnReader();
      items = [];
      for (let i = 0; i < whole.length; i++) items.push(...r.push(whole.subarray(i, i + 1)));
    } finally {
      Buffer.concat = concat;
      Buffer.prototype.copy = copy;
      Buffer.prototype.indexOf = indexOf;
    }
    assert.deepEqual(items.map((i) => i.kind), ['request', 'frame']);
    assert.equal(items[0]!.kind === 'request' && items[0]!.msg.body.length, body);
    assert.ok(work < 20 * whole.length, `${work} bytes copied or scanned for a ${whole.length}-byte input`);
  });
});
