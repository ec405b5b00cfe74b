import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFlvAudio, buildFlvLegacyAudio, buildFlvVideo, parseFlvAudio, parseFlvVideo } from './flv-tags.ts';
import { RtmpProtocolError } from './rtmp-errors.ts';

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);
const onlyProtocolError = (fn: () => unknown): void => {
  try { fn(); } catch (e) { assert.ok(e instanceof RtmpProtocolError, `expected RtmpProtocolError, got ${String(e)}`); }
};

describe('FLV video tags (FLV spec E.4.3: VIDEODATA, AVCVIDEOPACKET)', () => {
  const avcC = b(0x01, 0x64, 0x00, 0x1f, 0xff, 0xe1);
  const nalus = b(0, 0, 0, 2, 0x65, 0x88);

  it('AVC sequence header: frame type 1, codec 7, packet type 0, composition time 0', () => {
    const bytes = [0x17, 0x00, 0, 0, 0, ...avcC];
    assert.deepEqual([...buildFlvVideo({ config: avcC, isKeyframe: true, compositionTimeMs: 0 })], bytes);
    assert.deepEqual([...buildFlvVideo({ config: avcC, isKeyframe: false, compositionTimeMs: 40 })], bytes, 'a sequence header is always a keyframe with cts 0');
    assert.deepEqual(parseFlvVideo(Buffer.from(bytes)), { kind: 'config', codec: 'h264', config: avcC });
  });

  it('AVC NALU keyframe and inter frame, with positive and negative composition time (SI24)', () => {
    const cases: [boolean, number, number[]][] = [
      [true, 0, [0x17, 0x01, 0, 0, 0]],
      [false, 80, [0x27, 0x01, 0, 0, 80]],
      [false, -33, [0x27, 0x01, 0xff, 0xff, 0xdf]],
      [true, 0x7fffff, [0x17, 0x01, 0x7f, 0xff, 0xff]],
      [false, -0x800000, [0x27, 0x01, 0x80, 0, 0]],
    ];
    for (const [isKeyframe, compositionTimeMs, head] of cases) {
      const bytes = [...head, ...nalus];
      assert.deepEqual([...buildFlvVideo({ data: nalus, isKeyframe, compositionTimeMs })], bytes, `cts ${compositionTimeMs}`);
      assert.deepEqual(parseFlvVideo(Buffer.from(bytes)), { kind: 'frame', codec: 'h264', isKeyframe, compositionTimeMs, data: nalus });
    }
  });

  it('clamps composition times outside the 24-bit signed range', () => {
    assert.deepEqual([...buildFlvVideo({ data: nalus, isKeyframe: false, compositionTimeMs: 0x800000 }).subarray(2, 5)], [0x7f, 0xff, 0xff]);
    assert.deepEqual([...buildFlvVideo({ data: nalus, isKeyframe: false, compositionTimeMs: -0x800001 }).subarray(2, 5)], [0x80, 0, 0]);
  });

  it('only frame type 1 is a keyframe', () => {
    for (const [frameType, key] of [[1, true], [2, false], [3, false], [4, false]] as const) {
      const v = parseFlvVideo(b((frameType << 4) | 7, 1, 0, 0, 0, 9));
      assert.ok(v.kind === 'frame' && v.isKeyframe === key, `frame type ${frameType}`);
    }
  });

  it('round-trips generated AVC frames and sequence headers', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), fc.integer({ min: -0x800000, max: 0x7fffff }), (arr, isKeyframe, compositionTimeMs) => {
      const data = Buffer.from(arr);
      assert.deepEqual(parseFlvVideo(buildFlvVideo({ data, isKeyframe, compositionTimeMs })), { kind: 'frame', codec: 'h264', isKeyframe, compositionTimeMs, data });
      assert.deepEqual(parseFlvVideo(buildFlvVideo({ config: data, isKeyframe, compositionTimeMs })), { kind: 'config', codec: 'h264', config: data });
    }));
  });

  it("reports other codecs and AVC packet types as 'other'", () => {
    assert.deepEqual(parseFlvVideo(b(0x22, 0, 1, 2)), { kind: 'other', description: 'FLV video codec 2' }); // Sorenson H.263
    assert.deepEqual(parseFlvVideo(b(0x14)), { kind: 'other', description: 'FLV video codec 4' }); // VP6, one byte is enough to tell
    assert.deepEqual(parseFlvVideo(b(0x1c, 0, 0, 0, 0)), { kind: 'other', description: 'FLV video codec 12' }); // pre-Enhanced HEVC id
    assert.deepEqual(parseFlvVideo(b(0x17, 2, 0, 0, 0)), { kind: 'ignore' }); // end of sequence
  });

  it('refuses empty and truncated AVC tags with RtmpProtocolError', () => {
    const frame = buildFlvVideo({ data: nalus, isKeyframe: true, compositionTimeMs: -1 });
    assert.throws(() => parseFlvVideo(Buffer.alloc(0)), RtmpProtocolError);
    for (let n = 1; n < 5; n++) assert.throws(() => parseFlvVideo(frame.subarray(0, n)), RtmpProtocolError, `${n} bytes`);
    assert.deepEqual(parseFlvVideo(frame.subarray(0, 5)), { kind: 'frame', codec: 'h264', isKeyframe: true, compositionTimeMs: -1, data: Buffer.alloc(0) });
  });

  it('throws RtmpProtocolError and nothing else on arbitrary video bodies', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 16 }), (arr) => onlyProtocolError(() => parseFlvVideo(Buffer.from(arr)))), { numRuns: 3000 });
  });
});

describe('FLV audio tags (FLV spec E.4.2: AUDIODATA, AACAUDIODATA)', () => {
  const asc = b(0x12, 0x10); // AAC-LC, 44.1 kHz, stereo

  it('AAC sequence header: 0xAF, packet type 0, AudioSpecificConfig', () => {
    assert.deepEqual([...buildFlvAudio({ config: asc })], [0xaf, 0x00, 0x12, 0x10]);
    assert.deepEqual(parseFlvAudio(b(0xaf, 0x00, 0x12, 0x10)), { kind: 'config', codec: 'aac', config: asc });
  });

  it('AAC raw frame: 0xAF, packet type 1, raw data', () => {
    const raw = b(0x21, 0x1b, 0x80);
    assert.deepEqual([...buildFlvAudio({ data: raw })], [0xaf, 0x01, 0x21, 0x1b, 0x80]);
    assert.deepEqual(parseFlvAudio(b(0xaf, 0x01, 0x21, 0x1b, 0x80)), { kind: 'frame', codec: 'aac', data: raw });
    assert.deepEqual(parseFlvAudio(b(0xaf, 0x01)), { kind: 'frame', codec: 'aac', data: Buffer.alloc(0) });
  });

  it('ignores the rate/size/channel flags for AAC (format 10 in the high nibble)', () => {
    assert.deepEqual(parseFlvAudio(b(0xa0, 0x00, 0x12, 0x10)), { kind: 'config', codec: 'aac', config: asc });
    assert.deepEqual(parseFlvAudio(b(0xa6, 0x01, 7)), { kind: 'frame', codec: 'aac', data: b(7) });
  });

  it('round-trips generated AAC frames and configs', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (arr) => {
      const data = Buffer.from(arr);
      assert.deepEqual(parseFlvAudio(buildFlvAudio({ data })), { kind: 'frame', codec: 'aac', data });
      assert.deepEqual(parseFlvAudio(buildFlvAudio({ config: data })), { kind: 'config', codec: 'aac', config: data });
    }));
  });

  it('MP3 and G711 (FLV spec E.4.2.1): the body after the header byte; G711 SoundType gives the channels', () => {
    const mp3 = b(0xff, 0xfb, 0x90, 0x64);
    assert.deepEqual(parseFlvAudio(b(0x2f, ...mp3)), { kind: 'frame', codec: 'mp3', data: mp3 });
    assert.deepEqual(parseFlvAudio(b(0xe2, ...mp3)), { kind: 'frame', codec: 'mp3', data: mp3 }); // MP3 8 kHz
    assert.deepEqual(parseFlvAudio(b(0x72, 1, 2)), { kind: 'frame', codec: 'pcma', data: b(1, 2), channels: 1 });
    assert.deepEqual(parseFlvAudio(b(0x83, 1, 2)), { kind: 'frame', codec: 'pcmu', data: b(1, 2), channels: 2 });
    // Header bytes as FFmpeg's FLV muxer writes them: MP3 44.1 kHz stereo 0x2f, 48 kHz as 44 kHz, 8 kHz as format 14; G711 mono 0x72/0x82.
    assert.deepEqual([...buildFlvLegacyAudio('mp3', 44100, 2, mp3).subarray(0, 1)], [0x2f]);
    assert.deepEqual([...buildFlvLegacyAudio('mp3', 48000, 1, mp3).subarray(0, 1)], [0x2e]);
    assert.deepEqual([...buildFlvLegacyAudio('mp3', 22050, 2, mp3).subarray(0, 1)], [0x2b]);
    assert.deepEqual([...buildFlvLegacyAudio('mp3', 8000, 1, mp3).subarray(0, 1)], [0xe2]);
    assert.deepEqual([...buildFlvLegacyAudio('pcma', 8000, 1, b(5))], [0x72, 5]);
    assert.deepEqual([...buildFlvLegacyAudio('pcmu', 8000, 2, b(5))], [0x83, 5]);
    fc.assert(fc.property(fc.constantFrom('pcma' as const, 'pcmu' as const), fc.integer({ min: 1, max: 2 }), fc.uint8Array({ maxLength: 50 }), (codec, channels, data) => {
      assert.deepEqual(parseFlvAudio(buildFlvLegacyAudio(codec, 8000, channels, Buffer.from(data))), { kind: 'frame', codec, data: Buffer.from(data), channels });
    }));
  });

  it("reports other audio formats as 'other'", () => {
    assert.deepEqual(parseFlvAudio(b(0xb6)), { kind: 'other', description: 'FLV audio format 11' }); // Speex
  });

  it('refuses empty and truncated AAC tags with RtmpProtocolError', () => {
    assert.throws(() => parseFlvAudio(Buffer.alloc(0)), RtmpProtocolError);
    assert.throws(() => parseFlvAudio(b(0xaf)), RtmpProtocolError);
  });

  it('throws RtmpProtocolError and nothing else on arbitrary audio bodies', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 8 }), (arr) => onlyProtocolError(() => parseFlvAudio(Buffer.from(arr)))), { numRuns: 2000 });
  });
});

describe('FLV video: review findings', () => {
  it('ignores an AVC info/command frame (frame type 5), which carries no picture, instead of failing', () => {
    assert.equal(parseFlvVideo(Buffer.from([0x57, 0x00])).kind, 'ignore');
  });
});
