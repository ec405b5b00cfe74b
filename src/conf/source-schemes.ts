/** One kind of static `source` URL that MediaMTX accepts (HEAD internal/conf/path.go), and whether we pull it. */
export interface SourceScheme {
  /** What the `source` value starts with. */
  readonly prefixes: readonly string[];
  /** Name in messages and in the "not implemented yet" warning. */
  readonly label: string;
  /** True when src/sources has a factory for it. */
  readonly isBuilt: boolean;
  /** Upstream's check of the value: a URL with a host, that plus a port, or nothing (a Unix socket path). */
  readonly check: 'url' | 'urlWithPort' | 'none';
  /** True when `rtpSDP` must describe the stream (upstream refuses the path without it). */
  readonly needsRtpSdp?: boolean;
}

/** Every static source scheme of MediaMTX v0.22.2 and v1.x. */
export const SOURCE_SCHEMES: readonly SourceScheme[] = [
  { prefixes: ['rtsp://', 'rtsps://'], label: 'RTSP source', isBuilt: true, check: 'url' },
  // MediaMTX v1.11+: RTSP tunneled in HTTP or WebSocket (gortsplib's rtsp+http / rtsp+ws transports).
  { prefixes: ['rtsp+http://', 'rtsps+http://', 'rtsp+ws://', 'rtsps+ws://'], label: 'RTSP-over-HTTP/WebSocket source', isBuilt: false, check: 'url' },
  { prefixes: ['rtmp://', 'rtmps://'], label: 'RTMP source', isBuilt: true, check: 'url' },
  { prefixes: ['http://', 'https://'], label: 'HLS source', isBuilt: true, check: 'url' },
  { prefixes: ['udp://'], label: 'UDP MPEG-TS source', isBuilt: true, check: 'urlWithPort' },
  // v1.x names udp:// `udp+mpegts://` and adds Unix sockets and RTP; unix+rtp is deprecated upstream but still read.
  { prefixes: ['udp+mpegts://'], label: 'UDP MPEG-TS source (udp+mpegts)', isBuilt: true, check: 'urlWithPort' },
  { prefixes: ['unix+mpegts://'], label: 'Unix socket MPEG-TS source', isBuilt: false, check: 'none' },
  { prefixes: ['udp+rtp://'], label: 'UDP RTP source', isBuilt: false, check: 'urlWithPort', needsRtpSdp: true },
  { prefixes: ['unix+rtp://'], label: 'Unix socket RTP source', isBuilt: false, check: 'none', needsRtpSdp: true },
  { prefixes: ['srt://'], label: 'SRT source', isBuilt: false, check: 'url' },
  { prefixes: ['moqt://'], label: 'MoQ source', isBuilt: false, check: 'url' },
  { prefixes: ['whep://', 'wheps://'], label: 'WHEP source', isBuilt: false, check: 'url' },
];

/** The scheme of a static `source` value, or undefined for publisher, redirect, rpiCamera and unknown values. */
export function sourceSchemeOf(source: string): SourceScheme | undefined {
  return SOURCE_SCHEMES.find((s) => s.prefixes.some((p) => source.startsWith(p)));
}
