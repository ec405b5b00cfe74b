import { z } from 'zod/v3';

// The shapes of MediaMTX's current control API (upstream HEAD `api/openapi.yaml`, `/v3/...`), written out field by
// field from that document, so that tests compare what our `/v3` endpoints send with it. Objects are strict: a field
// the document does not have is an error. Fields the document marks `deprecated` and `nullable` are Go pointers left
// out unless set (`dep`); deprecated fields that are not pointers are always sent, so they are required here.

const str = z.string();
const bool = z.boolean();
const int = z.number().int();
const uint = z.number().int().nonnegative();
const num = z.number();
const strList = z.array(z.string());
/** Go's encoding/json writes time.Time as RFC 3339. */
const time = z.string().datetime({ offset: true });
const uuid = z.string().uuid();
/** A deprecated pointer field: absent unless set. */
const dep = <T extends z.ZodType>(s: T) => s.optional();

const HLSVariant = z.enum(['mpegts', 'fmp4', 'lowLatency']);
const LogDestination = z.enum(['stdout', 'file', 'syslog']);
const LogLevel = z.enum(['error', 'warn', 'info', 'debug']);
const RTSPAuthMethod = z.enum(['basic', 'digest']);
const RTSPTransport = z.enum(['udp', 'multicast', 'tcp', 'automatic']);
const AuthAction = z.enum(['publish', 'read', 'playback', 'api', 'metrics', 'pprof']);
const AuthMethod = z.enum(['internal', 'http', 'jwt']);
const Encryption = z.enum(['no', 'optional', 'strict']);
const RecordFormat = z.enum(['fmp4', 'mpegts']);
const RTSPRangeType = z.enum(['', 'clock', 'npt', 'smpte']);
const AlwaysAvailableTrack = z.strictObject({
  channelCount: int, codec: z.enum(['AV1', 'VP9', 'H265', 'H264', 'MPEG4Audio', 'Opus', 'G711', 'LPCM']), muLaw: bool, sampleRate: int,
});
const AuthInternalUserPermission = z.strictObject({ action: AuthAction, path: str });
const AuthInternalUser = z.strictObject({ ips: strList, pass: str, permissions: z.array(AuthInternalUserPermission), user: str });
const PathConfForwardDest = z.strictObject({ dest: str, destFingerprint: str, whipBearerToken: str });
const WebRTCICEServer = z.strictObject({ clientOnly: bool, password: str, url: str, username: str });

/** `components.schemas.GlobalConf`: the answer of `GET /v3/config/global/get`. */
export const V3GlobalConfSchema = z.strictObject({
  api: bool, apiAddress: str, apiAllowOrigin: dep(str.nullable()), apiAllowOrigins: strList, apiEncryption: bool,
  apiServerCert: str, apiServerKey: str, apiTrustedProxies: strList, authHTTPAddress: str, authHTTPExclude:
  z.array(AuthInternalUserPermission), authHTTPFingerprint: str, authInternalUsers: z.array(AuthInternalUser),
  authJWTAudience: str, authJWTClaimKey: str, authJWTExclude: z.array(AuthInternalUserPermission),
  authJWTInHTTPQuery: dep(bool.nullable()), authJWTIssuer: str, authJWTJWKS: str, authJWTJWKSFingerprint: str,
  authMethod: AuthMethod, authMethods: dep(z.array(RTSPAuthMethod).nullable()), dumpPackets: bool, encryption:
  dep(Encryption.nullable()), externalAuthenticationURL: dep(str.nullable()), hls: bool, hlsAddress: str,
  hlsAllowOrigin: dep(str.nullable()), hlsAllowOrigins: strList, hlsAlwaysRemux: bool, hlsCDNSecret: str,
  hlsDirectory: str, hlsDisable: dep(bool.nullable()), hlsEncryption: bool, hlsMuxerCloseAfter: str,
  hlsPartDuration: str, hlsSegmentCount: int, hlsSegmentDuration: str, hlsSegmentMaxSize: str, hlsServerCert: str,
  hlsServerKey: str, hlsTrustedProxies: strList, hlsVariant: HLSVariant, logDestinations: z.array(LogDestination),
  logFile: str, logLevel: LogLevel, logStructured: bool, metrics: bool, metricsAddress: str, metricsAllowOrigin:
  dep(str.nullable()), metricsAllowOrigins: strList, metricsEncryption: bool, metricsServerCert: str,
  metricsServerKey: str, metricsTrustedProxies: strList, moq: bool, moqAllowOrigins: strList, moqHTTP2Address:
  str, moqHTTP3Address: str, moqHTTPS2Address: dep(str.nullable()), moqHTTPS3Address: dep(str.nullable()),
  moqQUICAddress: str, moqServerCert: str, moqServerKey: str, moqTrustedProxies: strList, multicastIPRange: str,
  multicastRTCPPort: int, multicastRTPPort: int, multicastSRTCPPort: int, multicastSRTPPort: int, playback: bool,
  playbackAddress: str, playbackAllowOrigin: dep(str.nullable()), playbackAllowOrigins: strList,
  playbackEncryption: bool, playbackServerCert: str, playbackServerKey: str, playbackTrustedProxies: strList,
  pprof: bool, pprofAddress: str, pprofAllowOrigin: dep(str.nullable()), pprofAllowOrigins: strList,
  pprofEncryption: bool, pprofServerCert: str, pprofServerKey: str, pprofTrustedProxies: strList, protocols:
  dep(z.array(z.enum(['udp', 'multicast', 'tcp'])).nullable()), readBufferCount: dep(int.nullable()), readTimeout:
  str, record: dep(bool.nullable()), recordDeleteAfter: dep(str.nullable()), recordFormat:
  dep(RecordFormat.nullable()), recordPartDuration: dep(str.nullable()), recordPath: dep(str.nullable()),
  recordSegmentDuration: dep(str.nullable()), rtcpAddress: str, rtmp: bool, rtmpAddress: str, rtmpDisable:
  dep(bool.nullable()), rtmpEncryption: Encryption, rtmpServerCert: str, rtmpServerKey: str, rtmpTrustedProxies:
  strList, rtmpsAddress: str, rtpAddress: str, rtsp: bool, rtspAddress: str, rtspAuthMethods:
  z.array(RTSPAuthMethod), rtspDisable: dep(bool.nullable()), rtspEncryption: Encryption, rtspServerCert: str,
  rtspServerKey: str, rtspTransports: z.array(z.enum(['udp', 'multicast', 'tcp'])), rtspTrustedProxies: strList,
  rtspUDPReadBufferSize: dep(uint.nullable()), rtspsAddress: str, runOnConnect: str, runOnConnectRestart: bool,
  runOnDisconnect: str, srt: bool, srtAddress: str, srtcpAddress: str, srtpAddress: str, sysLogPrefix: str,
  udpMaxPayloadSize: int, udpReadBufferSize: uint, webrtc: bool, webrtcAdditionalHosts: strList, webrtcAddress:
  str, webrtcAllowOrigin: dep(str.nullable()), webrtcAllowOrigins: strList, webrtcDisable: dep(bool.nullable()),
  webrtcEncryption: bool, webrtcHandshakeTimeout: str, webrtcICEHostNAT1To1IPs: dep(strList.nullable()),
  webrtcICEServers: dep(strList.nullable()), webrtcICEServers2: z.array(WebRTCICEServer), webrtcICETCPMuxAddress:
  dep(str.nullable()), webrtcICEUDPMuxAddress: dep(str.nullable()), webrtcIPsFromInterfaces: bool,
  webrtcIPsFromInterfacesList: strList, webrtcLocalTCPAddress: str, webrtcLocalUDPAddress: str,
  webrtcSTUNGatherTimeout: str, webrtcServerCert: str, webrtcServerKey: str, webrtcTrackGatherTimeout: str,
  webrtcTrustedProxies: strList, writeQueueSize: int, writeTimeout: str,
  // Our extension (not upstream's): API changes are written back to the configuration file.
  apiPersist: bool,
});

/** `components.schemas.PathConf`: `GET /v3/config/paths/get/{name}` and `/v3/config/pathdefaults/get`. */
export const V3PathConfSchema = z.strictObject({
  alwaysAvailable: bool, alwaysAvailableFile: str, alwaysAvailableTracks: z.array(AlwaysAvailableTrack),
  disablePublisherOverride: dep(bool.nullable()), fallback: dep(str.nullable()), forward:
  z.array(PathConfForwardDest), maxReaders: int, moqTransport: str, mpegtsUDPReadBufferSize: dep(uint.nullable()),
  name: str, overridePublisher: bool, playback: dep(bool.nullable()), publishIPs: dep(strList.nullable()),
  publishPass: dep(str.nullable()), publishUser: dep(str.nullable()), readIPs: dep(strList.nullable()), readPass:
  dep(str.nullable()), readUser: dep(str.nullable()), record: bool, recordDeleteAfter: str, recordFormat:
  RecordFormat, recordMaxPartSize: str, recordPartDuration: str, recordPath: str, recordSegmentDuration: str,
  rpiCameraAWB: str, rpiCameraAWBGains: z.array(num), rpiCameraAfMode: str, rpiCameraAfRange: str,
  rpiCameraAfSpeed: str, rpiCameraAfWindow: str, rpiCameraBitrate: uint, rpiCameraBrightness: num, rpiCameraCamID:
  uint, rpiCameraCodec: str, rpiCameraContrast: num, rpiCameraDenoise: str, rpiCameraEV: num, rpiCameraExposure:
  str, rpiCameraFPS: num, rpiCameraFlickerPeriod: uint, rpiCameraGain: num, rpiCameraH264Level: str,
  rpiCameraH264Profile: str, rpiCameraHDR: bool, rpiCameraHFlip: bool, rpiCameraHardwareH264Level:
  dep(str.nullable()), rpiCameraHardwareH264Profile: dep(str.nullable()), rpiCameraHeight: uint,
  rpiCameraIDRPeriod: uint, rpiCameraJPEGQuality: dep(uint.nullable()), rpiCameraLensPosition: num,
  rpiCameraLevel: dep(str.nullable()), rpiCameraMJPEGQuality: uint, rpiCameraMetering: str, rpiCameraMode: str,
  rpiCameraProfile: dep(str.nullable()), rpiCameraROI: str, rpiCameraSaturation: num, rpiCameraSecondary: bool,
  rpiCameraSharpness: num, rpiCameraShutter: uint, rpiCameraSoftwareH264Level: dep(str.nullable()),
  rpiCameraSoftwareH264Profile: dep(str.nullable()), rpiCameraTextOverlay: str, rpiCameraTextOverlayEnable: bool,
  rpiCameraTuningFile: str, rpiCameraVFlip: bool, rpiCameraWidth: uint, rtpSDP: str, rtpUDPReadBufferSize:
  dep(uint.nullable()), rtspAnyPort: bool, rtspDemuxMpegts: bool, rtspRangeStart: str, rtspRangeType:
  RTSPRangeType, rtspScale: str, rtspTransport: RTSPTransport, rtspUDPReadBufferSize: dep(uint.nullable()),
  rtspUDPSourcePortRange: z.array(uint), runOnAvailable: str, runOnAvailableRestart: bool, runOnDemand: str,
  runOnDemandCloseAfter: str, runOnDemandRestart: bool, runOnDemandStartTimeout: str, runOnInit: str,
  runOnInitRestart: bool, runOnNotReady: dep(str.nullable()), runOnOffline: str, runOnOnline: str,
  runOnOnlineRestart: bool, runOnRead: str, runOnReadRestart: bool, runOnReady: dep(str.nullable()),
  runOnReadyRestart: dep(bool.nullable()), runOnRecordSegmentComplete: str, runOnRecordSegmentCreate: str,
  runOnUnDemand: str, runOnUnavailable: str, runOnUnread: str, source: str, sourceAnyPortEnable:
  dep(bool.nullable()), sourceFingerprint: str, sourceOnDemand: bool, sourceOnDemandCloseAfter: str,
  sourceOnDemandStartTimeout: str, sourceProtocol: dep(RTSPTransport.nullable()), sourceRedirect: str,
  srtPublishPassphrase: str, srtReadPassphrase: str, useAbsoluteTimestamp: bool, whepBearerToken: str,
  whepHandshakeTimeout: str, whepSTUNGatherTimeout: str, whepTrackGatherTimeout: str,
});

const list = <T extends z.ZodType>(item: T) => z.strictObject({ itemCount: uint, pageCount: uint, items: z.array(item) });

/** `PathConfList`. */
export const V3PathConfListSchema = list(V3PathConfSchema);

/** `Info`. */
export const V3InfoSchema = z.strictObject({ version: str, started: time });
/** `OK`: the answer of every change and kick. */
export const V3OkSchema = z.strictObject({ status: z.literal('ok') });
/** `Error`. */
export const V3ErrorSchema = z.strictObject({ status: z.literal('error'), error: str });

const PathSourceType = z.enum([
  'hlsSource', 'redirect', 'rpiCameraSource', 'rtmpConn', 'rtmpsConn', 'rtmpSource', 'rtspSession', 'rtspSource', 'rtspsSession',
  'srtConn', 'srtSource', 'mpegtsSource', 'rtpSource', 'webRTCSession', 'webRTCSource', 'moqSource', 'moqSession',
]);
const PathReaderType = z.enum([
  'hlsSession', 'rtmpConn', 'rtmpsConn', 'rtspConn', 'rtspSession', 'rtspsConn', 'rtspsSession', 'srtConn', 'webRTCSession', 'moqSession', 'hidden',
]);
const PathTrackCodec = z.enum([
  'AV1', 'VP9', 'VP8', 'H265', 'H264', 'MPEG-4 Video', 'MPEG-1/2 Video', 'M-JPEG', 'Opus', 'FLAC', 'Vorbis', 'MPEG-4 Audio',
  'MPEG-4 Audio LATM', 'MPEG-1/2 Audio', 'AC3', 'Speex', 'G726', 'G722', 'G711', 'LPCM', 'MPEG-TS', 'KLV', 'Generic',
]);
const PathTrackCodecProps = z.union([
  z.strictObject({ width: int, height: int, profile: int, level: int, tier: int }), // AV1
  z.strictObject({ profile: int }), // VP9
  z.strictObject({ width: int, height: int, profile: str, level: str }), // H264, H265
  z.strictObject({ channelCount: int }), // Opus
  z.strictObject({ sampleRate: int, channelCount: int }), // MPEG-4 Audio, AC3
  z.strictObject({ muLaw: bool, sampleRate: int, channelCount: int }), // G711
  z.strictObject({ bitDepth: int, sampleRate: int, channelCount: int }), // LPCM
]);

/** `Path`. */
export const V3PathSchema = z.strictObject({
  name: str, confName: str,
  ready: bool, readyTime: time.nullable(), available: bool, availableTime: time.nullable(), online: bool, onlineTime: time.nullable(),
  source: z.strictObject({ type: PathSourceType, id: str }).nullable(),
  tracks: z.array(PathTrackCodec), tracks2: z.array(z.strictObject({ codec: PathTrackCodec, codecProps: PathTrackCodecProps.nullable() })),
  readers: z.array(z.strictObject({ type: PathReaderType, id: str })),
  inboundBytes: uint, outboundBytes: uint, inboundFramesInError: uint, bytesReceived: uint, bytesSent: uint,
});
/** `PathList`. */
export const V3PathListSchema = list(V3PathSchema);

const state = z.enum(['idle', 'read', 'publish']);

/**
 * `RTSPConn`. Our RTSP connection ids are 16 hex digits rather than UUIDs (a known difference: a client treats them
 * as opaque text), so `id` and `RTSPSession.conns` are strings here.
 */
export const V3RtspConnSchema = z.strictObject({
  id: str, created: time, remoteAddr: str, session: uuid.nullable(), tunnel: str,
  inboundBytes: uint, outboundBytes: uint, bytesReceived: uint, bytesSent: uint,
});
/** `RTSPConnList`. */
export const V3RtspConnListSchema = list(V3RtspConnSchema);

/** `RTSPSession`. */
export const V3RtspSessionSchema = z.strictObject({
  id: uuid, created: time, remoteAddr: str, state, path: str, query: str, user: str, userAgent: str,
  transport: str.nullable(), profile: str.nullable(), conns: strList,
  inboundBytes: uint, inboundRTPPackets: uint, inboundRTPPacketsLost: uint, inboundRTPPacketsInError: uint, inboundRTPPacketsJitter: num,
  inboundRTCPPackets: uint, inboundRTCPPacketsInError: uint, outboundBytes: uint, outboundRTPPackets: uint,
  outboundRTPPacketsReportedLost: uint, outboundRTPPacketsDiscarded: uint, outboundRTCPPackets: uint,
  bytesReceived: uint, bytesSent: uint, rtpPacketsReceived: uint, rtpPacketsSent: uint, rtpPacketsLost: uint, rtpPacketsInError: uint,
  rtpPacketsJitter: num, rtcpPacketsReceived: uint, rtcpPacketsSent: uint, rtcpPacketsInError: uint,
});
/** `RTSPSessionList`. */
export const V3RtspSessionListSchema = list(V3RtspSessionSchema);

/** `RTMPConn`. */
export const V3RtmpConnSchema = z.strictObject({
  id: uuid, created: time, remoteAddr: str, state, path: str, query: str, user: str, userAgent: str,
  inboundBytes: uint, outboundBytes: uint, outboundFramesDiscarded: uint, bytesReceived: uint, bytesSent: uint,
});
/** `RTMPConnList`. */
export const V3RtmpConnListSchema = list(V3RtmpConnSchema);

/** `HLSMuxer`. */
export const V3HlsMuxerSchema = z.strictObject({
  path: str, created: time, lastRequest: time, outboundBytes: uint, outboundFramesDiscarded: uint, bytesSent: uint,
});
/** `HLSMuxerList`. */
export const V3HlsMuxerListSchema = list(V3HlsMuxerSchema);

/** `WebRTCSession`. */
export const V3WebRtcSessionSchema = z.strictObject({
  id: uuid, created: time, remoteAddr: str, peerConnectionEstablished: bool, localCandidate: str, remoteCandidate: str,
  state: z.enum(['read', 'publish']), path: str, query: str, user: str, userAgent: str,
  inboundBytes: uint, inboundRTPPackets: uint, inboundRTPPacketsLost: uint, inboundRTPPacketsJitter: num, inboundRTCPPackets: uint,
  outboundBytes: uint, outboundRTPPackets: uint, outboundRTCPPackets: uint, outboundFramesDiscarded: uint,
  bytesReceived: uint, bytesSent: uint, rtpPacketsReceived: uint, rtpPacketsSent: uint, rtpPacketsLost: uint, rtpPacketsJitter: num,
  rtcpPacketsReceived: uint, rtcpPacketsSent: uint,
});
/** `WebRTCSessionList`. */
export const V3WebRtcSessionListSchema = list(V3WebRtcSessionSchema);

/** `Recording`: a path and the start times of its segments. */
export const V3RecordingSchema = z.strictObject({ name: str, segments: z.array(z.strictObject({ start: time })) });
/** `RecordingList`. */
export const V3RecordingListSchema = list(V3RecordingSchema);

/** `ForwardDest`: one destination a path forwards to. */
export const V3ForwardDestSchema = z.strictObject({
  conf: z.strictObject({ dest: str, destFingerprint: str, whipBearerToken: str }), created: time, id: uuid, lastError: str,
  outboundBytes: uint, pos: z.number().int(), protocol: str, state: z.enum(['idle', 'forwarding', 'error']),
});
/** `ForwardDestList`. */
export const V3ForwardDestListSchema = list(V3ForwardDestSchema);
