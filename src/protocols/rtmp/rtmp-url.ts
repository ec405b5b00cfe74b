/** Path name and credentials of an RTMP publish/play request. */
export interface RtmpTarget { readonly pathName: string; readonly query: string; readonly user: string; readonly pass: string }

/**
 * Maps `connect`'s app/tcUrl and the stream name of publish/play to a path as MediaMTX does:
 * `rtmp://host/mystream` → `mystream`, `rtmp://host/app/stream` → `app/stream`; slashes added by OBS are trimmed;
 * `?user=…&pass=…` may sit on the stream name (OBS stream key) or on the app/tcUrl. Percent escapes are decoded,
 * as MediaMTX's URL parsing does (`my%20cam` → `my cam`).
 */
export function rtmpTarget(app: string, streamName: string): RtmpTarget {
  const split = (s: string): [string, string] => { const i = s.indexOf('?'); return i >= 0 ? [s.slice(0, i), s.slice(i + 1)] : [s, '']; };
  const [appPath, appQuery] = split(app);
  const [name, nameQuery] = split(streamName);
  const query = nameQuery !== '' ? nameQuery : appQuery;
  const pathName = [appPath, name].map((p) => decodePercent(p).replace(/^\/+|\/+$/g, '')).filter((p) => p !== '').join('/');
  const q = new URLSearchParams(query);
  return { pathName, query, user: q.get('user') ?? '', pass: q.get('pass') ?? '' };
}

/** Decodes percent escapes; a malformed escape leaves the text as it is, for path validation to refuse. */
function decodePercent(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}
