/** Thrown for bitstream data that can't be parsed. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
}
