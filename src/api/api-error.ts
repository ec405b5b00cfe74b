/** A request the API refuses: the status and the reason, sent as MediaMTX v1's JSON error body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** `shouldClose`: the request body was left unread, so the connection can't carry another request. */
  constructor(readonly status: number, message: string, readonly shouldClose = false) {
    super(message);
  }
}
