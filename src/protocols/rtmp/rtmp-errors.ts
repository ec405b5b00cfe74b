/** Thrown for RTMP bytes that violate the protocol or its limits; the connection must be closed. */
export class RtmpProtocolError extends Error {
  override readonly name = 'RtmpProtocolError';
}

/** Thrown for malformed AMF0 data. */
export class AmfError extends Error {
  override readonly name = 'AmfError';
}
