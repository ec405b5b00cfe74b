import { z } from 'zod/v3';

// The shapes of MediaMTX v0.22.2's `apidocs/openapi.yaml`, written out field by field from that document (not derived
// from our configuration table), so that tests compare what the API sends with the document and requests are
// checked against it. Objects are strict: a field the document does not have is an error.

const str = z.string();
const bool = z.boolean();
const int = z.number().int();
const num = z.number();
const strList = z.array(z.string());
// Go's encoding/json writes time.Time as RFC 3339.
const time = z.string().datetime({ offset: true });
// Go's uint64 byte counters.
const bytes = z.number().int().nonnegative();

/** `components.schemas.PathConf`. */
export const PathConfSchema = z.strictObject({
  source: str, sourceProtocol: str, sourceAnyPortEnable: bool, sourceFingerprint: str, sourceOnDemand: bool,
  sourceOnDemandStartTimeout: str, sourceOnDemandCloseAfter: str, sourceRedirect: str, disablePublisherOverride: bool,
  fallback: str, rpiCameraCamID: int, rpiCameraWidth: int, rpiCameraHeight: int, rpiCameraHFlip: bool, rpiCameraVFlip: bool,
  rpiCameraBrightness: num, rpiCameraContrast: num, rpiCameraSaturation: num, rpiCameraSharpness: num,
  rpiCameraExposure: str, rpiCameraAWB: str, rpiCameraDenoise: str, rpiCameraShutter: int, rpiCameraMetering: str,
  rpiCameraGain: num, rpiCameraEV: num, rpiCameraROI: str, rpiCameraTuningFile: str, rpiCameraMode: str, rpiCameraFPS: int,
  rpiCameraIDRPeriod: int, rpiCameraBitrate: int, rpiCameraProfile: str, rpiCameraLevel: str, rpiCameraAfMode: str,
  rpiCameraAfRange: str, rpiCameraAfSpeed: str, rpiCameraLensPosition: num, rpiCameraAfWindow: str,
  rpiCameraTextOverlayEnable: bool, rpiCameraTextOverlay: str,
  publishUser: str, publishPass: str, publishIPs: strList, readUser: str, readPass: str, readIPs: strList,
  runOnInit: str, runOnInitRestart: bool, runOnDemand: str, runOnDemandRestart: bool, runOnDemandStartTimeout: str,
  runOnDemandCloseAfter: str, runOnReady: str, runOnReadyRestart: bool, runOnRead: str, runOnReadRestart: bool,
});

/** `components.schemas.Conf` without `paths`: the global keys. */
export const GlobalConfSchema = z.strictObject({
  logLevel: str, logDestinations: strList, logFile: str, readTimeout: str, writeTimeout: str, readBufferCount: int,
  udpMaxPayloadSize: int, externalAuthenticationURL: str, api: bool, apiAddress: str,
  // Our extension (not in v0.22.2): API changes are written back to the configuration file.
  apiPersist: bool,
  metrics: bool, metricsAddress: str, pprof: bool, pprofAddress: str, runOnConnect: str, runOnConnectRestart: bool,
  rtspDisable: bool, protocols: strList, encryption: str, rtspAddress: str, rtspsAddress: str, rtpAddress: str,
  rtcpAddress: str, multicastIPRange: str, multicastRTPPort: int, multicastRTCPPort: int, serverKey: str, serverCert: str,
  authMethods: strList,
  rtmpDisable: bool, rtmpAddress: str, rtmpEncryption: str, rtmpsAddress: str, rtmpServerKey: str, rtmpServerCert: str,
  hlsDisable: bool, hlsAddress: str, hlsEncryption: bool, hlsServerKey: str, hlsServerCert: str, hlsAlwaysRemux: bool,
  hlsVariant: str, hlsSegmentCount: int, hlsSegmentDuration: str, hlsPartDuration: str, hlsSegmentMaxSize: str,
  hlsAllowOrigin: str, hlsTrustedProxies: strList, hlsDirectory: str,
  webrtcDisable: bool, webrtcAddress: str, webrtcEncryption: bool, webrtcServerKey: str, webrtcServerCert: str,
  webrtcAllowOrigin: str, webrtcTrustedProxies: strList, webrtcICEServers: strList, webrtcICEHostNAT1To1IPs: strList,
  webrtcICEUDPMuxAddress: str, webrtcICETCPMuxAddress: str,
});

/** `components.schemas.Conf`: the answer of `GET /v1/config/get`. */
export const ConfSchema = GlobalConfSchema.extend({ paths: z.record(z.string(), PathConfSchema) });

const withId = <T extends string>(type: T) => z.strictObject({ type: z.literal(type), id: str });
const typeOnly = <T extends string>(type: T) => z.strictObject({ type: z.literal(type) });

/** `Path.source`: one of the `PathSource*` schemas, or null when nothing feeds the path. */
export const PathSourceSchema = z.union([
  withId('rtspSession'), withId('rtspsSession'), withId('rtmpConn'), withId('rtmpsConn'),
  typeOnly('rtspSource'), typeOnly('rtmpSource'), typeOnly('hlsSource'), typeOnly('rpiCameraSource'),
  // Sent by v0.22.2's code although missing from its document's oneOf.
  typeOnly('udpSource'), typeOnly('redirect'),
]).nullable();

/** `Path.readers[]`: one of the `PathReader*` schemas. */
export const PathReaderSchema = z.union([
  typeOnly('hlsMuxer'), withId('rtmpConn'), withId('rtmpsConn'), withId('rtspSession'), withId('rtspsSession'), withId('webRTCConn'),
]);

/** `components.schemas.Path`. */
export const PathSchema = z.strictObject({
  confName: str, conf: PathConfSchema, source: PathSourceSchema, sourceReady: bool, tracks: strList, bytesReceived: bytes,
  readers: z.array(PathReaderSchema),
});

/** `components.schemas.RTSPConn`. */
export const RtspConnSchema = z.strictObject({ created: time, remoteAddr: str, bytesReceived: bytes, bytesSent: bytes });
const state = z.enum(['idle', 'read', 'publish']);
/** `components.schemas.RTSPSession`. */
export const RtspSessionSchema = z.strictObject({ created: time, remoteAddr: str, state, bytesReceived: bytes, bytesSent: bytes });
/** `components.schemas.RTMPConn`. */
export const RtmpConnSchema = z.strictObject({ created: time, remoteAddr: str, state, bytesReceived: bytes, bytesSent: bytes });
/** `components.schemas.HLSMuxer`. */
export const HlsMuxerSchema = z.strictObject({ created: time, lastRequest: time, bytesSent: bytes });
/** `components.schemas.WebRTCConn`. */
export const WebRtcConnSchema = z.strictObject({
  created: time, remoteAddr: str, peerConnectionEstablished: bool, localCandidate: str, remoteCandidate: str,
  bytesReceived: bytes, bytesSent: bytes,
});

const list = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.record(z.string(), item) });
/** `PathsList`. */
export const PathsListSchema = list(PathSchema);
/** `RTSPConnsList` (also the RTSPS one). */
export const RtspConnsListSchema = list(RtspConnSchema);
/** `RTSPSessionsList` (also the RTSPS one). */
export const RtspSessionsListSchema = list(RtspSessionSchema);
/** `RTMPConnsList` (also the RTMPS one). */
export const RtmpConnsListSchema = list(RtmpConnSchema);
/** `HLSMuxersList`. */
export const HlsMuxersListSchema = list(HlsMuxerSchema);
/** `WebRTCConnsList`. */
export const WebRtcConnsListSchema = list(WebRtcConnSchema);

/** Our error body (v0.22.2 sent none; this is MediaMTX v1's shape). */
export const ErrorSchema = z.strictObject({ status: z.literal('error'), error: str });

/** Body of `POST /v1/config/set`: any global key; null leaves a key as it is; `paths` is ignored, as in v0.22.2. */
export const ConfSetRequestSchema = z.strictObject({
  ...Object.fromEntries(Object.entries(GlobalConfSchema.shape).map(([k, s]) => [k, s.nullable().optional()])),
  paths: z.unknown().optional(),
});

/** Body of `POST /v1/config/paths/add|edit/{name}`: any path key; null leaves a key as it is. */
export const PathConfRequestSchema = z.strictObject(
  Object.fromEntries(Object.entries(PathConfSchema.shape).map(([k, s]) => [k, s.nullable().optional()])),
);
