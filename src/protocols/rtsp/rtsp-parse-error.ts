/** Thrown for bytes that violate RTSP syntax or its limits (docs/limits.md §RTSP); the connection must be closed. */
export class RtspParseError extends Error {
  override readonly name = 'RtspParseError';
}
