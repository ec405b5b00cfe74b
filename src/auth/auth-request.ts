import type { ConfAuthAction } from '../conf/index.ts';
import type { Credentials, Protocol } from './access-request.ts';

/**
 * One request as MediaMTX v1.x authentication sees it (HEAD internal/auth request.go): every action, including
 * api/metrics/pprof, which have no path and no protocol. An AccessRequest of a protocol server is one of these.
 */
export interface AuthRequest {
  readonly action: ConfAuthAction;
  /** '' for api/metrics/pprof. */
  readonly pathName: string;
  /** Raw query string without `?`. */
  readonly query: string;
  /** Absent for api/metrics/pprof (sent as '' to an HTTP authentication server). */
  readonly protocol?: Protocol | undefined;
  readonly ip: string;
  readonly credentials?: Credentials | undefined;
  /** A bearer token (`Authorization: Bearer <jwt>`), when the protocol carried one. */
  readonly token?: string | undefined;
  readonly connId?: string | undefined;
  readonly userAgent?: string | undefined;
}

/** Why a request was refused, and how the client should be answered. */
export interface Denial { readonly reason: string; readonly askCredentials: boolean; readonly needsPlainPassword?: boolean }
