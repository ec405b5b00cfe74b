import { createHash, timingSafeEqual } from 'node:crypto';
import { RtspParseError } from './rtsp-parse-error.ts';

/** A parsed Authorization header (RFC 2617). */
export type RtspAuthorization =
  | { readonly scheme: 'basic'; readonly user: string; readonly pass: string }
  | { readonly scheme: 'digest'; readonly username: string; readonly realm: string; readonly nonce: string; readonly uri: string; readonly response: string };

function params(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\s*([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < text.length && (m = re.exec(text)) !== null) {
    out.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!);
    pos = re.lastIndex;
    if (m[0] === '') break;
  }
  if (pos < text.trim().length) throw new RtspParseError('invalid Digest parameters');
  return out;
}

/** Parses an Authorization header; throws RtspParseError when malformed. */
export function parseAuthorization(value: string): RtspAuthorization {
  const sp = value.indexOf(' ');
  const scheme = (sp >= 0 ? value.slice(0, sp) : value).toLowerCase();
  const rest = sp >= 0 ? value.slice(sp + 1).trim() : '';
  if (scheme === 'basic') {
    const decoded = Buffer.from(rest, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new RtspParseError('invalid Basic credentials');
    return { scheme: 'basic', user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
  }
  if (scheme === 'digest') {
    const p = params(rest);
    const get = (k: string): string => {
      const v = p.get(k);
      if (v === undefined) throw new RtspParseError(`Digest parameter '${k}' is missing`);
      return v;
    };
    return { scheme: 'digest', username: get('username'), realm: get('realm'), nonce: get('nonce'), uri: get('uri'), response: get('response') };
  }
  throw new RtspParseError(`unsupported authorization scheme '${scheme.slice(0, 16)}'`);
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** RFC 2617 §3.2.2.1 response without qop: MD5(MD5(user:realm:pass):nonce:MD5(method:uri)). */
export function computeDigestResponse(o: { user: string; pass: string; realm: string; nonce: string; method: string; uri: string }): string {
  return md5(`${md5(`${o.user}:${o.realm}:${o.pass}`)}:${o.nonce}:${md5(`${o.method}:${o.uri}`)}`);
}

/** Returns a constant-time check of a candidate password against a Digest answer. */
export function digestVerifier(auth: Extract<RtspAuthorization, { scheme: 'digest' }>, method: string): (pass: string) => boolean {
  return (pass) => {
    const want = Buffer.from(computeDigestResponse({ user: auth.username, pass, realm: auth.realm, nonce: auth.nonce, method, uri: auth.uri }));
    const got = Buffer.from(auth.response.toLowerCase());
    return want.length === got.length && timingSafeEqual(want, got);
  };
}
