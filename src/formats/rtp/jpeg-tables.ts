/**
 * Constants of baseline JPEG that RFC 2435 receivers rebuild headers from: the example quantization tables of
 * ITU-T T.81 Annex K.1 (in zigzag order, as RFC 2435 Appendix A lists them) and the typical Huffman tables of
 * Annex K.3 (code-length counts and values).
 */
export const LUMA_QUANT_ZIGZAG = [
  16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40, 26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
  56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87, 95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
];
/** Chrominance table of Annex K.1, zigzag order. */
export const CHROMA_QUANT_ZIGZAG = [
  17, 18, 18, 24, 21, 24, 47, 26, 26, 47, 99, 66, 56, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const rows = (firsts: number[], last: number): number[] => firsts.flatMap((f) => range(f, (f & 0xf0) | last));

/** A Huffman table: class (0 DC, 1 AC), id, 16 code-length counts, values. */
export interface HuffmanTable { readonly cls: number; readonly id: number; readonly counts: readonly number[]; readonly values: readonly number[] }

/** The four typical tables of Annex K.3 (luminance DC/AC id 0, chrominance DC/AC id 1). */
export const STANDARD_HUFFMAN_TABLES: readonly HuffmanTable[] = [
  { cls: 0, id: 0, counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], values: range(0, 11) },
  {
    cls: 1, id: 0, counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
    values: [
      0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
      0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, ...range(0x16, 0x1a), ...range(0x25, 0x2a), ...range(0x34, 0x3a),
      ...rows([0x43, 0x53, 0x63, 0x73, 0x83], 0xa), ...rows([0x92, 0xa2, 0xb2, 0xc2, 0xd2], 0xa), ...rows([0xe1, 0xf1], 0xa),
    ],
  },
  { cls: 0, id: 1, counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], values: range(0, 11) },
  {
    cls: 1, id: 1, counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
    values: [
      0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
      0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a,
      ...range(0x26, 0x2a), ...range(0x35, 0x3a), ...rows([0x43, 0x53, 0x63, 0x73], 0xa), ...rows([0x82, 0x92, 0xa2, 0xb2, 0xc2, 0xd2, 0xe2, 0xf2], 0xa),
    ],
  },
];

/** RFC 2435 Appendix A: the tables a Q factor of 1–99 stands for (zigzag order, 8-bit). */
export function quantTablesForQ(q: number): [number[], number[]] {
  const factor = q < 50 ? Math.floor(5000 / q) : 200 - q * 2;
  const scale = (t: number[]): number[] => t.map((v) => Math.min(255, Math.max(1, Math.floor((v * factor + 50) / 100))));
  return [scale(LUMA_QUANT_ZIGZAG), scale(CHROMA_QUANT_ZIGZAG)];
}
