import type { PathSnapshot } from '../core/index.ts';
import type { PromLabels, PromText } from './prom-text.ts';
import { bytes, family, sessionLabels } from './metrics-family.ts';
import type { MetricsConnection, MetricsHlsMuxer, MetricsServers, MetricsWebRtcSession } from './metrics-sources.ts';
import { webRtcSessionFamilies } from './metrics-webrtc-families.ts';

// MediaMTX v1.x's families (upstream internal/metrics/metrics.go) whose names v0.22.2 did not have, with v1.x's labels.
// Families both eras name (`paths`, `rtsp_sessions`, …) keep v0.22.2's labels, and so do the `*_bytes_received` /
// `*_bytes_sent` families v1.x still writes as deprecated. Counters we don't measure (RTP packets, jitter) are not
// written rather than written as 0.

/** A path with the figures a newer core reports (absent: the family is left out). */
export type MetricsPath = PathSnapshot & { readonly bytesSent?: number; readonly framesInError?: number };

const pathLabels = (p: PathSnapshot): PromLabels => [['name', p.name], ['state', p.sourceReady ? 'ready' : 'notReady']];
const connLabels = (c: MetricsConnection): PromLabels => [['id', c.id]];

/** v1.x's path families: inbound bytes, and outbound bytes and frames in error when the core reports them. */
function pathFamilies(t: PromText, paths: readonly MetricsPath[]): void {
  family(t, 'paths_inbound_bytes', paths, pathLabels, (p) => p.bytesReceived);
  if (paths.length > 0 && paths.every((p) => p.bytesSent !== undefined)) {
    family(t, 'paths_outbound_bytes', paths, pathLabels, (p) => p.bytesSent!);
    family(t, 'paths_bytes_sent', paths, pathLabels, (p) => p.bytesSent!);
  }
  if (paths.length > 0 && paths.every((p) => p.framesInError !== undefined)) {
    family(t, 'paths_inbound_frames_in_error', paths, pathLabels, (p) => p.framesInError!);
  }
}

/** The connection lists of the running servers, sorted by id (the caller's order). */
export interface SortedConnections {
  readonly rtsp?: { conns: MetricsConnection[]; sessions: MetricsConnection[] };
  readonly rtsps?: { conns: MetricsConnection[]; sessions: MetricsConnection[] };
  readonly rtmp?: MetricsConnection[];
  readonly rtmps?: MetricsConnection[];
  readonly hls?: MetricsHlsMuxer[];
  readonly webrtc?: MetricsWebRtcSession[];
}

/** Writes every v1.x family of the running servers that v0.22.2 did not name. */
export function v1Families(t: PromText, paths: readonly MetricsPath[], s: SortedConnections, servers: MetricsServers): void {
  pathFamilies(t, paths);
  if (s.hls) family(t, 'hls_muxers_outbound_bytes', s.hls, (m) => [['name', m.name]], (m) => m.bytesSent);
  for (const [prefix, lists] of [['rtsp', s.rtsp], ['rtsps', s.rtsps]] as const) {
    if (!lists) continue;
    bytes(t, `${prefix}_conns`, lists.conns, connLabels);
    bytes(t, `${prefix}_sessions`, lists.sessions, sessionLabels);
  }
  if (s.rtmp) bytes(t, 'rtmp_conns', s.rtmp, sessionLabels);
  if (s.rtmps) bytes(t, 'rtmps_conns', s.rtmps, sessionLabels);
  if (servers.webrtc && s.webrtc) webRtcSessionFamilies(t, s.webrtc);
}
