import { createHash, randomBytes } from 'node:crypto';
import { RtspParseError } from './rtsp-parse-error.ts';

/** One challenge of a `WWW-Authenticate` header (RFC 2617 §1.2, §3.2.1; RFC 7616 §3.3). */
export type AuthChallenge =
  | { readonly scheme: 'basic'; readonly realm: string }
  | {
    readonly scheme: 'digest'; readonly realm: string; readonly nonce: string; readonly opaque?: string;
    readonly algorithm: DigestAlgorithm; readonly qop?: 'auth';
  };

/** Digest hash algorithms a client can answer with (RFC 7616 §3.2: MD5 and SHA-256; `-sess` variants are not used by RTSP servers). */
export type DigestAlgorithm = 'MD5' | 'SHA-256';

// auth-param = token "=" ( token / quoted-string ) (RFC 7235 §2.1).
const PARAM = /\s*([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*(?:,|$)/gy;
const MAX_CHALLENGE_BYTES = 2048;

function params(text: string): Map<string, string> {
  const out = new Map<string, string>();
  PARAM.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (PARAM.lastIndex < text.length && (m = PARAM.exec(text)) !== null) {
    if (m[0] === '') break;
    out.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!);
  }
  return out;
}

/**
 * Parses one `WWW-Authenticate` value (RTSP servers send one header per scheme). Unknown schemes and Digest
 * algorithms return undefined, so that another challenge of the response can be used; malformed ones throw.
 */
export function parseAuthChallenge(value: string): AuthChallenge | undefined {
  if (value.length > MAX_CHALLENGE_BYTES) throw new RtspParseError('WWW-Authenticate header too long');
  const sp = value.indexOf(' ');
  const scheme = (sp >= 0 ? value.slice(0, sp) : value).toLowerCase();
  const p = params(sp >= 0 ? value.slice(sp + 1) : '');
  if (scheme === 'basic') return { scheme: 'basic', realm: p.get('realm') ?? '' };
  if (scheme !== 'digest') return undefined;
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  if (realm === undefined || nonce === undefined) throw new RtspParseError('Digest challenge without realm or nonce');
  const alg = (p.get('algorithm') ?? 'MD5').toUpperCase();
  if (alg !== 'MD5' && alg !== 'SHA-256') return undefined;
  // qop is a list (RFC 2617 §3.2.1); only "auth" protects nothing more than the request line, which is all RTSP needs.
  const qops = (p.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
  const opaque = p.get('opaque');
  return {
    scheme: 'digest', realm, nonce, algorithm: alg, ...(opaque !== undefined ? { opaque } : {}),
    ...(qops.includes('auth') ? { qop: 'auth' as const } : {}),
  };
}

const hash = (alg: DigestAlgorithm, s: string): string => createHash(alg === 'MD5' ? 'md5' : 'sha256').update(s, 'utf8').digest('hex');

/** Inputs of a Digest response (RFC 2617 §3.2.2; RFC 7616 §3.4.1). */
export interface DigestResponseInput {
  readonly algorithm: DigestAlgorithm;
  readonly user: string; readonly pass: string; readonly realm: string; readonly nonce: string;
  readonly method: string; readonly uri: string;
  /** With qop=auth: the nonce count (8 hex digits) and the client nonce. */
  readonly qop?: { readonly nc: string; readonly cnonce: string };
}

/** KD(H(A1), nonce[:nc:cnonce:qop]:H(A2)) with A1 = user:realm:pass, A2 = method:uri. */
export function digestResponse(i: DigestResponseInput): string {
  const ha1 = hash(i.algorithm, `${i.user}:${i.realm}:${i.pass}`);
  const ha2 = hash(i.algorithm, `${i.method}:${i.uri}`);
  const middle = i.qop ? `${i.nonce}:${i.qop.nc}:${i.qop.cnonce}:auth` : i.nonce;
  return hash(i.algorithm, `${ha1}:${middle}:${ha2}`);
}

const quote = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** Strength order when a server offers several challenges: the first one found wins. */
function rank(c: AuthChallenge): number {
  if (c.scheme === 'basic') return 0;
  return c.algorithm === 'SHA-256' ? 2 : 1;
}

/**
 * Answers a server's 401 with the credentials of the source URL: the strongest challenge offered (Digest SHA-256,
 * Digest MD5, then Basic, as RFC 7616 §3.7 asks), then one Authorization value per request (the nonce count
 * grows with qop=auth). The password stays in this object: only hashes, or Basic's base64 the server asked for, leave it.
 */
export class RtspCredentialsSender {
  private nc = 0;

  private constructor(private readonly challenge: AuthChallenge, private readonly user: string, private readonly pass: string) {}

  /**
   * The sender for the challenges of a 401, or undefined when none is usable. Throws RtspParseError on a
   * malformed challenge when no other one is usable.
   */
  static fromChallenges(values: readonly string[], user: string, pass: string): RtspCredentialsSender | undefined {
    let best: AuthChallenge | undefined;
    let failure: unknown;
    for (const v of values) {
      let c: AuthChallenge | undefined;
      try { c = parseAuthChallenge(v); } catch (err) { failure = err; continue; }
      if (c && (!best || rank(c) > rank(best))) best = c;
    }
    if (!best && failure) throw failure;
    return best ? new RtspCredentialsSender(best, user, pass) : undefined;
  }

  /** Scheme of the challenge in use, for logs. */
  get scheme(): string { return this.challenge.scheme === 'basic' ? 'Basic' : `Digest ${this.challenge.algorithm}`; }

  /** The Authorization value of a request (`uri`: its request URL, as sent). */
  authorization(method: string, uri: string, cnonce = randomBytes(8).toString('hex')): string {
    const c = this.challenge;
    if (c.scheme === 'basic') return `Basic ${Buffer.from(`${this.user}:${this.pass}`, 'utf8').toString('base64')}`;
    const qop = c.qop ? { nc: (++this.nc).toString(16).padStart(8, '0'), cnonce } : undefined;
    const response = digestResponse({ algorithm: c.algorithm, user: this.user, pass: this.pass, realm: c.realm, nonce: c.nonce, method, uri, ...(qop ? { qop } : {}) });
    const parts = [
      `username=${quote(this.user)}`, `realm=${quote(c.realm)}`, `nonce=${quote(c.nonce)}`, `uri=${quote(uri)}`, `response=${quote(response)}`,
    ];
    // Absent means MD5 (RFC 2617 §3.2.2), which is how RTSP clients (FFmpeg, GStreamer) answer.
    if (c.algorithm !== 'MD5') parts.push(`algorithm=${c.algorithm}`);
    if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
    if (qop) parts.push('qop=auth', `nc=${qop.nc}`, `cnonce=${quote(qop.cnonce)}`);
    return `Digest ${parts.join(', ')}`;
  }
}
