import type { V1GlobalConf, V1PathConf } from './conf-types-v1.ts';

/**
 * The validated configuration, keyed as MediaMTX v0.22.2's `mediamtx.yml` (a v1.x file's renamed keys are read into
 * their v0.22.2 key), plus the settings v1.x added (conf-types-v1.ts).
 * Durations are milliseconds and sizes are bytes (YAML gives `10s` / `50M`); every other value keeps its YAML type.
 */

/** `encryption` / `rtmpEncryption`: plain, TLS only, or both listeners. */
export type Encryption = 'no' | 'strict' | 'optional';
/** RTSP transports a server allows or a source uses. */
export type RtspTransport = 'udp' | 'multicast' | 'tcp';
/** RTSP authentication schemes offered to clients. */
export type AuthMethod = 'basic' | 'digest';
/** `sourceProtocol` of rtsp sources. */
export type SourceProtocol = 'automatic' | 'udp' | 'multicast' | 'tcp';
/** `hlsVariant`. */
export type HlsVariant = 'mpegts' | 'fmp4' | 'lowLatency';

/** Per-path configuration (`paths.<name>`), with the settings MediaMTX v1.x added. */
export interface PathConf extends V1PathConf {
  /** Path name as written in the file (`all`, `~regex`, or a literal). */
  readonly name: string;
  /** Compiled regular expression for `~` names and `all`; undefined for literal names. */
  readonly regexp?: RegExp;

  readonly source: string;
  readonly sourceProtocol: SourceProtocol;
  readonly sourceAnyPortEnable: boolean;
  readonly sourceFingerprint: string;
  readonly sourceOnDemand: boolean;
  readonly sourceOnDemandStartTimeout: number;
  readonly sourceOnDemandCloseAfter: number;
  readonly sourceRedirect: string;
  readonly disablePublisherOverride: boolean;
  readonly fallback: string;

  readonly rpiCameraCamID: number;
  readonly rpiCameraWidth: number;
  readonly rpiCameraHeight: number;
  readonly rpiCameraHFlip: boolean;
  readonly rpiCameraVFlip: boolean;
  readonly rpiCameraBrightness: number;
  readonly rpiCameraContrast: number;
  readonly rpiCameraSaturation: number;
  readonly rpiCameraSharpness: number;
  readonly rpiCameraExposure: string;
  readonly rpiCameraAWB: string;
  readonly rpiCameraDenoise: string;
  readonly rpiCameraShutter: number;
  readonly rpiCameraMetering: string;
  readonly rpiCameraGain: number;
  readonly rpiCameraEV: number;
  readonly rpiCameraROI: string;
  readonly rpiCameraTuningFile: string;
  readonly rpiCameraMode: string;
  readonly rpiCameraFPS: number;
  readonly rpiCameraIDRPeriod: number;
  readonly rpiCameraBitrate: number;
  readonly rpiCameraProfile: string;
  readonly rpiCameraLevel: string;
  readonly rpiCameraAfMode: string;
  readonly rpiCameraAfRange: string;
  readonly rpiCameraAfSpeed: string;
  readonly rpiCameraLensPosition: number;
  readonly rpiCameraAfWindow: string;
  readonly rpiCameraTextOverlayEnable: boolean;
  readonly rpiCameraTextOverlay: string;

  readonly publishUser: string;
  readonly publishPass: string;
  /** IPs or CIDRs, as written. */
  readonly publishIPs: readonly string[];
  readonly readUser: string;
  readonly readPass: string;
  readonly readIPs: readonly string[];

  readonly runOnInit: string;
  readonly runOnInitRestart: boolean;
  readonly runOnDemand: string;
  readonly runOnDemandRestart: boolean;
  readonly runOnDemandStartTimeout: number;
  readonly runOnDemandCloseAfter: number;
  readonly runOnReady: string;
  readonly runOnReadyRestart: boolean;
  readonly runOnRead: string;
  readonly runOnReadRestart: boolean;
}

/** The whole configuration, with the settings MediaMTX v1.x added. */
export interface Conf extends V1GlobalConf {
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  readonly logDestinations: readonly ('stdout' | 'file' | 'syslog')[];
  readonly logFile: string;
  readonly readTimeout: number;
  readonly writeTimeout: number;
  readonly readBufferCount: number;
  readonly udpMaxPayloadSize: number;
  readonly externalAuthenticationURL: string;
  readonly api: boolean;
  readonly apiAddress: string;
  /** Our extension: API changes are written back to the configuration file. */
  readonly apiPersist: boolean;
  readonly metrics: boolean;
  readonly metricsAddress: string;
  readonly pprof: boolean;
  readonly pprofAddress: string;
  readonly runOnConnect: string;
  readonly runOnConnectRestart: boolean;

  readonly rtspDisable: boolean;
  readonly protocols: readonly RtspTransport[];
  readonly encryption: Encryption;
  readonly rtspAddress: string;
  readonly rtspsAddress: string;
  readonly rtpAddress: string;
  readonly rtcpAddress: string;
  readonly multicastIPRange: string;
  readonly multicastRTPPort: number;
  readonly multicastRTCPPort: number;
  readonly serverKey: string;
  readonly serverCert: string;
  readonly authMethods: readonly AuthMethod[];

  readonly rtmpDisable: boolean;
  readonly rtmpAddress: string;
  readonly rtmpEncryption: Encryption;
  readonly rtmpsAddress: string;
  readonly rtmpServerKey: string;
  readonly rtmpServerCert: string;

  readonly hlsDisable: boolean;
  readonly hlsAddress: string;
  readonly hlsEncryption: boolean;
  readonly hlsServerKey: string;
  readonly hlsServerCert: string;
  readonly hlsAlwaysRemux: boolean;
  readonly hlsVariant: HlsVariant;
  readonly hlsSegmentCount: number;
  readonly hlsSegmentDuration: number;
  readonly hlsPartDuration: number;
  readonly hlsSegmentMaxSize: number;
  readonly hlsAllowOrigin: string;
  readonly hlsTrustedProxies: readonly string[];
  readonly hlsDirectory: string;

  readonly webrtcDisable: boolean;
  readonly webrtcAddress: string;
  readonly webrtcEncryption: boolean;
  readonly webrtcServerKey: string;
  readonly webrtcServerCert: string;
  readonly webrtcAllowOrigin: string;
  readonly webrtcTrustedProxies: readonly string[];
  readonly webrtcICEServers: readonly string[];
  readonly webrtcICEHostNAT1To1IPs: readonly string[];
  readonly webrtcICEUDPMuxAddress: string;
  readonly webrtcICETCPMuxAddress: string;

  /** v1.x `pathDefaults`: what every path starts from (the built-in defaults unless the file sets some). */
  readonly pathDefaults: Omit<PathConf, 'name' | 'regexp'>;
  /** Path configurations in file order (regexp paths are matched in this order after literal names). */
  readonly paths: Readonly<Record<string, PathConf>>;
}
