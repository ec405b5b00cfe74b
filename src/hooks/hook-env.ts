/** Inputs of a hook's environment. */
export interface HookEnvOptions {
  pathName?: string;
  rtspPort: number;
  /** Regexp capture groups of the path name, exported as G1..Gn. */
  matches?: readonly string[];
  /** Query of the first reader/publisher (exported URL-encoded, RELIABILITY V15). */
  query?: string;
}

/** MediaMTX's hook variables: MTX_PATH, RTSP_PATH (legacy name), RTSP_PORT, G1..Gn, MTX_QUERY. */
export function hookEnv(o: HookEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    MTX_PATH: o.pathName ?? '',
    RTSP_PATH: o.pathName ?? '',
    RTSP_PORT: String(o.rtspPort),
  };
  (o.matches ?? []).forEach((m, i) => { env[`G${i + 1}`] = m; });
  if (o.query !== undefined) env.MTX_QUERY = encodeURIComponent(o.query);
  return env;
}
