import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Format } from '../format.ts';
import { parseFmtpParams } from './sdp-description.ts';
import { fmtpError } from './fmtp-check.ts';

function format(codec: Format['codec'], fmtp: string): Format {
  return { codec, payloadType: 96, encoding: codec.toUpperCase(), clockRate: 90000, fmtp, params: parseFmtpParams(fmtp) };
}

// Each row: codec, fmtp, expected error (undefined = accepted).
const CASES: readonly [Format['codec'], string, RegExp | undefined][] = [
  ['h264', 'packetization-mode=1; sprop-parameter-sets=Z2QADKzZQUH7ARAAAAMAEAAAAwMg8UKZYA==,aOvjyyLA; profile-level-id=64000C', undefined],
  ['h264', 'packetization-mode=1', undefined],
  ['h264', 'sprop-parameter-sets=Z2QADKzZ,aOvjyyLA,', undefined],
  ['h264', 'sprop-parameter-sets=!!!notbase64,aOvjyyLA', /invalid sprop-parameter-sets/],
  ['h264', 'sprop-parameter-sets=Z2QADKzZQ,aOvjyyLA', /invalid sprop-parameter-sets/],
  ['h264', 'packetization-mode=one', /invalid packetization-mode/],
  ['h265', 'sprop-vps=QAEMAf//; sprop-sps=QgEB; sprop-pps=RAHA', undefined],
  ['h265', 'sprop-vps=QAEMAf//; sprop-sps=Q*EB; sprop-pps=RAHA', /invalid sprop-sps/],
  ['vp8', 'sprop-parameter-sets=***', undefined],
];

describe('fmtpError', () => {
  for (const [codec, fmtp, want] of CASES) {
    it(`${want ? 'refuses' : 'accepts'} ${codec} '${fmtp.slice(0, 60)}'`, () => {
      const got = fmtpError(format(codec, fmtp));
      if (want) assert.match(got ?? '(accepted)', want);
      else assert.equal(got, undefined);
    });
  }

  it('accepts every list of base64-encoded NAL units', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }), (nalus) => {
      const v = nalus.map((n) => Buffer.from(n).toString('base64')).join(',');
      assert.equal(fmtpError(format('h264', `sprop-parameter-sets=${v}`)), undefined, v);
    }));
  });
});
