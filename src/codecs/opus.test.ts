import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildOpusHead, parseOpusHead } from './opus.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('OpusHead (RFC 7845 §5.1)', () => {
  it('vectors: the header libopus writes through FFmpeg (stereo, pre-skip 312, 48 kHz), and ours', () => {
    const ffmpeg = hex('4f70757348656164 01 02 3801 80bb0000 0000 00');
    assert.deepEqual(parseOpusHead(ffmpeg), { channels: 2, preSkip: 312, inputSampleRate: 48000, mappingFamily: 0 });
    assert.deepEqual(buildOpusHead(2, 312), ffmpeg);
    assert.deepEqual(parseOpusHead(buildOpusHead(1)), { channels: 1, preSkip: 0, inputSampleRate: 48000, mappingFamily: 0 });
  });

  it('refuses a wrong magic, a future major version and impossible channel counts', () => {
    const ok = buildOpusHead(2);
    const bad = (i: number, v: number): Buffer => { const b = Buffer.from(ok); b[i] = v; return b; };
    assert.throws(() => parseOpusHead(bad(0, 0x6f)), { name: 'CodecError' });
    assert.throws(() => parseOpusHead(bad(8, 0x10)), { name: 'CodecError' });
    assert.throws(() => parseOpusHead(bad(9, 0)), { name: 'CodecError' });
    assert.throws(() => parseOpusHead(bad(9, 3)), { name: 'CodecError' }); // family 0 is mono or stereo only
    assert.equal(parseOpusHead(Buffer.concat([bad(18, 1), hex('0201 0001')])).mappingFamily, 1);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 30 }), (b) => {
      try { parseOpusHead(Buffer.from(b)); } catch (e) { assert.equal((e as Error).name, 'CodecError'); }
    }));
  });
});
