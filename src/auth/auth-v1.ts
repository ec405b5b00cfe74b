import type { ConfAuthInternalUser, ConfAuthMethod, ConfAuthPermission } from '../conf/index.ts';
import type { AuthRequest, Denial } from './auth-request.ts';
import { ExternalAuthClient } from './external-auth.ts';
import { httpAuthBodyV1 } from './http-auth-v1.ts';
import { checkInternalUsers } from './internal-users.ts';
import { checkRegisteredClaims, permissionsClaim } from './jwt-claims.ts';
import { JwksCache } from './jwks-cache.ts';
import { JwtError, verifyJwtSignature } from './jwt-verify.ts';
import { matchesPermission } from './permission.ts';
import { requestToken } from './token.ts';

/** MediaMTX v1.x authentication settings (`authMethod` and the `authInternalUsers`, `authHTTP*`, `authJWT*` keys). */
export interface AuthV1Settings {
  readonly method: ConfAuthMethod;
  /** `authInternalUsers`, or the users converted from the legacy per-path keys (legacyInternalUsers). */
  readonly internalUsers: readonly ConfAuthInternalUser[];
  readonly httpAddress: string;
  /** `authHTTPFingerprint`: SHA-256 of the HTTPS auth server's certificate, or '' to validate it normally. */
  readonly httpFingerprint?: string;
  readonly httpExclude: readonly ConfAuthPermission[];
  readonly jwtJWKS: string;
  /** `authJWTJWKSFingerprint`: SHA-256 of the HTTPS JWKS server's certificate, or '' to validate it normally. */
  readonly jwtJWKSFingerprint?: string;
  readonly jwtClaimKey: string;
  readonly jwtExclude: readonly ConfAuthPermission[];
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
}

/** Outcome of one v1.x check: the user name (JWT: its `sub`), or a denial. */
export type AuthV1Verdict = { readonly user: string } | { readonly denial: Denial };

/** True when a client sent nothing: no user, no password, no token (upstream's AskCredentials condition). */
function sentNothing(req: AuthRequest, token: string): boolean {
  const c = req.credentials;
  return token === '' && (c === undefined || (c.user === '' && (c.kind !== 'plain' || c.pass === '')));
}

/** MediaMTX v1.x authentication (HEAD internal/auth manager.go): internal users, an HTTP server, or JWTs. */
export class AuthV1 {
  private readonly http: ExternalAuthClient | undefined;
  private readonly jwks: JwksCache | undefined;

  constructor(
    readonly settings: AuthV1Settings, timeoutMs: number,
    private readonly ipAllowed: (ips: readonly string[], ip: string) => boolean,
  ) {
    this.http = settings.method === 'http' ? new ExternalAuthClient(settings.httpAddress, timeoutMs, settings.httpFingerprint ?? '') : undefined;
    this.jwks = settings.method === 'jwt' ? new JwksCache({ url: settings.jwtJWKS, timeoutMs, fingerprint: settings.jwtJWKSFingerprint ?? '' }) : undefined;
  }

  /** Checks one request with the configured method. */
  async check(req: AuthRequest): Promise<AuthV1Verdict> {
    const token = this.settings.method === 'internal' ? '' : requestToken(req);
    const deny = (reason: string, needsPlainPassword = false): AuthV1Verdict => ({
      denial: { reason, askCredentials: sentNothing(req, token), needsPlainPassword },
    });
    switch (this.settings.method) {
      case 'internal': {
        const v = await checkInternalUsers(this.settings.internalUsers, req, this.ipAllowed);
        return v.allowed ? { user: req.credentials?.user ?? '' } : deny('authentication failed', v.needsPlainPassword);
      }
      case 'http': {
        if (matchesPermission(this.settings.httpExclude, req)) return { user: '' };
        const reason = await this.http!.check(httpAuthBodyV1(req, token));
        // The HTTP server needs the password in clear: an RTSP challenge must not offer Digest.
        return reason === undefined ? { user: req.credentials?.user ?? '' } : deny(reason, true);
      }
      case 'jwt':
        if (matchesPermission(this.settings.jwtExclude, req)) return { user: '' };
        try {
          return { user: await this.checkJwt(req, token) };
        } catch (err) {
          if (!(err instanceof JwtError)) throw err;
          return deny(err.message, true);
        }
    }
  }

  /** Makes the next JWT check fetch the JWK Set again (`POST /v3/auth/jwks/refresh`). */
  refreshJwks(): void { this.jwks?.refresh(); }

  /** Aborts HTTP checks and JWK Set fetches in flight. */
  close(): void {
    this.http?.close();
    this.jwks?.close();
  }

  private async checkJwt(req: AuthRequest, token: string): Promise<string> {
    const keys = await this.jwks!.get();
    if (token === '') throw new JwtError('JWT not provided');
    const { claims } = verifyJwtSignature(token, keys);
    checkRegisteredClaims(claims, { issuer: this.settings.jwtIssuer, audience: this.settings.jwtAudience }, Date.now() / 1000);
    const perms = permissionsClaim(claims, this.settings.jwtClaimKey);
    if (!matchesPermission(perms, req)) throw new JwtError('user doesn\'t have permission to perform action');
    return typeof claims.sub === 'string' ? claims.sub : '';
  }
}
