/**
 * Settings MediaMTX v1.x added (keys-v1.ts), typed. Durations are milliseconds, sizes bytes. Renamed settings are not
 * here: they keep their v0.22.2 field (`rtspDisable` for v1.x's `rtsp`), so the rest of the code reads one name.
 */

/** v1.x `authMethod`: where credentials are checked. */
export type ConfAuthMethod = 'internal' | 'http' | 'jwt';
/** What a v1.x permission allows. */
export type ConfAuthAction = 'publish' | 'read' | 'playback' | 'api' | 'metrics' | 'pprof';
/** One permission: an action, on every path ('') or on one (`name` or `~regex`). */
export interface ConfAuthPermission { readonly action: ConfAuthAction; readonly path: string }
/** One `authInternalUsers` entry; `user`/`pass` may be `sha256:` or `argon2:` hashes, `ips` are IPs or CIDRs. */
export interface ConfAuthInternalUser {
  readonly user: string; readonly pass: string; readonly ips: readonly string[]; readonly permissions: readonly ConfAuthPermission[];
}
/** One `forward` destination of a path. */
export interface ConfForwardDest { readonly dest: string; readonly destFingerprint: string; readonly whipBearerToken: string }
/** One `alwaysAvailableTracks` entry. */
export interface ConfAlwaysAvailableTrack { readonly codec: string; readonly sampleRate: number; readonly channelCount: number; readonly muLaw: boolean }

/** Global settings added by v1.x. */
export interface V1GlobalConf {
  readonly logStructured: boolean;
  readonly sysLogPrefix: string;
  readonly dumpPackets: boolean;
  readonly udpReadBufferSize: number;
  readonly runOnDisconnect: string;

  readonly authMethod: ConfAuthMethod;
  readonly authInternalUsers: readonly ConfAuthInternalUser[];
  readonly authHTTPAddress: string;
  readonly authHTTPFingerprint: string;
  readonly authHTTPExclude: readonly ConfAuthPermission[];
  readonly authJWTJWKS: string;
  readonly authJWTJWKSFingerprint: string;
  readonly authJWTClaimKey: string;
  readonly authJWTExclude: readonly ConfAuthPermission[];
  readonly authJWTIssuer: string;
  readonly authJWTAudience: string;

  readonly apiEncryption: boolean; readonly apiServerKey: string; readonly apiServerCert: string;
  readonly apiAllowOrigins: readonly string[]; readonly apiTrustedProxies: readonly string[];
  readonly metricsEncryption: boolean; readonly metricsServerKey: string; readonly metricsServerCert: string;
  readonly metricsAllowOrigins: readonly string[]; readonly metricsTrustedProxies: readonly string[];
  readonly pprofEncryption: boolean; readonly pprofServerKey: string; readonly pprofServerCert: string;
  readonly pprofAllowOrigins: readonly string[]; readonly pprofTrustedProxies: readonly string[];
  readonly playback: boolean; readonly playbackAddress: string;
  readonly playbackEncryption: boolean; readonly playbackServerKey: string; readonly playbackServerCert: string;
  readonly playbackAllowOrigins: readonly string[]; readonly playbackTrustedProxies: readonly string[];

  readonly srtpAddress: string;
  readonly srtcpAddress: string;
  readonly multicastSRTPPort: number;
  readonly multicastSRTCPPort: number;
  readonly rtspTrustedProxies: readonly string[];
  readonly rtmpTrustedProxies: readonly string[];
  readonly hlsMuxerCloseAfter: number;
  readonly hlsCDNSecret: string;

  readonly webrtcIPsFromInterfaces: boolean;
  readonly webrtcIPsFromInterfacesList: readonly string[];
  readonly webrtcSTUNGatherTimeout: number;
  readonly webrtcHandshakeTimeout: number;
  readonly webrtcTrackGatherTimeout: number;

  readonly srt: boolean;
  readonly srtAddress: string;
  readonly moq: boolean;
  readonly moqHTTP2Address: string;
  readonly moqHTTP3Address: string;
  readonly moqQUICAddress: string;
  readonly moqServerKey: string;
  readonly moqServerCert: string;
  readonly moqAllowOrigins: readonly string[];
  readonly moqTrustedProxies: readonly string[];
}

/** Path settings added by v1.x. */
export interface V1PathConf {
  readonly maxReaders: number;
  readonly srtReadPassphrase: string;
  readonly useAbsoluteTimestamp: boolean;
  readonly alwaysAvailable: boolean;
  readonly alwaysAvailableTracks: readonly ConfAlwaysAvailableTrack[];
  readonly alwaysAvailableFile: string;
  readonly forward: readonly ConfForwardDest[];

  readonly record: boolean;
  readonly recordPath: string;
  readonly recordFormat: 'fmp4' | 'mpegts';
  readonly recordPartDuration: number;
  readonly recordMaxPartSize: number;
  readonly recordSegmentDuration: number;
  readonly recordDeleteAfter: number;

  readonly srtPublishPassphrase: string;
  readonly rtspDemuxMpegts: boolean;
  readonly rtspRangeType: '' | 'clock' | 'npt' | 'smpte';
  readonly rtspRangeStart: string;
  readonly rtspScale: string;
  readonly rtspUDPSourcePortRange: readonly [number, number];
  readonly rtpSDP: string;
  readonly moqTransport: 'quic' | 'webtransport';
  readonly whepBearerToken: string;
  readonly whepSTUNGatherTimeout: number;
  readonly whepHandshakeTimeout: number;
  readonly whepTrackGatherTimeout: number;

  readonly rpiCameraSecondary: boolean;
  readonly rpiCameraAWBGains: readonly [number, number];
  readonly rpiCameraHDR: boolean;
  readonly rpiCameraFlickerPeriod: number;
  readonly rpiCameraCodec: 'auto' | 'hardwareH264' | 'softwareH264' | 'mjpeg';
  readonly rpiCameraMJPEGQuality: number;

  readonly runOnUnDemand: string;
  readonly runOnUnavailable: string;
  readonly runOnOnline: string;
  readonly runOnOnlineRestart: boolean;
  readonly runOnOffline: string;
  readonly runOnUnread: string;
  readonly runOnRecordSegmentCreate: string;
  readonly runOnRecordSegmentComplete: string;
}
