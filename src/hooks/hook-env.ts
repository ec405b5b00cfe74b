import { redactSecrets } from '../lib/index.ts';

/** Inputs of a hook's environment. */
export interface HookEnvOptions {
  /** Path name; omitted for runOnConnect (v0.22.2 then sets RTSP_PATH to ''). */
  pathName?: string;
  /** Port of rtspAddress. */
  rtspPort: number;
  /** Regexp capture groups of the path name (without the whole match), exported as G1..Gn. */
  matches?: readonly string[];
  /** Raw query of the reader/publisher that caused the hook; exported as MTX_QUERY, credentials masked, URL-encoded. */
  query?: string;
  /** Further variables (MTX_CONN_TYPE, MTX_SOURCE_ID…); they override the ones above. */
  extra?: Readonly<Record<string, string>>;
}

/**
 * Go's url.QueryEscape: everything but letters, digits and `-_.~` is percent-encoded, space becomes `+`.
 * The result holds no character a shell treats specially, which is what makes MTX_QUERY safe inside
 * `sh -c '… $MTX_QUERY …'` (MediaMTX #5707).
 */
export function queryEscape(s: string): string {
  let out = '';
  // Byte-wise over UTF-8 like Go; a lone surrogate becomes U+FFFD instead of throwing as encodeURIComponent would.
  for (const b of Buffer.from(s, 'utf8')) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x5f || b === 0x2e || b === 0x7e) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The query as MTX_QUERY: credential values (RTMP `pass=`, `token=`, `jwt=`, any JWT) become `xxxxx` before encoding.
 * MediaMTX passes them on; here secrets never reach a hook's environment (docs/limits.md §Hooks).
 */
function hookQuery(query: string): string {
  // redactSecrets finds query parameters by their leading `?`/`&`: the first one needs its `?` back.
  return queryEscape(redactSecrets(`?${query}`).slice(1));
}

/** MediaMTX's hook variables: MTX_PATH, RTSP_PATH (legacy name), RTSP_PORT, G1..Gn, MTX_QUERY. */
export function hookEnv(o: HookEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    MTX_PATH: o.pathName ?? '',
    RTSP_PATH: o.pathName ?? '',
    RTSP_PORT: String(o.rtspPort),
  };
  (o.matches ?? []).forEach((m, i) => { env[`G${i + 1}`] = m; });
  if (o.query !== undefined) env.MTX_QUERY = hookQuery(o.query);
  return { ...env, ...o.extra };
}
