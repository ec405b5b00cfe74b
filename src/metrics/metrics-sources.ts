import type { ConnectionInfo, PathSnapshot, RtpSessionStats } from '../core/index.ts';

/**
 * A connection or session with the count of units its reader dropped because it was too slow (RTP packets for RTSP
 * sessions, frames for RTMP connections and HLS muxers), for the servers that report it.
 */
export type MetricsConnection = ConnectionInfo & { readonly outboundDiscarded?: number };

/** An HLS muxer (one per path), with the frames it dropped when the server reports them. */
export interface MetricsHlsMuxer { readonly name: string; readonly bytesSent: number; readonly outboundDiscarded?: number }

/** RTP/RTCP counts of a WebRTC session (core's contract). */
export type MetricsWebRtcStats = RtpSessionStats;

/** A WebRTC session, with its counts when the server keeps them. */
export type MetricsWebRtcSession = MetricsConnection & { readonly stats?: MetricsWebRtcStats };

/** A server that lists its connections. */
export interface MetricsConnectionSource { connections(): MetricsConnection[] }
/** An RTSP or RTSPS server: TCP connections and sessions. */
export interface MetricsRtspSource extends MetricsConnectionSource { sessionList(): MetricsConnection[] }

/** The servers running now; a missing one has no section (v0.22.2 leaves out disabled servers). */
export interface MetricsServers {
  readonly rtsp?: MetricsRtspSource;
  readonly rtsps?: MetricsRtspSource;
  readonly rtmp?: MetricsConnectionSource;
  readonly rtmps?: MetricsConnectionSource;
  /** HLS muxers, one per path. */
  readonly hls?: { muxerList(): MetricsHlsMuxer[] };
  readonly webrtc?: { connections(): MetricsWebRtcSession[] };
}

/** Read-only views the metrics are built from, injected by the app. */
export interface MetricsSources {
  paths(): PathSnapshot[];
  servers(): MetricsServers;
}
