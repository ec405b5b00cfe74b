import type { ValueKind } from './value-parsers.ts';

/**
 * One configuration key: its kind and default (in YAML form, so the shipped file and the table agree); `isSecret`
 * keys (passwords) never have their value repeated in an error.
 */
export interface KeySpec { readonly kind: ValueKind; readonly def: unknown; readonly isSecret?: boolean }

const str = (def: string): KeySpec => ({ kind: { kind: 'string' }, def });
const bool = (def: boolean): KeySpec => ({ kind: { kind: 'bool' }, def });
const int = (def: number, min?: number, max?: number): KeySpec => ({ kind: { kind: 'int', min, max }, def });
const float = (def: number): KeySpec => ({ kind: { kind: 'float' }, def });
const dur = (def: string): KeySpec => ({ kind: { kind: 'duration' }, def });
const list = (def: string[]): KeySpec => ({ kind: { kind: 'stringList' }, def });
const addr = (def: string): KeySpec => ({ kind: { kind: 'address' }, def });
// The ICE mux listeners are off when empty.
const optAddr: KeySpec = { kind: { kind: 'address', optional: true }, def: '' };
// Values never repeated in error messages.
const secret = (def: string): KeySpec => ({ kind: { kind: 'string' }, def, isSecret: true });
const encryption: KeySpec = { kind: { kind: 'enum', values: ['no', 'strict', 'optional'], boolMap: { false: 'no', true: 'strict' } }, def: 'no' };

/** Every global key of MediaMTX v0.22.2 with its default. */
export const GLOBAL_KEYS = {
  logLevel: { kind: { kind: 'enum', values: ['error', 'warn', 'info', 'debug'] }, def: 'info' },
  logDestinations: { kind: { kind: 'enumList', values: ['stdout', 'file', 'syslog'] }, def: ['stdout'] },
  logFile: str('mediamtx.log'),
  readTimeout: dur('10s'),
  writeTimeout: dur('10s'),
  readBufferCount: int(512, 1),
  udpMaxPayloadSize: int(1472, 64, 1472), // below 64 no RTP packetizer can make progress
  externalAuthenticationURL: str(''),
  api: bool(false),
  apiAddress: addr('127.0.0.1:9997'),
  // Our extension (MediaMTX #1406): changes made through the API are written back to the configuration file.
  apiPersist: bool(false),
  metrics: bool(false),
  metricsAddress: addr('127.0.0.1:9998'),
  pprof: bool(false),
  pprofAddress: addr('127.0.0.1:9999'),
  runOnConnect: str(''),
  runOnConnectRestart: bool(false),

  rtspDisable: bool(false),
  protocols: { kind: { kind: 'enumList', values: ['udp', 'multicast', 'tcp'] }, def: ['udp', 'multicast', 'tcp'] },
  encryption,
  rtspAddress: addr(':8554'),
  rtspsAddress: addr(':8322'),
  rtpAddress: addr(':8000'),
  rtcpAddress: addr(':8001'),
  multicastIPRange: str('224.1.0.0/16'),
  multicastRTPPort: int(8002, 1, 65535),
  multicastRTCPPort: int(8003, 1, 65535),
  serverKey: str('server.key'),
  serverCert: str('server.crt'),
  authMethods: { kind: { kind: 'enumList', values: ['basic', 'digest'] }, def: ['basic', 'digest'] },

  rtmpDisable: bool(false),
  rtmpAddress: addr(':1935'),
  rtmpEncryption: encryption,
  rtmpsAddress: addr(':1936'),
  rtmpServerKey: str('server.key'),
  rtmpServerCert: str('server.crt'),

  hlsDisable: bool(false),
  hlsAddress: addr(':8888'),
  hlsEncryption: bool(false),
  hlsServerKey: str('server.key'),
  hlsServerCert: str('server.crt'),
  hlsAlwaysRemux: bool(false),
  hlsVariant: { kind: { kind: 'enum', values: ['mpegts', 'fmp4', 'lowLatency'] }, def: 'lowLatency' },
  hlsSegmentCount: int(7, 3),
  hlsSegmentDuration: dur('1s'),
  hlsPartDuration: dur('200ms'),
  hlsSegmentMaxSize: { kind: { kind: 'size' }, def: '50M' },
  hlsAllowOrigin: str('*'),
  hlsTrustedProxies: list([]),
  hlsDirectory: str(''),

  webrtcDisable: bool(false),
  webrtcAddress: addr(':8889'),
  webrtcEncryption: bool(false),
  webrtcServerKey: str('server.key'),
  webrtcServerCert: str('server.crt'),
  webrtcAllowOrigin: str('*'),
  webrtcTrustedProxies: list([]),
  webrtcICEServers: list(['stun:stun.l.google.com:19302']),
  webrtcICEHostNAT1To1IPs: list([]),
  webrtcICEUDPMuxAddress: optAddr,
  webrtcICETCPMuxAddress: optAddr,
} satisfies Record<string, KeySpec>;

/** Every per-path key of MediaMTX v0.22.2 with its default. */
export const PATH_KEYS = {
  source: str('publisher'),
  sourceProtocol: { kind: { kind: 'enum', values: ['automatic', 'udp', 'multicast', 'tcp'] }, def: 'automatic' },
  sourceAnyPortEnable: bool(false),
  sourceFingerprint: str(''),
  sourceOnDemand: bool(false),
  sourceOnDemandStartTimeout: dur('10s'),
  sourceOnDemandCloseAfter: dur('10s'),
  sourceRedirect: str(''),
  disablePublisherOverride: bool(false),
  fallback: str(''),

  rpiCameraCamID: int(0, 0),
  rpiCameraWidth: int(1920, 0),
  rpiCameraHeight: int(1080, 0),
  rpiCameraHFlip: bool(false),
  rpiCameraVFlip: bool(false),
  rpiCameraBrightness: float(0),
  rpiCameraContrast: float(1),
  rpiCameraSaturation: float(1),
  rpiCameraSharpness: float(1),
  rpiCameraExposure: str('normal'),
  rpiCameraAWB: str('auto'),
  rpiCameraDenoise: str('off'),
  rpiCameraShutter: int(0, 0),
  rpiCameraMetering: str('centre'),
  rpiCameraGain: float(0),
  rpiCameraEV: float(0),
  rpiCameraROI: str(''),
  rpiCameraTuningFile: str(''),
  rpiCameraMode: str(''),
  rpiCameraFPS: int(30, 0),
  rpiCameraIDRPeriod: int(60, 0),
  rpiCameraBitrate: int(1000000, 0),
  rpiCameraProfile: str('main'),
  rpiCameraLevel: str('4.1'),
  rpiCameraAfMode: str('auto'),
  rpiCameraAfRange: str('normal'),
  rpiCameraAfSpeed: str('normal'),
  rpiCameraLensPosition: float(0),
  rpiCameraAfWindow: str(''),
  rpiCameraTextOverlayEnable: bool(false),
  rpiCameraTextOverlay: str('%Y-%m-%d %H:%M:%S - MediaMTX'),

  publishUser: str(''),
  publishPass: secret(''),
  publishIPs: list([]),
  readUser: str(''),
  readPass: secret(''),
  readIPs: list([]),

  runOnInit: str(''),
  runOnInitRestart: bool(false),
  runOnDemand: str(''),
  runOnDemandRestart: bool(false),
  runOnDemandStartTimeout: dur('10s'),
  runOnDemandCloseAfter: dur('10s'),
  runOnReady: str(''),
  runOnReadyRestart: bool(false),
  runOnRead: str(''),
  runOnReadRestart: bool(false),
} satisfies Record<string, KeySpec>;
