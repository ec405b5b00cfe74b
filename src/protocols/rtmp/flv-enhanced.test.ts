import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFlvExAudio, buildFlvExVideo } from './flv-enhanced.ts';
import { parseFlvAudio, parseFlvVideo } from './flv-tags.ts';
import type { RtmpVideoCodec } from './flv-types.ts';

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);
const fourcc = (s: string): number[] => [...Buffer.from(s, 'latin1')];
const onlyProtocolError = (fn: () => unknown): void => {
  try { fn(); } catch (e) { assert.equal((e as Error).name, 'RtmpProtocolError', String(e)); }
};

describe('Enhanced RTMP video tags (ExVideoTagHeader)', () => {
  it('hvc1 vectors: sequence start, coded frames with composition time, coded frames X', () => {
    const cfg = b(1, 2, 3);
    const h = fourcc('hvc1');
    assert.deepEqual([...buildFlvExVideo({ codec: 'h265', config: cfg, isKeyframe: true, compositionTimeMs: 0 })], [0x90, ...h, 1, 2, 3]);
    assert.deepEqual([...buildFlvExVideo({ codec: 'h265', data: cfg, isKeyframe: false, compositionTimeMs: -2 })], [0xa1, ...h, 0xff, 0xff, 0xfe, 1, 2, 3]);
    assert.deepEqual([...buildFlvExVideo({ codec: 'h265', data: cfg, isKeyframe: true, compositionTimeMs: 0 })], [0x93, ...h, 1, 2, 3]);
    assert.deepEqual(parseFlvVideo(b(0x90, ...h, 1, 2, 3)), { kind: 'config', codec: 'h265', config: cfg });
    assert.deepEqual(parseFlvVideo(b(0xa1, ...h, 0xff, 0xff, 0xfe, 1, 2, 3)), { kind: 'frame', codec: 'h265', isKeyframe: false, compositionTimeMs: -2, data: cfg });
    assert.deepEqual(parseFlvVideo(b(0x93, ...h, 1, 2, 3)), { kind: 'frame', codec: 'h265', isKeyframe: true, compositionTimeMs: 0, data: cfg });
  });

  it('av01 and vp09: coded frames carry no composition time (as FFmpeg writes them)', () => {
    for (const [codec, cc] of [['av1', 'av01'], ['vp9', 'vp09']] as const) {
      assert.deepEqual([...buildFlvExVideo({ codec, config: b(9), isKeyframe: true, compositionTimeMs: 0 })], [0x90, ...fourcc(cc), 9]);
      assert.deepEqual([...buildFlvExVideo({ codec, data: b(7, 8), isKeyframe: true, compositionTimeMs: 40 })], [0x91, ...fourcc(cc), 7, 8]);
      assert.deepEqual([...buildFlvExVideo({ codec, data: b(7), isKeyframe: false, compositionTimeMs: 0 })], [0xa1, ...fourcc(cc), 7]);
      assert.deepEqual(parseFlvVideo(b(0x91, ...fourcc(cc), 7, 8)), { kind: 'frame', codec, isKeyframe: true, compositionTimeMs: 0, data: b(7, 8) });
      assert.deepEqual(parseFlvVideo(b(0xa3, ...fourcc(cc), 7)), { kind: 'frame', codec, isKeyframe: false, compositionTimeMs: 0, data: b(7) });
      assert.deepEqual(parseFlvVideo(b(0x90, ...fourcc(cc), 9)), { kind: 'config', codec, config: b(9) });
    }
  });

  it('avc1 in the Enhanced header is H264 with composition time', () => {
    assert.deepEqual(parseFlvVideo(b(0xa1, ...fourcc('avc1'), 0, 0, 40, 5)), { kind: 'frame', codec: 'h264', isKeyframe: false, compositionTimeMs: 40, data: b(5) });
  });

  it('skips ModEx blocks (8-bit and 16-bit sizes) before the real packet type', () => {
    // ModEx, size 3 (stored as 2), nanosecond offset, then modExType 0 | packet type CodedFramesX
    assert.deepEqual(parseFlvVideo(b(0x97, 2, 0, 1, 2, 0x03, ...fourcc('hvc1'), 6)), { kind: 'frame', codec: 'h265', isKeyframe: true, compositionTimeMs: 0, data: b(6) });
    const big = Buffer.alloc(300, 0xee);
    const body = Buffer.concat([b(0x97, 255), Buffer.from([0x01, 0x2b]), big, b(0x01), Buffer.from(fourcc('vp09')), b(4)]);
    assert.deepEqual(parseFlvVideo(body), { kind: 'frame', codec: 'vp9', isKeyframe: true, compositionTimeMs: 0, data: b(4) });
  });

  it('ignores sequence end, metadata and command frames; names unknown FourCCs, multitrack and packet types', () => {
    assert.deepEqual(parseFlvVideo(b(0x92, ...fourcc('av01'))), { kind: 'ignore' });
    assert.deepEqual(parseFlvVideo(b(0x94, ...fourcc('hvc1'), 2, 0)), { kind: 'ignore' });
    assert.deepEqual(parseFlvVideo(b(0xd1, 0)), { kind: 'ignore' }); // frame type 5: command (one byte: start/end seek)
    assert.deepEqual(parseFlvVideo(b(0x90, ...fourcc('vvc1'))), { kind: 'other', description: "Enhanced RTMP video 'vvc1'" });
    assert.deepEqual(parseFlvVideo(b(0x96, 0x00, ...fourcc('hvc1'))), { kind: 'other', description: 'Enhanced RTMP multitrack video' });
    assert.deepEqual(parseFlvVideo(b(0x95, ...fourcc('av01'))), { kind: 'other', description: 'Enhanced RTMP video packet type 5' });
  });

  it('round-trips frames of every codec and never throws anything but RtmpProtocolError on arbitrary bodies', () => {
    const codecs: RtmpVideoCodec[] = ['h264', 'h265', 'av1', 'vp9'];
    fc.assert(fc.property(fc.constantFrom(...codecs), fc.uint8Array({ maxLength: 40 }), fc.boolean(), fc.integer({ min: -0x800000, max: 0x7fffff }), (codec, data, key, cts) => {
      const v = parseFlvVideo(buildFlvExVideo({ codec, data: Buffer.from(data), isKeyframe: key, compositionTimeMs: cts }));
      const hasCts = codec === 'h264' || codec === 'h265';
      assert.deepEqual(v, { kind: 'frame', codec, isKeyframe: key, compositionTimeMs: hasCts ? cts : 0, data: Buffer.from(data) });
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (x) => onlyProtocolError(() => parseFlvVideo(b(0x80 | (x[0] ?? 0), ...x)))), { numRuns: 3000 });
  });
});

describe('Enhanced RTMP audio tags (ExAudioTagHeader)', () => {
  it('Opus vectors: sequence start (OpusHead) and coded frames', () => {
    const op = fourcc('Opus');
    assert.deepEqual([...buildFlvExAudio({ codec: 'opus', config: b(1, 2) })], [0x90, ...op, 1, 2]);
    assert.deepEqual([...buildFlvExAudio({ codec: 'opus', data: b(0xfc, 3) })], [0x91, ...op, 0xfc, 3]);
    assert.deepEqual(parseFlvAudio(b(0x90, ...op, 1, 2)), { kind: 'config', codec: 'opus', config: b(1, 2) });
    assert.deepEqual(parseFlvAudio(b(0x91, ...op, 0xfc, 3)), { kind: 'frame', codec: 'opus', data: b(0xfc, 3) });
  });

  it('mp4a is AAC; sequence end and channel configuration are ignored; others are named', () => {
    assert.deepEqual(parseFlvAudio(b(0x91, ...fourcc('mp4a'), 0x21)), { kind: 'frame', codec: 'aac', data: b(0x21) });
    assert.deepEqual(parseFlvAudio(b(0x92, ...fourcc('Opus'))), { kind: 'ignore' });
    assert.deepEqual(parseFlvAudio(b(0x94, ...fourcc('Opus'), 0, 2)), { kind: 'ignore' });
    assert.deepEqual(parseFlvAudio(b(0x91, ...fourcc('fLaC'))), { kind: 'other', description: "Enhanced RTMP audio 'fLaC'" });
    assert.deepEqual(parseFlvAudio(b(0x95, 0, ...fourcc('Opus'))), { kind: 'other', description: 'Enhanced RTMP multitrack audio' });
    assert.deepEqual(parseFlvAudio(b(0x97, 0, 9, 0x01, ...fourcc('Opus'), 5)), { kind: 'frame', codec: 'opus', data: b(5) }); // ModEx
  });

  it('round-trips and never throws anything but RtmpProtocolError on arbitrary bodies', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (data, config) => {
      const body = buildFlvExAudio(config ? { codec: 'opus', config: Buffer.from(data) } : { codec: 'opus', data: Buffer.from(data) });
      assert.deepEqual(parseFlvAudio(body), config ? { kind: 'config', codec: 'opus', config: Buffer.from(data) } : { kind: 'frame', codec: 'opus', data: Buffer.from(data) });
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (x) => onlyProtocolError(() => parseFlvAudio(b(0x90 | ((x[0] ?? 0) & 0x0f), ...x)))), { numRuns: 3000 });
  });
});
