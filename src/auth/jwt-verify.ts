import { createPublicKey, verify, constants, type KeyObject, type JsonWebKey } from 'node:crypto';

/** A key of a JWK Set (RFC 7517 §4) as fetched, kept with its `kid` and optional `alg`. */
export interface JwkEntry { readonly kid: string | undefined; readonly alg: string | undefined; readonly key: KeyObject }

/** Why a token was refused: the text never contains the token. */
export class JwtError extends Error {
  override readonly name = 'JwtError';
}

/** The verified header and claims of a JWT (RFC 7519). */
export interface VerifiedJwt { readonly header: Readonly<Record<string, unknown>>; readonly claims: Readonly<Record<string, unknown>> }

/** Node's verify parameters for each JWS algorithm (RFC 7518 §3.1, RFC 8037 §3.1 for EdDSA). */
const ALGORITHMS: Readonly<Record<string, { hash: string | null; keyType: string; pss?: boolean; ecdsa?: boolean; curve?: string }>> = {
  RS256: { hash: 'sha256', keyType: 'rsa' }, RS384: { hash: 'sha384', keyType: 'rsa' }, RS512: { hash: 'sha512', keyType: 'rsa' },
  PS256: { hash: 'sha256', keyType: 'rsa', pss: true }, PS384: { hash: 'sha384', keyType: 'rsa', pss: true }, PS512: { hash: 'sha512', keyType: 'rsa', pss: true },
  ES256: { hash: 'sha256', keyType: 'ec', ecdsa: true, curve: 'prime256v1' },
  ES384: { hash: 'sha384', keyType: 'ec', ecdsa: true, curve: 'secp384r1' },
  ES512: { hash: 'sha512', keyType: 'ec', ecdsa: true, curve: 'secp521r1' },
  EdDSA: { hash: null, keyType: 'ed25519' },
};

/** JWS algorithms verified (RFC 7518 §3.1; EdDSA with Ed25519, RFC 8037). HMAC and `none` are refused. */
export const JWT_ALGORITHMS: readonly string[] = Object.keys(ALGORITHMS);

// RFC 7515 §2: base64url without padding.
const B64URL = /^[A-Za-z0-9_-]*$/;

function decodeJson(part: string, what: string): Record<string, unknown> {
  let v: unknown;
  try { v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')); } catch { throw new JwtError(`invalid JWT ${what}`); }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new JwtError(`invalid JWT ${what}`);
  return v as Record<string, unknown>;
}

/**
 * Converts one JWK (RFC 7517 §4) into a public key. Keys that are not RSA, EC (P-256/384/521) or OKP Ed25519 public
 * keys, or that are meant for encryption (`use: enc`), are skipped (undefined).
 */
export function jwkToEntry(jwk: Readonly<Record<string, unknown>>): JwkEntry | undefined {
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && !(jwk.kty === 'OKP' && jwk.crv === 'Ed25519')) return undefined;
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    if (key.type !== 'public') return undefined;
    return { kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, alg: typeof jwk.alg === 'string' ? jwk.alg : undefined, key };
  } catch {
    return undefined;
  }
}

/** Checks a JWS signature with one key, refusing a key whose type or curve does not fit the algorithm. */
function signatureValid(alg: string, key: KeyObject, input: Buffer, sig: Buffer): boolean {
  const a = ALGORITHMS[alg]!;
  if (key.asymmetricKeyType !== a.keyType) return false;
  if (a.curve !== undefined && key.asymmetricKeyDetails?.namedCurve !== a.curve) return false;
  try {
    if (a.ecdsa) return verify(a.hash, input, { key, dsaEncoding: 'ieee-p1363' }, sig); // RFC 7518 §3.4: R || S
    if (a.pss) return verify(a.hash, input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, sig);
    return verify(a.hash, input, key, sig);
  } catch {
    return false;
  }
}

/**
 * Verifies the signature of a JWS compact serialization (RFC 7515 §7.1) with the key of the JWK Set named by the
 * header's `kid` (required, as upstream's keyfunc does); a key's `alg`, when present, must be the token's.
 */
export function verifyJwtSignature(token: string, keys: readonly JwkEntry[]): VerifiedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) throw new JwtError('token is malformed');
  const header = decodeJson(parts[0]!, 'header');
  const claims = decodeJson(parts[1]!, 'claims');
  const alg = header.alg;
  if (typeof alg !== 'string' || !Object.hasOwn(ALGORITHMS, alg)) throw new JwtError(`signing method ${String(alg)} is invalid`);
  if (header.crit !== undefined) throw new JwtError('unsupported critical header parameters'); // RFC 7515 §4.1.11
  if (typeof header.kid !== 'string') throw new JwtError('could not find kid in JWT header');
  const candidates = keys.filter((k) => k.kid === header.kid);
  if (candidates.length === 0) throw new JwtError(`the given key ID was not found in the JWK Set`);
  const input = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
  const sig = Buffer.from(parts[2]!, 'base64url');
  const ok = candidates.some((k) => (k.alg === undefined || k.alg === alg) && signatureValid(alg, k.key, input, sig));
  if (!ok) throw new JwtError('token signature is invalid');
  return { header, claims };
}
