import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildAdts, parseAdts } from './adts.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');
// Two consecutive ADTS frames (61 bytes each) of FFmpeg's native AAC encoder, mono 48 kHz LC, 24 kbit/s, from:
//   ffmpeg -f lavfi -i sine=frequency=440:sample_rate=48000:duration=0.3 -c:a aac -b:a 24k -ac 1 -f adts a.aac
// (frames 3 and 4 of the file). Header fff14c4007bffc: LC, index 3, one channel, length 61, fullness 0x7FF.
const FFMPEG = hex(`
  fff14c4007bffc 013aee8afa664fd3fa7ebd71c71c4ea6a69abb91bb72581fe0c97dcf8f8cc64fbe803e33019f40193e00cfee07c6630cfee01fc58070
  fff14c4007bffc 01042e8982bd339effe3ffe2ffcbfdffcdd5cd635bf6e65563bf5ddc08a2896bd0634514514517e6550856b5beac55add082a3a89c38`);

describe('ADTS (ISO/IEC 14496-3 §1.A.2.2)', () => {
  it('vectors: splits FFmpeg frames into access units and writes the same bytes back', () => {
    const frames = parseAdts(FFMPEG);
    assert.equal(frames.length, 2);
    for (const f of frames) {
      assert.deepEqual(f.config, hex('1188'));
      assert.deepEqual([f.objectType, f.sampleRate, f.channels, f.au.length], [2, 48000, 1, 54]);
    }
    assert.deepEqual(buildAdts(frames.map((f) => f.au), hex('1188')), FFMPEG);
    // FFmpeg's MP4 esds carries 1188 56e500 (explicit SBR signalling): the first two bytes are all ADTS needs.
    assert.deepEqual(buildAdts(frames.map((f) => f.au), hex('118856e500')), FFMPEG);
  });

  it('skips the CRC of protected frames and reads stereo, 44.1 kHz and AAC Main headers', () => {
    const au = hex('0102030405');
    const plain = buildAdts([au], hex('0a10')); // Main (1), index 4 = 44100, stereo
    const protectedFrame = Buffer.concat([plain.subarray(0, 7), hex('beef'), au]);
    protectedFrame[1] = 0xf0;
    protectedFrame[4] = (9 + au.length) >> 3;
    protectedFrame[5] = (((9 + au.length) & 7) << 5) | 0x1f;
    for (const b of [plain, protectedFrame]) {
      const [f] = parseAdts(b);
      assert.deepEqual([f!.objectType, f!.sampleRate, f!.channels], [1, 44100, 2]);
      assert.deepEqual(f!.au, au);
    }
  });

  it('refuses what ADTS cannot say, and bytes that are not ADTS', () => {
    assert.throws(() => buildAdts([hex('00')], hex('2b10')), { name: 'CodecError' }); // object type 5 (SBR)
    assert.throws(() => buildAdts([hex('00')], hex('17800bb800')), { name: 'CodecError' }); // explicit rate
    assert.throws(() => buildAdts([Buffer.alloc(8185)], hex('1188')), { name: 'CodecError' });
    assert.equal(buildAdts([Buffer.alloc(8184)], hex('1188')).length, 8191);
    assert.throws(() => parseAdts(hex('fff14c4007bf')), { name: 'CodecError' });
    assert.throws(() => parseAdts(FFMPEG.subarray(0, 100)), { name: 'CodecError' });
    assert.throws(() => parseAdts(hex('fff14c4007bffd00')), { name: 'CodecError' }); // two raw data blocks
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
      try { parseAdts(b); } catch (e) { assert.equal((e as Error).name, 'CodecError'); }
    }), { numRuns: 3000 });
    fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 50 }), { maxLength: 5 }), (aus) => {
      assert.deepEqual(parseAdts(buildAdts(aus, hex('1190'))).map((f) => Buffer.from(f.au)), aus.map((a) => Buffer.from(a)));
    }));
  });
});
