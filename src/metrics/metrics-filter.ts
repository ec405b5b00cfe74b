import type { PromLabels } from './prom-text.ts';

/**
 * Upstream's `/metrics` query filters: `type` keeps one section (`paths`, `rtsp_sessions`, …); an item filter
 * (`path`, `hls_muxer`, `rtsp_conn`, `rtsp_session`, `rtsps_conn`, `rtsps_session`, `rtmp_conn`, `rtmps_conn`,
 * `webrtc_session`) keeps the sections that have one set, and in them the items it names.
 */
export interface MetricsFilter {
  readonly type?: string;
  /** Section → the name or id to keep. */
  readonly items: ReadonlyMap<string, string>;
}

/** Item filter parameter → its section and the label naming an item. */
const ITEM_PARAMS: Readonly<Record<string, readonly [string, string]>> = {
  path: ['paths', 'name'], hls_muxer: ['hls_muxers', 'name'], rtsp_conn: ['rtsp_conns', 'id'], rtsp_session: ['rtsp_sessions', 'id'],
  rtsps_conn: ['rtsps_conns', 'id'], rtsps_session: ['rtsps_sessions', 'id'], rtmp_conn: ['rtmp_conns', 'id'], rtmps_conn: ['rtmps_conns', 'id'],
  webrtc_session: ['webrtc_sessions', 'id'],
};
const LABEL_OF = new Map(Object.values(ITEM_PARAMS));

// Longest first, so `rtsp_sessions_…` is not taken for `rtsp_conns` and the like; v0.22.2's `webrtc_conns` is v1.x's
// `webrtc_sessions` section.
const SECTIONS: readonly (readonly [string, string])[] = [
  ['paths', 'paths'], ['hls_muxers', 'hls_muxers'], ['rtsp_conns', 'rtsp_conns'], ['rtsp_sessions', 'rtsp_sessions'],
  ['rtsps_conns', 'rtsps_conns'], ['rtsps_sessions', 'rtsps_sessions'], ['rtmp_conns', 'rtmp_conns'], ['rtmps_conns', 'rtmps_conns'],
  ['webrtc_sessions', 'webrtc_sessions'], ['webrtc_conns', 'webrtc_sessions'],
];

/** The section a family belongs to, or undefined for ours (process and Node.js figures). */
export function sectionOf(family: string): string | undefined {
  return SECTIONS.find(([prefix]) => family === prefix || family.startsWith(`${prefix}_`))?.[1];
}

/** The filter a query asks for, or undefined when it asks none (the whole page). */
export function parseMetricsFilter(query: URLSearchParams): MetricsFilter | undefined {
  const items = new Map<string, string>();
  for (const [param, [section]] of Object.entries(ITEM_PARAMS)) {
    const v = query.get(param);
    if (v !== null && v !== '') items.set(section, v);
  }
  const type = query.get('type') ?? '';
  return type === '' && items.size === 0 ? undefined : { ...(type !== '' ? { type } : {}), items };
}

/** True when a sample of `family` with `labels` is on the filtered page. */
export function keepsSample(f: MetricsFilter, family: string, labels: PromLabels | undefined): boolean {
  const section = sectionOf(family);
  if (section === undefined) return false;
  if (f.type !== undefined && f.type !== section) return false;
  if (f.items.size === 0) return true;
  const want = f.items.get(section);
  if (want === undefined) return false;
  // The bare zero lines of an empty section are not written when an item is asked for.
  const label = LABEL_OF.get(section)!;
  return labels?.some(([k, v]) => k === label && v === want) === true;
}
