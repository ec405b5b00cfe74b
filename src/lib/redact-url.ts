/** What a hidden secret is replaced with (the mask Go's `url.URL.Redacted` uses). */
export const REDACTED = 'xxxxx';

// Query parameters whose value is a credential: MediaMTX's RTMP `?user=&pass=`, SRT's `?passphrase=` (an SRT source),
// tokens and keys of other servers.
const SECRET_PARAMS = 'pass|password|passwd|pwd|passphrase|secret|token|jwt|key|apikey|api_key|access_token|auth|sig|signature';

// `scheme://userinfo@`: the userinfo runs to the last `@` before the first `/` or whitespace. Go's url.Parse would
// also stop at `?` and `#`, but a password typed raw (`rtsp://u:p#ss@cam`, `rtsp://u:p@ss@cam`) must be hidden
// entirely even though such a URL does not work; at worst a query holding an `@` is masked too.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/]*)@/gi;
const SECRET_QUERY = new RegExp(`([?&;](?:${SECRET_PARAMS})=)[^&;#\\s'"]*`, 'gi');
// MediaMTX's SRT stream id with credentials, `streamid=read:path:user:pass` (or `publish:…`, then an optional `:query`).
const SRT_STREAMID_PASS = /(\bstreamid=(?:read|publish):[^:&;#\s'"]*:[^:&;#\s'"]*:)[^:&;#\s'"]*/gi;
// An HTTP/RTSP header line as a debug dump would print it; the whole value goes (Basic base64, Digest response).
const AUTH_HEADER = /\b((?:proxy-)?authorization\s*:\s*)[^\r\n]*/gi;
// A scheme and token outside a header line (`Basic dXNlcjpwYXNz` in an error message).
const AUTH_TOKEN = /\b(Basic|Bearer)\s+([A-Za-z0-9+/._~-]+=*)/g;
// The Digest answer derived from the password (RFC 2617 §3.2.2), whatever field order the client used.
const DIGEST_RESPONSE = /\b(response\s*=\s*"?)[0-9a-f]{32,64}/gi;
// A JWT anywhere (RFC 7519 §3: base64url header `{"…` . payload . signature), as an RTSP/RTMP password or query value.
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
// JSON fields of MediaMTX's external authentication body, and an RTCIceServer's TURN `credential`.
const JSON_SECRET = /("(?:password|pass|token|credential)"\s*:\s*")(?:[^"\\]|\\.)*"/gi;
// The TURN password of a WHIP/WHEP `Link: <turn:…>; credential="…"` header (draft-ietf-wish-whip §4.4).
const LINK_CREDENTIAL = /\b(credential=")(?:[^"\\]|\\.)*"/gi;
// MediaMTX v0.22.2's ICE server with credentials, `turn:user:pass:host:port` (or `turn:AUTH_SECRET:secret:…`): not
// a URL, so URL_USERINFO misses it. A password can't hold ':' in this form; the user name is kept, as in URLs.
const ICE_SERVER_CREDENTIALS = /\b((?:stun|turn)s?:[^:\s'"]*:)[^:\s]*(:[A-Za-z0-9._-]+:\d)/gi;

function maskUserinfo(_m: string, scheme: string, userinfo: string): string {
  const colon = userinfo.indexOf(':');
  // A lone user name (`rtsp://admin@cam`) is not a secret and helps reading logs; a password always goes.
  return colon < 0 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
}

function maskToken(m: string, scheme: string, token: string): string {
  // Only what is a credential: base64 of `user:pass`, or a bearer token long enough not to be an English word
  // ("Basic authentication failed" stays readable).
  const isCredential = scheme === 'Basic'
    ? /^[A-Za-z0-9+/]+=*$/.test(token) && Buffer.from(token, 'base64').toString('latin1').includes(':')
    : token.length >= 16;
  return isCredential ? `${scheme} ${REDACTED}` : m;
}

/** A URL (or URL-like string such as a path with its query) with its password and credential query values hidden. */
export function redactUrl(url: string): string {
  return url.replace(URL_USERINFO, maskUserinfo).replace(SECRET_QUERY, `$1${REDACTED}`).replace(SRT_STREAMID_PASS, `$1${REDACTED}`);
}

/**
 * Free text (a log line, an error message) with every credential it can carry hidden: URL passwords, credential
 * query values, Authorization header values, Basic/Bearer tokens, JSON password fields and TURN credentials.
 */
export function redactSecrets(text: string): string {
  // Fast path: most log lines carry none of the markers the patterns below need.
  if (!/:\/\/|[?&;=]|authorization|basic|bearer|response|"pass|"token|"credential|eyJ|(?:stun|turn)s?:/i.test(text)) return text;
  return redactUrl(text)
    .replace(ICE_SERVER_CREDENTIALS, `$1${REDACTED}$2`)
    .replace(AUTH_HEADER, `$1${REDACTED}`)
    .replace(AUTH_TOKEN, maskToken)
    .replace(DIGEST_RESPONSE, `$1${REDACTED}`)
    .replace(JSON_SECRET, `$1${REDACTED}"`)
    .replace(LINK_CREDENTIAL, `$1${REDACTED}"`)
    .replace(JWT, REDACTED);
}
