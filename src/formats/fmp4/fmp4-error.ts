/** Thrown for fragmented MP4 that can't be read, or for samples and tracks that can't be written. */
export class Fmp4Error extends Error {
  override readonly name = 'Fmp4Error';
}
