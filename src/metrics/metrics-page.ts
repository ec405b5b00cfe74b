import type { PathSnapshot } from '../core/index.ts';
import { PromText, type PromLabels } from './prom-text.ts';
import type { MetricsConnection, MetricsHlsMuxer, MetricsServers, MetricsSources } from './metrics-sources.ts';
import { keepsSample, type MetricsFilter } from './metrics-filter.ts';
import { v1Families, type MetricsPath } from './metrics-v1-families.ts';

/** Sorted by a key, so the page is stable from one scrape to the next. */
function sortedBy<T>(list: readonly T[], key: (x: T) => string): T[] {
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

type Labeler = (c: MetricsConnection) => PromLabels;
const byId: Labeler = (c) => [['id', c.id]];
const byIdState: Labeler = (c) => [['id', c.id], ['state', c.state ?? 'idle']];
const byIdStatePath: Labeler = (c) => [...byIdState(c), ['path', c.path ?? '']];

/**
 * v0.22.2's three families of a connection kind: `<prefix>` (1 each), `<prefix>_bytes_received`, `<prefix>_bytes_sent`;
 * with no connection, each bare name with 0.
 */
function connections(t: PromText, prefix: string, conns: readonly MetricsConnection[], labels: Labeler): void {
  if (conns.length === 0) {
    for (const n of [prefix, `${prefix}_bytes_received`, `${prefix}_bytes_sent`]) t.sample(n, undefined, 0);
    return;
  }
  for (const c of conns) t.sample(prefix, labels(c), 1);
  for (const c of conns) t.sample(`${prefix}_bytes_received`, labels(c), c.bytesReceived);
  for (const c of conns) t.sample(`${prefix}_bytes_sent`, labels(c), c.bytesSent);
}

function pathLabels(p: PathSnapshot): PromLabels {
  return [['name', p.name], ['state', p.sourceReady ? 'ready' : 'notReady']];
}

/** v0.22.2's `paths` and `paths_bytes_received`; with no path, `paths 0` alone (as v0.22.2). */
function paths(t: PromText, list: readonly PathSnapshot[]): void {
  if (list.length === 0) { t.sample('paths', undefined, 0); return; }
  for (const p of list) t.sample('paths', pathLabels(p), 1);
  for (const p of list) t.sample('paths_bytes_received', pathLabels(p), p.bytesReceived);
}

const byMuxer = (m: MetricsHlsMuxer): PromLabels => [['name', m.name]];

/** v0.22.2's `hls_muxers` and `hls_muxers_bytes_sent` (HLS muxers send only), bare names with 0 when none. */
function hlsMuxers(t: PromText, muxers: readonly MetricsHlsMuxer[]): void {
  if (muxers.length === 0) { t.sample('hls_muxers', undefined, 0).sample('hls_muxers_bytes_sent', undefined, 0); return; }
  for (const m of muxers) t.sample('hls_muxers', byMuxer(m), 1);
  for (const m of muxers) t.sample('hls_muxers_bytes_sent', byMuxer(m), m.bytesSent);
}

/** Our addition (MediaMTX v1's name and labels): readers of each path by type. */
function pathReaders(t: PromText, list: readonly PathSnapshot[]): void {
  t.describe('paths_readers', 'gauge', 'Readers of the path, by reader type.');
  if (list.length === 0) { t.sample('paths_readers', undefined, 0); return; }
  for (const p of list) {
    const byType = new Map<string, number>();
    for (const r of p.readers) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    if (byType.size === 0) byType.set('', 0);
    for (const [type, n] of sortedBy([...byType], ([k]) => k)) t.sample('paths_readers', [...pathLabels(p), ['readerType', type]], n);
  }
}

/** Our addition (MediaMTX v1's names): units each reader dropped because it was too slow, for servers that report it. */
function discarded<C extends { readonly outboundDiscarded?: number }>(
  t: PromText, name: string, what: string, conns: readonly C[], labels: (c: C) => PromLabels,
): void {
  const known = conns.filter((c) => c.outboundDiscarded !== undefined);
  if (known.length === 0) return;
  t.describe(name, 'counter', `${what} dropped because the reader was too slow.`);
  for (const c of known) t.sample(name, labels(c), c.outboundDiscarded!);
}

/** The families of MediaMTX v0.22.2 and our additions about paths and connections. */
function mediaFamilies(t: PromText, pathList: readonly MetricsPath[], s: MetricsServers): void {
  const conns = <C extends MetricsConnection>(list: C[] | undefined): C[] => sortedBy(list ?? [], (c) => c.id);
  paths(t, pathList);
  const hls = s.hls ? sortedBy(s.hls.muxerList(), (m) => m.name) : undefined;
  if (hls) hlsMuxers(t, hls);
  const rtsp = { conns: conns(s.rtsp?.connections()), sessions: conns(s.rtsp?.sessionList()) };
  const rtsps = { conns: conns(s.rtsps?.connections()), sessions: conns(s.rtsps?.sessionList()) };
  if (s.rtsp) { connections(t, 'rtsp_conns', rtsp.conns, byId); connections(t, 'rtsp_sessions', rtsp.sessions, byIdState); }
  if (s.rtsps) { connections(t, 'rtsps_conns', rtsps.conns, byId); connections(t, 'rtsps_sessions', rtsps.sessions, byIdState); }
  const rtmp = conns(s.rtmp?.connections());
  const rtmps = conns(s.rtmps?.connections());
  if (s.rtmp) connections(t, 'rtmp_conns', rtmp, byIdState);
  if (s.webrtc) connections(t, 'webrtc_conns', conns(s.webrtc.connections()), byId);
  // Additions: RTMPS connections (v0.22.2 had none; MediaMTX v1 names), readers per path, drops per reader.
  if (s.rtmps) connections(t, 'rtmps_conns', rtmps, byIdState);
  pathReaders(t, pathList);
  discarded(t, 'rtsp_sessions_outbound_rtp_packets_discarded', 'RTP packets', rtsp.sessions, byIdStatePath);
  discarded(t, 'rtsps_sessions_outbound_rtp_packets_discarded', 'RTP packets', rtsps.sessions, byIdStatePath);
  discarded(t, 'rtmp_conns_outbound_frames_discarded', 'Frames', rtmp, byIdStatePath);
  discarded(t, 'rtmps_conns_outbound_frames_discarded', 'Frames', rtmps, byIdStatePath);
  if (hls) discarded(t, 'hls_muxers_outbound_frames_discarded', 'Frames', hls, byMuxer);
  v1Families(t, pathList, {
    ...(s.rtsp ? { rtsp } : {}), ...(s.rtsps ? { rtsps } : {}), ...(s.rtmp ? { rtmp } : {}), ...(s.rtmps ? { rtmps } : {}),
    ...(hls ? { hls } : {}), ...(s.webrtc ? { webrtc: conns(s.webrtc.connections()) } : {}),
  }, s);
}

/** Process figures of our additions (process-metrics.ts). */
export type ProcessFamilies = (t: PromText) => void;

/**
 * The `/metrics` page, built from read-only snapshots taken once per scrape: v0.22.2's families, v1.x's beside them,
 * then ours. With a `filter` (upstream's `?type=`, `?path=`, …), only the samples it keeps, and none of ours.
 */
export function metricsPage(sources: MetricsSources, processFamilies?: ProcessFamilies, filter?: MetricsFilter): string {
  const t = new PromText(filter ? (name, labels) => keepsSample(filter, name, labels) : undefined);
  const pathList = sortedBy(sources.paths(), (p) => p.name);
  mediaFamilies(t, pathList, sources.servers());
  if (!filter) processFamilies?.(t);
  return t.toString();
}
