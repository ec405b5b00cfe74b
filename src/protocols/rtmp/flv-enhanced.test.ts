import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFlvHevc, parseFlvVideo } from './flv-tags.ts';

describe('Enhanced RTMP video tags (hvc1)', () => {
  it('vectors: sequence start, coded frames with composition time, coded frames X', () => {
    const cfg = Buffer.from([1, 2, 3]);
    assert.deepEqual([...buildFlvHevc({ config: cfg, isKeyframe: true, compositionTimeMs: 0 })], [0x90, 0x68, 0x76, 0x63, 0x31, 1, 2, 3]);
    assert.deepEqual([...buildFlvHevc({ data: cfg, isKeyframe: false, compositionTimeMs: -2 })], [0xa1, 0x68, 0x76, 0x63, 0x31, 0xff, 0xff, 0xfe, 1, 2, 3]);
    assert.deepEqual([...buildFlvHevc({ data: cfg, isKeyframe: true, compositionTimeMs: 0 })], [0x93, 0x68, 0x76, 0x63, 0x31, 1, 2, 3]);
    assert.deepEqual(parseFlvVideo(Buffer.from([0x90, 0x68, 0x76, 0x63, 0x31, 1, 2, 3])), { kind: 'hevcConfig', config: cfg });
    assert.deepEqual(parseFlvVideo(Buffer.from([0xa1, 0x68, 0x76, 0x63, 0x31, 0xff, 0xff, 0xfe, 1, 2, 3])),
      { kind: 'hevcFrame', isKeyframe: false, compositionTimeMs: -2, data: cfg });
    assert.deepEqual(parseFlvVideo(Buffer.from([0x93, 0x68, 0x76, 0x63, 0x31, 1, 2, 3])), { kind: 'hevcFrame', isKeyframe: true, compositionTimeMs: 0, data: cfg });
  });

  it('names other FourCCs as unsupported', () => {
    assert.deepEqual(parseFlvVideo(Buffer.from([0x90, 0x61, 0x76, 0x30, 0x31])), { kind: 'other', description: "Enhanced RTMP video 'av01'" });
  });

  it('round-trips frames and never throws anything but RtmpProtocolError on arbitrary bodies', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), fc.integer({ min: -0x800000, max: 0x7fffff }), (data, key, cts) => {
      const v = parseFlvVideo(buildFlvHevc({ data: Buffer.from(data), isKeyframe: key, compositionTimeMs: cts }));
      assert.deepEqual(v, { kind: 'hevcFrame', isKeyframe: key, compositionTimeMs: cts, data: Buffer.from(data) });
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (b) => {
      try { parseFlvVideo(Buffer.from([0x80 | (b[0] ?? 0), ...b])); } catch (e) { assert.equal((e as Error).name, 'RtmpProtocolError'); }
    }), { numRuns: 3000 });
  });
});
