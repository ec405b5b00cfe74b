import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMpegTsEs } from './mpegts-es-decoder.ts';

describe('MPEG-TS elementary stream decoder', () => {
  it('refuses an H264/H265 PES of bare start codes at the NAL unit limit, not after splitting all of it', () => {
    // 1 MiB of `00 00 01 09` (access unit delimiters): 262,144 NAL units, far past the 50 an access unit may hold.
    const pes = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < pes.length; i += 4) pes.set([0, 0, 1, 9], i);
    for (const codec of ['h264', 'h265'] as const) {
      assert.throws(() => decodeMpegTsEs({ codec }, pes), { name: 'CodecError', message: /more than 50 NAL units/ });
    }
  });

  it('decodes an H264 access unit with its parameter sets', () => {
    const es = Buffer.from('00000001674200 1e 00000001 68ce3c80 00000001 65888040'.replace(/ /g, ''), 'hex');
    const u = decodeMpegTsEs({ codec: 'h264' }, es);
    assert.equal((u.payload as Buffer[]).length, 3);
    assert.equal(u.randomAccess, true);
    assert.equal(u.format?.codec, 'h264');
  });
});
