import { parseListenAddress, type LogDestination, type LogLevel } from '../lib/index.ts';
import type { AuthMethod, Conf, PathConf, RtspTransport } from '../conf/index.ts';
import type { PlanSpec } from './reload-plan.ts';

/** Every component's name, in start order. */
export const COMPONENT_IDS = ['logger', 'auth', 'pathManager', 'rtspServer', 'rtspsServer', 'rtmpServer', 'rtmpsServer'] as const;

/** A component's name. */
export type ComponentId = (typeof COMPONENT_IDS)[number];

/** Settings of the root logger. */
export interface LoggerSettings { level: LogLevel; destinations: readonly LogDestination[]; file: string }
/** Settings of authentication. */
export interface AuthSettings { externalAuthenticationURL: string; readTimeoutMs: number }
/** Settings of the path manager. */
export interface PathManagerSettings { rtspPort: number; paths: Readonly<Record<string, PathConf>> }

/** Settings shared by both RTSP listeners. */
interface RtspCommon {
  protocols: readonly RtspTransport[]; authMethods: readonly AuthMethod[]; readTimeoutMs: number; writeTimeoutMs: number;
  readBufferCount: number; udpMaxPayloadSize: number; runOnConnect: string; runOnConnectRestart: boolean; rtspPort: number;
}
/** Settings of an RTSP or RTSPS listener. */
export interface RtspSettings extends RtspCommon {
  address: string; rtpAddress?: string; rtcpAddress?: string; multicast?: { ipRange: string; rtpPort: number; rtcpPort: number };
  tls?: { keyFile: string; certFile: string };
}
/** Settings of an RTMP or RTMPS listener. */
export interface RtmpSettings {
  address: string; tls?: { keyFile: string; certFile: string }; readTimeoutMs: number; writeTimeoutMs: number; readBufferCount: number;
  runOnConnect: string; runOnConnectRestart: boolean; rtspPort: number;
}

/** The settings type of each component. */
export interface SettingsOf {
  logger: LoggerSettings; auth: AuthSettings; pathManager: PathManagerSettings;
  rtspServer: RtspSettings; rtspsServer: RtspSettings; rtmpServer: RtmpSettings; rtmpsServer: RtmpSettings;
}

/** The pure row of one component: dependencies, settings, and whether a change can be taken live. */
export type PlanRow<K extends ComponentId> = PlanSpec<ComponentId, SettingsOf[K]> & { readonly id: K };

/** RTSP_PORT of hooks: the port of rtspAddress. */
function rtspPort(c: Conf): number { return parseListenAddress(c.rtspAddress).port; }

function rtspCommon(c: Conf): RtspCommon {
  return {
    protocols: c.protocols,
    // External authentication needs the password in clear, which Digest never sends.
    authMethods: c.externalAuthenticationURL !== '' ? ['basic'] : c.authMethods,
    readTimeoutMs: c.readTimeout, writeTimeoutMs: c.writeTimeout, readBufferCount: c.readBufferCount, udpMaxPayloadSize: c.udpMaxPayloadSize,
    runOnConnect: c.runOnConnect, runOnConnectRestart: c.runOnConnectRestart, rtspPort: rtspPort(c),
  };
}

function rtmpSettings(c: Conf, address: string, tls?: RtmpSettings['tls']): RtmpSettings {
  return {
    address, ...(tls ? { tls } : {}), readTimeoutMs: c.readTimeout, writeTimeoutMs: c.writeTimeout, readBufferCount: c.readBufferCount,
    runOnConnect: c.runOnConnect, runOnConnectRestart: c.runOnConnectRestart, rtspPort: rtspPort(c),
  };
}

/** True when only the keys listed differ between two settings objects. */
function onlyChanged<S extends object>(next: S, prev: S, keys: readonly (keyof S)[]): boolean {
  return (Object.keys(next) as (keyof S)[]).every((k) => keys.includes(k) || JSON.stringify(next[k]) === JSON.stringify(prev[k]));
}

/** Servers take a new runOnConnect live (for connections opened from then on); anything else restarts them. */
function onlyHooksChanged<S extends { runOnConnect: string; runOnConnectRestart: boolean }>(next: S, prev: S): boolean {
  return onlyChanged(next, prev, ['runOnConnect', 'runOnConnectRestart']);
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
    settings: (c) => ({ externalAuthenticationURL: c.externalAuthenticationURL, readTimeoutMs: c.readTimeout }),
    canUpdate: () => true,
  },
  pathManager: {
    id: 'pathManager', deps: ['logger', 'auth'],
    settings: (c) => ({ rtspPort: rtspPort(c), paths: c.paths }),
    canUpdate: (n, p) => onlyChanged(n, p, ['paths']),
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
};

/** The rows in start order, as planReload takes them. */
export const PLAN_ROWS: readonly PlanSpec<ComponentId>[] = COMPONENT_IDS.map((id) => PLAN[id] as PlanSpec<ComponentId>);
