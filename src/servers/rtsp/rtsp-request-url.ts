import { RtspStatusError } from './rtsp-status.ts';

/** A request URL split into what the server routes on. */
export interface RtspRequestUrl {
  /** Path name: decoded, without leading/trailing slash, query or control suffix. */
  readonly pathName: string;
  /** Raw query without `?`. */
  readonly query: string;
  /** Index of the announced control the URL ends with, if any. */
  readonly controlIndex?: number;
  /** N of a `trackID=N` suffix (the controls this server hands out in DESCRIBE). */
  readonly trackId?: number;
}

/**
 * Splits `rtsp://host/path[?query][/control]` (RFC 2326 §3.2). Clients append the control to the
 * Content-Base, which may carry a query, so the control is looked for at the very end first (FFmpeg does this).
 */
export function splitRtspUrl(url: string, controls: readonly string[]): RtspRequestUrl {
  const m = /^rtsps?:\/\/[^/?]*(.*)$/i.exec(url);
  if (!m) throw new RtspStatusError(400, `invalid URL '${url}'`);
  let rest = m[1]!;
  let controlIndex: number | undefined;
  let trackId: number | undefined;
  for (let i = 0; i < controls.length; i++) {
    const c = controls[i]!;
    if (c === '' || c === '*') continue;
    if (isAbsoluteControl(c)) {
      // The whole URL is the control: nothing to strip, and its path says nothing of the session's (gortsplib).
      if (c === url) { controlIndex = i; break; }
      continue;
    }
    if (rest.endsWith('/' + c)) { controlIndex = i; rest = rest.slice(0, rest.length - c.length - 1); break; }
  }
  if (controlIndex === undefined) {
    const t = /\/trackID=(\d{1,3})$/.exec(rest);
    if (t) { trackId = Number(t[1]); rest = rest.slice(0, t.index); }
  }
  const q = rest.indexOf('?');
  const rawPath = q >= 0 ? rest.slice(0, q) : rest;
  let query = q >= 0 ? rest.slice(q + 1) : '';
  if (query.endsWith('/')) query = query.slice(0, -1);
  let pathName: string;
  try {
    pathName = decodeURIComponent(rawPath);
  } catch {
    throw new RtspStatusError(400, `invalid URL encoding in '${url}'`);
  }
  pathName = pathName.replace(/^\/+/, '').replace(/\/+$/, '');
  return { pathName, query, controlIndex, trackId };
}

/** True when an `a=control` value is a whole rtsp(s) URL rather than a suffix of the request URL. */
export function isAbsoluteControl(control: string): boolean {
  return /^rtsps?:\/\//i.test(control);
}

/** True when an `a=control` value has a `..` or `.` path segment, plain or percent-encoded (docs/limits.md §RTSP). */
export function isClimbingControl(control: string): boolean {
  const path = control.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0]!;
  return path.split('/').some((seg) => /^(\.|%2e){1,2}$/i.test(seg));
}

/** `rtsp://host:port` of a request URL, for relative fallback redirects. */
export function urlBase(url: string): string {
  const m = /^(rtsps?:\/\/[^/]+)/i.exec(url);
  return m ? m[1]! : '';
}
