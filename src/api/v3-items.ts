import type { ConnectionInfo, ParticipantInfo, PathSnapshot } from '../core/index.ts';
import type { ApiHlsMuxer, ApiWebRtcConn } from './api-host.ts';

// The items of MediaMTX's v3 lists (upstream `internal/defs/api_*.go`), built from what our servers report. A field
// we do not measure yet (RTP packet counts, user agent) is sent as upstream sends it when there is nothing to count:
// 0, '' or null. Deprecated fields upstream still sends (`bytesReceived`, `ready`, `tracks`) are sent too.

/** Upstream's name for a codec where our display name differs. */
const CODEC_NAMES: Readonly<Record<string, string>> = { 'AC-3': 'AC3' };

// Ours → upstream's type names: HEAD renamed the UDP source and WebRTC connections, and hides HLS muxers.
const SOURCE_TYPES: Readonly<Record<string, string>> = { udpSource: 'mpegtsSource', webRTCConn: 'webRTCSession' };
const READER_TYPES: Readonly<Record<string, string>> = { webRTCConn: 'webRTCSession', hlsMuxer: 'hidden' };
// Static sources and the redirect have no id upstream.
const NO_ID = new Set(['hlsMuxer', 'rtspSource', 'rtmpSource', 'hlsSource', 'udpSource', 'rpiCameraSource', 'redirect']);

function participant(p: ParticipantInfo, types: Readonly<Record<string, string>>): { type: string; id: string } {
  return { type: types[p.type] ?? p.type, id: NO_ID.has(p.type) ? '' : p.id };
}

function iso(d: Date | undefined): string | null { return d ? d.toISOString() : null; }

/** Readers as upstream lists them: muxers it hides are left out, the others ordered by type, then id. */
function shownReaders(readers: readonly ParticipantInfo[]): { type: string; id: string }[] {
  return readers.map((r) => participant(r, READER_TYPES)).filter((r) => r.type !== 'hidden')
    .sort((a, b) => (a.type !== b.type ? (a.type < b.type ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A `Path` item. `ready`, `available` and `online` are one state here (we have no always-available paths yet), so
 * their times are the one time the stream became ready. Counters and tracks are the current stream's, as upstream's.
 */
export function v3PathItem(p: PathSnapshot): Record<string, unknown> {
  const time = p.sourceReady ? iso(p.readyTime) : null;
  const tracks2 = p.trackDetails.map((t) => ({ codec: CODEC_NAMES[t.codec] ?? t.codec, codecProps: t.codecProps }));
  return {
    name: p.name, confName: p.confName,
    ready: p.sourceReady, readyTime: time, available: p.sourceReady, availableTime: time, online: p.sourceReady, onlineTime: time,
    source: p.source ? participant(p.source, SOURCE_TYPES) : null,
    tracks: tracks2.map((t) => t.codec), tracks2,
    readers: shownReaders(p.readers),
    inboundBytes: p.bytesReceived, outboundBytes: p.bytesSent, inboundFramesInError: p.framesInError,
    bytesReceived: p.bytesReceived, bytesSent: p.bytesSent,
  };
}

/** An `RTSPConn` item. */
export function v3RtspConnItem(c: ConnectionInfo): Record<string, unknown> {
  return {
    id: c.id, created: c.created.toISOString(), remoteAddr: c.remoteAddr, session: null, tunnel: 'none',
    inboundBytes: c.bytesReceived, outboundBytes: c.bytesSent, bytesReceived: c.bytesReceived, bytesSent: c.bytesSent,
  };
}

/** An `RTSPSession` item. */
export function v3RtspSessionItem(c: ConnectionInfo): Record<string, unknown> {
  const discarded = c.outboundDiscarded ?? 0;
  return {
    id: c.id, created: c.created.toISOString(), remoteAddr: c.remoteAddr, state: c.state ?? 'idle', path: c.path ?? '',
    query: '', user: '', userAgent: '', transport: null, profile: null, conns: [],
    inboundBytes: c.bytesReceived, inboundRTPPackets: 0, inboundRTPPacketsLost: 0, inboundRTPPacketsInError: 0,
    inboundRTPPacketsJitter: 0, inboundRTCPPackets: 0, inboundRTCPPacketsInError: 0,
    outboundBytes: c.bytesSent, outboundRTPPackets: 0, outboundRTPPacketsReportedLost: 0, outboundRTPPacketsDiscarded: discarded,
    outboundRTCPPackets: 0,
    bytesReceived: c.bytesReceived, bytesSent: c.bytesSent, rtpPacketsReceived: 0, rtpPacketsSent: 0, rtpPacketsLost: 0,
    rtpPacketsInError: 0, rtpPacketsJitter: 0, rtcpPacketsReceived: 0, rtcpPacketsSent: 0, rtcpPacketsInError: 0,
  };
}

/** An `RTMPConn` item (RTMP and RTMPS). */
export function v3RtmpConnItem(c: ConnectionInfo): Record<string, unknown> {
  return {
    id: c.id, created: c.created.toISOString(), remoteAddr: c.remoteAddr, state: c.state ?? 'idle', path: c.path ?? '',
    query: '', user: '', userAgent: '',
    inboundBytes: c.bytesReceived, outboundBytes: c.bytesSent, outboundFramesDiscarded: c.outboundDiscarded ?? 0,
    bytesReceived: c.bytesReceived, bytesSent: c.bytesSent,
  };
}

/** An `HLSMuxer` item. */
export function v3HlsMuxerItem(m: ApiHlsMuxer): Record<string, unknown> {
  return {
    path: m.name, created: m.created.toISOString(), lastRequest: m.lastRequest.toISOString(),
    outboundBytes: m.bytesSent, outboundFramesDiscarded: 0, bytesSent: m.bytesSent,
  };
}

/**
 * A `WebRTCSession` item. The `inbound…` counts are of received media only, as upstream's. The deprecated `rtpPacketsLost`
 * and `rtpPacketsJitter` are of the session's one media direction: for a publisher what arrived, for a viewer what it
 * reports in its receiver reports (upstream leaves them 0 for a viewer).
 */
export function v3WebRtcSessionItem(c: ApiWebRtcConn): Record<string, unknown> {
  const s = c.stats;
  const publishing = c.state === 'publish';
  const lost = (publishing ? s?.rtpPacketsLost : s?.rtpPacketsReportedLost) ?? 0;
  const jitter = (publishing ? s?.rtpPacketsJitter : s?.rtpPacketsReportedJitter) ?? 0;
  return {
    id: c.id, created: c.created.toISOString(), remoteAddr: c.remoteAddr, peerConnectionEstablished: c.peerConnectionEstablished ?? false,
    localCandidate: c.localCandidate ?? '', remoteCandidate: c.remoteCandidate ?? '',
    state: publishing ? 'publish' : 'read', path: c.path ?? '', query: '', user: '', userAgent: '',
    inboundBytes: c.bytesReceived, inboundRTPPackets: s?.rtpPacketsReceived ?? 0, inboundRTPPacketsLost: s?.rtpPacketsLost ?? 0,
    inboundRTPPacketsJitter: s?.rtpPacketsJitter ?? 0, inboundRTCPPackets: s?.rtcpPacketsReceived ?? 0,
    outboundBytes: c.bytesSent, outboundRTPPackets: s?.rtpPacketsSent ?? 0, outboundRTCPPackets: s?.rtcpPacketsSent ?? 0,
    outboundFramesDiscarded: c.outboundDiscarded ?? 0,
    bytesReceived: c.bytesReceived, bytesSent: c.bytesSent, rtpPacketsReceived: s?.rtpPacketsReceived ?? 0,
    rtpPacketsSent: s?.rtpPacketsSent ?? 0, rtpPacketsLost: lost, rtpPacketsJitter: jitter,
    rtcpPacketsReceived: s?.rtcpPacketsReceived ?? 0, rtcpPacketsSent: s?.rtcpPacketsSent ?? 0,
  };
}

/** Sorts by a text key, as upstream sorts paths by name. */
export function byKey<T>(items: readonly T[], key: (x: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
