import { parseListenAddress, type LogDestination, type LogLevel } from '../lib/index.ts';
import { usesV1Auth, type AuthMethod, type Conf, type HlsVariant, type PathConf, type RtspTransport } from '../conf/index.ts';
import { legacyInternalUsers, usesLegacyCredentials, type AuthV1Settings } from '../auth/index.ts';
import type { PlanSpec } from './reload-plan.ts';

/** Every component's name, in start order. */
export const COMPONENT_IDS = [
  'logger', 'auth', 'pathManager', 'rtspServer', 'rtspsServer', 'rtmpServer', 'rtmpsServer', 'hlsServer', 'webrtcServer', 'api', 'metrics', 'pprof',
] as const;

/** A component's name. */
export type ComponentId = (typeof COMPONENT_IDS)[number];

/** Settings of the root logger. */
export interface LoggerSettings { level: LogLevel; destinations: readonly LogDestination[]; file: string }
/** Settings of authentication. */
export interface AuthSettings { externalAuthenticationURL: string; readTimeoutMs: number; v1?: AuthV1Settings | undefined }

/** MediaMTX v1.x authentication settings of a file that uses them; legacy per-path credentials become users as upstream. */
function authV1Settings(c: Conf): AuthV1Settings | undefined {
  if (!usesV1Auth(c)) return undefined;
  return {
    method: c.authMethod, internalUsers: usesLegacyCredentials(c) ? legacyInternalUsers(c) : c.authInternalUsers,
    httpAddress: c.authHTTPAddress, httpFingerprint: c.authHTTPFingerprint, httpExclude: c.authHTTPExclude,
    jwtJWKS: c.authJWTJWKS, jwtJWKSFingerprint: c.authJWTJWKSFingerprint, jwtClaimKey: c.authJWTClaimKey,
    jwtExclude: c.authJWTExclude, jwtIssuer: c.authJWTIssuer, jwtAudience: c.authJWTAudience,
  };
}
/** Settings of the path manager; the timeouts are those of its static sources (rtsp://, rtmp://). */
export interface PathManagerSettings { rtspPort: number; paths: Readonly<Record<string, PathConf>>; readTimeoutMs: number; writeTimeoutMs: number }

/** Settings shared by both RTSP listeners. */
interface RtspCommon {
  protocols: readonly RtspTransport[]; authMethods: readonly AuthMethod[]; readTimeoutMs: number; writeTimeoutMs: number;
  readBufferCount: number; udpMaxPayloadSize: number; runOnConnect: string; runOnConnectRestart: boolean; runOnDisconnect: string; rtspPort: number;
}
/** Settings of an RTSP or RTSPS listener. */
export interface RtspSettings extends RtspCommon {
  address: string; rtpAddress?: string; rtcpAddress?: string; multicast?: { ipRange: string; rtpPort: number; rtcpPort: number };
  tls?: { keyFile: string; certFile: string };
}
/** Settings of an RTMP or RTMPS listener. */
export interface RtmpSettings {
  address: string; tls?: { keyFile: string; certFile: string }; readTimeoutMs: number; writeTimeoutMs: number; readBufferCount: number;
  runOnConnect: string; runOnConnectRestart: boolean; runOnDisconnect: string; rtspPort: number;
}

/** Settings of the HLS server: the hls* keys, read/write timeouts and the reader queue. */
export interface HlsSettings {
  address: string; tls?: { keyFile: string; certFile: string }; allowOrigin: string; trustedProxies: readonly string[];
  alwaysRemux: boolean; variant: HlsVariant; segmentCount: number; segmentDurationMs: number; partDurationMs: number;
  segmentMaxSize: number; directory: string; readTimeoutMs: number; writeTimeoutMs: number; readBufferCount: number;
}

/** Settings of the WebRTC server: the webrtc* keys it implements, readTimeout and the reader queue. */
export interface WebRtcSettings {
  address: string; tls?: { keyFile: string; certFile: string }; allowOrigin: string; trustedProxies: readonly string[];
  iceServers: readonly string[]; nat1To1Ips: readonly string[]; udpMuxAddress: string; tcpMuxAddress: string; readTimeoutMs: number; readBufferCount: number;
}

/** Settings of the API, metrics and pprof listeners. The API reads apiPersist per change, so it is not here. */
export interface HttpServiceSettings {
  address: string; readTimeoutMs: number;
  /** MediaMTX v1.x authentication is on: requests need the api/metrics/pprof permission. */
  authGuarded: boolean;
}

/** The settings type of each component. */
export interface SettingsOf {
  logger: LoggerSettings; auth: AuthSettings; pathManager: PathManagerSettings;
  rtspServer: RtspSettings; rtspsServer: RtspSettings; rtmpServer: RtmpSettings; rtmpsServer: RtmpSettings;
  hlsServer: HlsSettings; webrtcServer: WebRtcSettings;
  api: HttpServiceSettings; metrics: HttpServiceSettings; pprof: HttpServiceSettings;
}

/** The pure row of one component: dependencies, settings, and whether a change can be taken live. */
export type PlanRow<K extends ComponentId> = PlanSpec<ComponentId, SettingsOf[K]> & { readonly id: K };

/** RTSP_PORT of hooks: the port of rtspAddress. */
function rtspPort(c: Conf): number { return parseListenAddress(c.rtspAddress).port; }

function rtspCommon(c: Conf): RtspCommon {
  return {
    protocols: c.protocols,
    // External authentication and JWTs need the password in clear, which Digest never sends.
    authMethods: c.externalAuthenticationURL !== '' || c.authMethod === 'jwt' ? ['basic'] : c.authMethods,
    readTimeoutMs: c.readTimeout, writeTimeoutMs: c.writeTimeout, readBufferCount: c.readBufferCount, udpMaxPayloadSize: c.udpMaxPayloadSize,
    runOnConnect: c.runOnConnect, runOnConnectRestart: c.runOnConnectRestart, runOnDisconnect: c.runOnDisconnect, rtspPort: rtspPort(c),
  };
}

function rtmpSettings(c: Conf, address: string, tls?: RtmpSettings['tls']): RtmpSettings {
  return {
    address, ...(tls ? { tls } : {}), readTimeoutMs: c.readTimeout, writeTimeoutMs: c.writeTimeout, readBufferCount: c.readBufferCount,
    runOnConnect: c.runOnConnect, runOnConnectRestart: c.runOnConnectRestart, runOnDisconnect: c.runOnDisconnect, rtspPort: rtspPort(c),
  };
}

/** True when only the keys listed differ between two settings objects. */
function onlyChanged<S extends object>(next: S, prev: S, keys: readonly (keyof S)[]): boolean {
  return (Object.keys(next) as (keyof S)[]).every((k) => keys.includes(k) || JSON.stringify(next[k]) === JSON.stringify(prev[k]));
}

/** Servers take new connection hooks live (for connections opened from then on); anything else restarts them. */
function onlyHooksChanged<S extends { runOnConnect: string; runOnConnectRestart: boolean; runOnDisconnect: string }>(next: S, prev: S): boolean {
  return onlyChanged(next, prev, ['runOnConnect', 'runOnConnectRestart', 'runOnDisconnect']);
}

/**
 * Which part of the configuration each component reads, in start order. The same settings() feeds the component's
 * create() (components.ts) and the reload planner, so the two cannot drift.
 */
export const PLAN: { readonly [K in ComponentId]: PlanRow<K> } = {
  logger: {
    id: 'logger', deps: [],
    settings: (c) => ({ level: c.logLevel, destinations: c.logDestinations, file: c.logFile }),
    canUpdate: () => true,
  },
  auth: {
    id: 'auth', deps: ['logger'],
    settings: (c) => ({ externalAuthenticationURL: c.externalAuthenticationURL, readTimeoutMs: c.readTimeout, v1: authV1Settings(c) }),
    canUpdate: () => true,
  },
  pathManager: {
    id: 'pathManager', deps: ['logger', 'auth'],
    settings: (c) => ({ rtspPort: rtspPort(c), paths: c.paths, readTimeoutMs: c.readTimeout, writeTimeoutMs: c.writeTimeout }),
    // New timeouts reach the static sources that start from then on; publishers and readers are not dropped for them.
    canUpdate: (n, p) => onlyChanged(n, p, ['paths', 'readTimeoutMs', 'writeTimeoutMs']),
  },
  rtspServer: {
    id: 'rtspServer', deps: ['logger', 'pathManager'], canUpdate: onlyHooksChanged,
    settings: (c) => (c.rtspDisable || c.encryption === 'strict' ? undefined : {
      ...rtspCommon(c), address: c.rtspAddress, rtpAddress: c.rtpAddress, rtcpAddress: c.rtcpAddress,
      multicast: { ipRange: c.multicastIPRange, rtpPort: c.multicastRTPPort, rtcpPort: c.multicastRTCPPort },
    }),
  },
  rtspsServer: {
    id: 'rtspsServer', deps: ['logger', 'pathManager'], canUpdate: onlyHooksChanged,
    settings: (c) => (c.rtspDisable || c.encryption === 'no' ? undefined : {
      ...rtspCommon(c), address: c.rtspsAddress, tls: { keyFile: c.serverKey, certFile: c.serverCert },
    }),
  },
  rtmpServer: {
    id: 'rtmpServer', deps: ['logger', 'pathManager'], canUpdate: onlyHooksChanged,
    settings: (c) => (c.rtmpDisable || c.rtmpEncryption === 'strict' ? undefined : rtmpSettings(c, c.rtmpAddress)),
  },
  rtmpsServer: {
    id: 'rtmpsServer', deps: ['logger', 'pathManager'], canUpdate: onlyHooksChanged,
    settings: (c) => (c.rtmpDisable || c.rtmpEncryption === 'no' ? undefined
      : rtmpSettings(c, c.rtmpsAddress, { keyFile: c.rtmpServerKey, certFile: c.rtmpServerCert })),
  },
  hlsServer: {
    id: 'hlsServer', deps: ['logger', 'pathManager'],
    // hlsAllowOrigin applies to the next answer; anything else reopens the listener and its muxers.
    canUpdate: (n, p) => onlyChanged(n, p, ['allowOrigin']),
    settings: (c) => (c.hlsDisable ? undefined : {
      address: c.hlsAddress, ...(c.hlsEncryption ? { tls: { keyFile: c.hlsServerKey, certFile: c.hlsServerCert } } : {}),
      allowOrigin: c.hlsAllowOrigin, trustedProxies: c.hlsTrustedProxies, alwaysRemux: c.hlsAlwaysRemux, variant: c.hlsVariant,
      segmentCount: c.hlsSegmentCount, segmentDurationMs: c.hlsSegmentDuration, partDurationMs: c.hlsPartDuration,
      segmentMaxSize: c.hlsSegmentMaxSize, directory: c.hlsDirectory,
      readTimeoutMs: c.readTimeout, writeTimeoutMs: c.writeTimeout, readBufferCount: c.readBufferCount,
    }),
  },
  webrtcServer: {
    id: 'webrtcServer', deps: ['logger', 'pathManager'],
    // webrtcAllowOrigin applies to the next answer; anything else reopens the listener and ends its sessions.
    canUpdate: (n, p) => onlyChanged(n, p, ['allowOrigin']),
    settings: (c) => (c.webrtcDisable ? undefined : {
      address: c.webrtcAddress, ...(c.webrtcEncryption ? { tls: { keyFile: c.webrtcServerKey, certFile: c.webrtcServerCert } } : {}),
      allowOrigin: c.webrtcAllowOrigin, trustedProxies: c.webrtcTrustedProxies, iceServers: c.webrtcICEServers,
      nat1To1Ips: c.webrtcICEHostNAT1To1IPs, udpMuxAddress: c.webrtcICEUDPMuxAddress, tcpMuxAddress: c.webrtcICETCPMuxAddress, readTimeoutMs: c.readTimeout, readBufferCount: c.readBufferCount,
    }),
  },
  // They find the servers and paths through the app at each request (observability-hosts.ts): nothing to depend on.
  api: { id: 'api', deps: ['logger', 'auth'], settings: (c) => (c.api ? { address: c.apiAddress, readTimeoutMs: c.readTimeout, authGuarded: usesV1Auth(c) } : undefined) },
  metrics: { id: 'metrics', deps: ['logger', 'auth'], settings: (c) => (c.metrics ? { address: c.metricsAddress, readTimeoutMs: c.readTimeout, authGuarded: usesV1Auth(c) } : undefined) },
  pprof: { id: 'pprof', deps: ['logger', 'auth'], settings: (c) => (c.pprof ? { address: c.pprofAddress, readTimeoutMs: c.readTimeout, authGuarded: usesV1Auth(c) } : undefined) },
};

/** The rows in start order, as planReload takes them. */
export const PLAN_ROWS: readonly PlanSpec<ComponentId>[] = COMPONENT_IDS.map((id) => PLAN[id] as PlanSpec<ComponentId>);
