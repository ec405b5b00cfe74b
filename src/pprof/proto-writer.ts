// Protocol Buffers wire format (https://protobuf.dev/programming-guides/encoding/): each field is a varint key
// `(field << 3) | wireType`, then a varint (wire type 0) or a varint length and that many bytes (wire type 2).
const VARINT = 0;
const LENGTH_DELIMITED = 2;

/**
 * Writes one protobuf message, enough for pprof's profile.proto: varint numbers (uint64/int64/bool), strings,
 * nested messages and packed repeated numbers. Proto3 leaves zero values out, so zeros are not written.
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private readonly scratch: number[] = [];
  private size = 0;

  /** A uint64, int64 or bool field (0 and false are left out, as proto3 does); bigint for values past 2^53. */
  varint(field: number, value: number | bigint | boolean): this {
    const n = typeof value === 'boolean' ? Number(value) : value;
    if (n === 0 || n === 0n) return this;
    this.key(field, VARINT);
    this.pushVarint(n);
    return this.flush();
  }

  /** A string field; `always`: written even when empty (profile.proto's string_table starts with ""). */
  string(field: number, s: string, always = false): this {
    if (s === '' && !always) return this;
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  /** A bytes field. */
  bytes(field: number, data: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.pushVarint(data.length);
    this.flush();
    this.chunks.push(data);
    this.size += data.length;
    return this;
  }

  /** A nested message, built by `build` into its own writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated uint64/int64 field (left out when empty). */
  packed(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    for (const v of values) this.pushVarint(v);
    const body = Uint8Array.from(this.scratch);
    this.scratch.length = 0;
    return this.bytes(field, body);
  }

  /** The encoded message. */
  finish(): Uint8Array { return Buffer.concat(this.chunks, this.size); }

  private key(field: number, wireType: number): void { this.pushVarint(field * 8 + wireType); }

  /** Appends a varint to the scratch bytes: 7 bits per byte, low bits first; negatives as 64-bit two's complement. */
  private pushVarint(n: number | bigint): void {
    if (typeof n === 'number' && !Number.isSafeInteger(n)) throw new RangeError(`not an integer that can be encoded exactly: ${n}`);
    if (typeof n === 'bigint' || n < 0) {
      let b = BigInt.asUintN(64, BigInt(n));
      while (b >= 0x80n) { this.scratch.push(Number(b & 0x7fn) | 0x80); b >>= 7n; }
      this.scratch.push(Number(b));
      return;
    }
    let v = n;
    while (v >= 0x80) { this.scratch.push((v % 0x80) | 0x80); v = Math.floor(v / 0x80); }
    this.scratch.push(v);
  }

  private flush(): this {
    const bytes = Uint8Array.from(this.scratch);
    this.scratch.length = 0;
    this.chunks.push(bytes);
    this.size += bytes.length;
    return this;
  }
}
