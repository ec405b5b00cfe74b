import type { ConfAuthAction, ConfAuthPermission } from '../conf/index.ts';
import { JwtError } from './jwt-verify.ts';

/** What the registered claims must say (RFC 7519 §4.1); empty strings are not checked. */
export interface JwtClaimRules { readonly issuer: string; readonly audience: string }

const ACTIONS: readonly ConfAuthAction[] = ['publish', 'read', 'playback', 'api', 'metrics', 'pprof'];

function numericDate(claims: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const v = claims[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new JwtError(`token has invalid claims: '${name}' is not a NumericDate`);
  return v;
}

/**
 * Checks `exp`, `nbf`, `iss` and `aud` as golang-jwt v5 does for MediaMTX (no leeway; `iat` is not checked): expired
 * when now is after `exp`, not valid before `nbf`, `iss` equal to the issuer, `aud` (a string or a list) holding the
 * audience. `nowSec` is seconds since the epoch.
 */
export function checkRegisteredClaims(claims: Readonly<Record<string, unknown>>, rules: JwtClaimRules, nowSec: number): void {
  const exp = numericDate(claims, 'exp');
  if (exp !== undefined && nowSec > exp) throw new JwtError('token has invalid claims: token is expired');
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nowSec < nbf) throw new JwtError('token has invalid claims: token is not valid yet');
  if (rules.issuer !== '' && claims.iss !== rules.issuer) throw new JwtError('token has invalid claims: token has invalid issuer');
  if (rules.audience !== '') {
    const aud = claims.aud;
    const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!list.includes(rules.audience)) throw new JwtError('token has invalid claims: token has invalid audience');
  }
}

function parsePermission(v: unknown): ConfAuthPermission {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new JwtError('invalid permission: expected an object {action, path}');
  const o = v as Record<string, unknown>;
  const extra = Object.keys(o).find((k) => k !== 'action' && k !== 'path');
  if (extra !== undefined) throw new JwtError(`invalid permission: unknown field '${extra}'`);
  if (typeof o.action !== 'string' || !ACTIONS.includes(o.action as ConfAuthAction)) throw new JwtError(`invalid auth action: '${String(o.action)}'`);
  if (o.path !== undefined && typeof o.path !== 'string') throw new JwtError('invalid permission: path is not a string');
  return { action: o.action as ConfAuthAction, path: o.path ?? '' };
}

/**
 * The permissions held by claim `key` (`authJWTClaimKey`): a list of `{action, path}`, or a string holding that list
 * as JSON (MediaMTX HEAD jwt_claims.go accepts both, for identity providers that only emit string claims).
 */
export function permissionsClaim(claims: Readonly<Record<string, unknown>>, key: string): ConfAuthPermission[] {
  if (!Object.hasOwn(claims, key)) throw new JwtError(`claim '${key}' not found inside JWT`);
  let raw = claims[key];
  if (typeof raw === 'string') {
    try { raw = JSON.parse(raw); } catch { throw new JwtError(`claim '${key}' is not a list of permissions`); }
  }
  if (raw === null) return [];
  if (!Array.isArray(raw)) throw new JwtError(`claim '${key}' is not a list of permissions`);
  return raw.map(parsePermission);
}
