import { RtspParseError } from './rtsp-parse-error.ts';

/** An `rtsp://` or `rtsps://` URL split for a client: where to connect, the credentials, and the URL to request. */
export interface RtspClientUrl {
  readonly isSecure: boolean;
  /** Host to connect to (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** Credentials of the URL's userinfo, percent-decoded; undefined when it has none. */
  readonly credentials?: { readonly user: string; readonly pass: string };
  /** The URL without its userinfo: what goes in request lines, where a password must never be. */
  readonly url: string;
}

// RFC 2326 §3.2 (rtsp: 554) and RFC 7826 §26.1 (rtsps: 322).
const DEFAULT_PORTS = { rtsp: 554, rtsps: 322 } as const;

function decode(s: string): string {
  try { return decodeURIComponent(s); } catch { throw new RtspParseError('invalid percent-encoding in the URL credentials'); }
}

/** Parses a source URL; throws RtspParseError for anything but an rtsp(s):// URL with a host. */
export function parseRtspClientUrl(text: string): RtspClientUrl {
  let u: URL;
  try { u = new URL(text); } catch { throw new RtspParseError('invalid RTSP URL'); }
  const scheme = u.protocol.slice(0, -1);
  if (scheme !== 'rtsp' && scheme !== 'rtsps') throw new RtspParseError(`unsupported scheme '${scheme.slice(0, 16)}'`);
  if (u.hostname === '') throw new RtspParseError('the RTSP URL has no host');
  const port = u.port === '' ? DEFAULT_PORTS[scheme] : Number(u.port);
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const credentials = u.username !== '' || u.password !== '' ? { user: decode(u.username), pass: decode(u.password) } : undefined;
  const url = `${scheme}://${u.host}${u.pathname}${u.search}`;
  return { isSecure: scheme === 'rtsps', host, port, url, ...(credentials ? { credentials } : {}) };
}

/**
 * The URL of a media for SETUP (RFC 2326 §C.1.1): an absolute control as is, `*` or none means the base itself,
 * and a relative control is appended to the base after a `/`, as FFmpeg, GStreamer and gortsplib do (plain URL
 * resolution would drop the last segment of a base without a trailing slash).
 */
export function mediaControlUrl(base: string, control: string): string {
  if (control === '' || control === '*') return base;
  if (/^rtsps?:\/\//i.test(control)) return control;
  return base.endsWith('/') ? `${base}${control}` : `${base}/${control}`;
}

/** The base URL of a DESCRIBE answer: Content-Base, else Content-Location, else the request URL (RFC 2326 §C.1.1). */
export function describeBaseUrl(requestUrl: string, contentBase: string | undefined, contentLocation: string | undefined): string {
  for (const v of [contentBase, contentLocation]) {
    if (v === undefined || v === '') continue;
    // A relative Content-Location is resolved against the request; anything else keeps the request URL.
    if (/^rtsps?:\/\//i.test(v)) return v;
    try { return new URL(v, requestUrl).toString(); } catch { return requestUrl; }
  }
  return requestUrl;
}
