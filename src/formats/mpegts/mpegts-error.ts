/** Raised for MPEG-TS that can't be read, or units that can't be written. */
export class MpegTsError extends Error {
  override readonly name = 'MpegTsError';
}
