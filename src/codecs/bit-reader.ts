import { CodecError } from './codec-error.ts';

/** Removes emulation prevention bytes (0x000003 → 0x0000) from a NAL unit payload (H.264 §7.4.1, H.265 §7.4.2). */
export function unescapeRbsp(nalu: Uint8Array): Uint8Array {
  let zeros = 0;
  let found = -1;
  for (let i = 0; i < nalu.length; i++) {
    if (zeros >= 2 && nalu[i] === 3) { found = i; break; }
    zeros = nalu[i] === 0 ? zeros + 1 : 0;
  }
  if (found < 0) return nalu;
  const out = new Uint8Array(nalu.length);
  let n = 0;
  zeros = 0;
  for (let i = 0; i < nalu.length; i++) {
    const b = nalu[i]!;
    if (zeros >= 2 && b === 3) { zeros = 0; continue; }
    out[n++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

/** Reads bits MSB first, with Exp-Golomb codes (H.264 §9.1); reading past the end throws CodecError. */
export class BitReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  /** Bits left. */
  get remaining(): number { return this.buf.length * 8 - this.pos; }

  /** One bit as a boolean. */
  flag(): boolean { return this.bits(1) === 1; }

  /** `n` bits (n ≤ 32) as an unsigned number. */
  bits(n: number): number {
    if (n > this.remaining) throw new CodecError('bitstream truncated');
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.buf[this.pos >> 3]!;
      v = v * 2 + ((byte >> (7 - (this.pos & 7))) & 1);
      this.pos++;
    }
    return v;
  }

  /** Skips `n` bits. */
  skip(n: number): void {
    if (n > this.remaining) throw new CodecError('bitstream truncated');
    this.pos += n;
  }

  /** ue(v): unsigned Exp-Golomb; codes longer than 31 leading zeros are refused as malformed. */
  ue(): number {
    let zeros = 0;
    while (!this.flag()) {
      if (++zeros > 31) throw new CodecError('invalid Exp-Golomb code');
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** uvlc(): AV1's variable-length unsigned code (AV1 spec §4.10.3); 32 or more leading zeros mean 2^32 − 1. */
  uvlc(): number {
    let zeros = 0;
    while (!this.flag()) zeros++;
    return zeros >= 32 ? 0xffffffff : 2 ** zeros - 1 + this.bits(zeros);
  }

  /** se(v): signed Exp-Golomb. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}
