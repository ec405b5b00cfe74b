/** The global settings static sources read (MediaMTX passes the same to its sources). */
export interface SourceSettings {
  /** Connecting, each answer, and silence from a playing upstream. */
  readonly readTimeoutMs: number;
  /** Data the upstream does not take (RTCP, keep-alives, acknowledgements). */
  readonly writeTimeoutMs: number;
}
