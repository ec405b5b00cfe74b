import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildJpeg, MjpegDepacketizer, MjpegPacketizer, parseJpeg } from './mjpeg-rtp.ts';
import { quantTablesForQ } from './jpeg-tables.ts';
import { buildRtpPacket } from './rtp-packet.ts';

// 32x32 4:2:0 baseline JPEG from FFmpeg (-c:v mjpeg -huffman 0 -q:v 5): one quantization table, standard Huffman tables.
const JPEG = Buffer.from('/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgKCgsKCw0NDQ0NDRAPEBAQEBAQEBAQEBASEhIVFRUSEhIQEBISFBQVFRcXFxUVFRUXFxkZGR4eHBwjIyQrKzP/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsBAAMBAQEBAQEBAQEAAAAAAAABAgMEBQYHCAkKCxAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6EQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/wAARCAAgACADASIAAhEAAxEA/9oADAMBAAIRAxEAPwDgPCWlTXxmchkgDIrS44ZlBJjQkYLgMpP90EE9RnU1fU7+AxGG6ng3b9whkeIHG3GdjDOMnGcmvVNKsINP8PaMsK4863FzIxC7nknSORixVVzjIRSckIqgk4rxnW/+WH/bT/2WvsOHcvwlWr7WpQp1ZyvrUip2VpKyUk0vhQ8Ni6mMpZxSrKnJZbDAwwj5Vz0vrVSVSs1Le9R8qla3uxS7ntGrabYW4iENpbw79+7yokiLY24yUCnjJ/Op/CWvQXUr2s7JFcyDdEnIEyx5LeXnPzKCCUzkjLDgHFrW/wDlh/20/wDZa+ebq/n0u9sLy3bbLBI0i8sA2NmUbYysUcZV1BG5SRX45w7jsXUh7OpXq1Iy3U5ynreWq5m7P3Vt2JwmFpYqrndWqpTlgJYCeF96XLReIpyp1uWN+W1SNuZW1cU90e92FxFc+HtCeJtyizSInBHzwokUg+YA/LIjLnocZGRXiOt/8sP+2n/stdl4b8UWCRPGyXAwFUtsTaN3fiQtgY5wM+1X77XraxmBliuPnzgBU/h+sg9eMZr9ByDPcfDGfVqeVTq2fxKtFO3vO/K4XtqZY2jXyaOZzw1KWYU8yWFcakWqShHCy5G4p8zqXk0na3LdX3O41v8A5Yf9tP8A2WvnHU7eW7nsreFd8s0hijXIXc7siqMsQoySBkkD1r1HxHoN00qS+ZbqrMT8zOMYx1/d471NYeFtQvYCFa3iKY3LI7Z5zj/Vo47eteDlWSZfhsL7fDZtTxjitYQoyjZ6+7zObV/eOvIa+HnLNKeMrQwNXMHhI+zqaypyw8HOy257wd3a3KrX3R//2Q==', 'base64');

describe('M-JPEG RTP (RFC 2435)', () => {
  it('takes a JPEG apart: 4:2:0 type 1, size, tables, scan up to EOI', () => {
    const p = parseJpeg(JPEG);
    assert.deepEqual([p.type, p.width, p.height, p.quant.length, p.restartInterval], [1, 32, 32, 2, 0]);
    assert.ok(p.quant[0]!.equals(p.quant[1]!), 'FFmpeg wrote one table for all components');
    assert.ok(JPEG.subarray(JPEG.length - 2 - p.scan.length, JPEG.length - 2).equals(p.scan));
  });

  it('vectors: main header, quantization table header in the first packet only, marker on the last', () => {
    const ps = new MjpegPacketizer(26, 300).packetize(JPEG, 9000);
    assert.deepEqual([...ps[0]!.payload.subarray(0, 12)], [0, 0, 0, 0, 1, 255, 4, 4, 0, 0, 0, 128]);
    assert.equal(ps[1]!.payload.readUIntBE(1, 3), 300 - 8 - 4 - 128);
    assert.deepEqual(ps.map((p) => p.marker), ps.map((_, i) => i === ps.length - 1));
  });

  it('rebuilds a JPEG with the same tables and scan at any payload size', () => {
    fc.assert(fc.property(fc.integer({ min: 200, max: 1500 }), (max) => {
      const d = new MjpegDepacketizer();
      const out = new MjpegPacketizer(26, max).packetize(JPEG, 0).flatMap((p) => d.push(p));
      assert.equal(out.length, 1);
      assert.deepEqual(parseJpeg(out[0]!.jpeg), parseJpeg(JPEG));
      assert.ok(buildJpeg(parseJpeg(JPEG)).equals(out[0]!.jpeg));
    }), { numRuns: 100 });
  });

  it('Q 1–99 stands for the scaled Annex K tables (RFC 2435 Appendix A)', () => {
    assert.deepEqual(quantTablesForQ(50)[0].slice(0, 4), [16, 11, 12, 14]);
    assert.deepEqual(quantTablesForQ(100 - 1)[0].slice(0, 4), [1, 1, 1, 1]);
    assert.equal(quantTablesForQ(1)[0][0], 255);
    const pl = Buffer.concat([Buffer.from([0, 0, 0, 0, 1, 50, 4, 4]), Buffer.from([1, 2, 3])]);
    const [f] = new MjpegDepacketizer().push(buildRtpPacket({ marker: true, payloadType: 26, sequenceNumber: 1, timestamp: 0, ssrc: 1, payload: pl }));
    assert.deepEqual([...parseJpeg(f!.jpeg).quant[0]!.subarray(0, 4)], [16, 11, 12, 14]);
  });

  it('drops a frame with a gap, and arbitrary payloads only raise FrameRtpError', () => {
    const ps = new MjpegPacketizer(26, 300).packetize(JPEG, 0);
    const d = new MjpegDepacketizer();
    assert.deepEqual(ps.filter((_, i) => i !== 1).flatMap((p) => d.push(p)), []);
    fc.assert(fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 200 }), fc.boolean())), (payloads) => {
      const dd = new MjpegDepacketizer();
      payloads.forEach(([b, m], i) => {
        try { dd.push(buildRtpPacket({ marker: m, payloadType: 26, sequenceNumber: i, timestamp: 0, ssrc: 1, payload: Buffer.from(b) })); } catch (e) { assert.equal((e as Error).name, 'FrameRtpError'); }
      });
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      try { parseJpeg(Buffer.from([0xff, 0xd8, ...b])); } catch (e) { assert.equal((e as Error).name, 'FrameRtpError'); }
    }), { numRuns: 2000 });
  });

  it('refuses a DRI segment too short for its restart interval with FrameRtpError', () => {
    assert.throws(() => parseJpeg(Buffer.from('ffd8ffdd0002ffd9', 'hex')), { name: 'FrameRtpError' });
    assert.throws(() => parseJpeg(Buffer.from('ffd8ffdd000300ffd9', 'hex')), { name: 'FrameRtpError' });
  });
});
