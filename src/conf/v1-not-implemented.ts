import type { Conf } from './conf-types.ts';
import { V1_PATH_KEYS } from './keys-v1.ts';
import { defaultsOf } from './read-section.ts';

/**
 * MediaMTX v1.x global settings this server reads but does not act on yet, grouped by feature, as data. A key is named
 * when its value differs from the default (or `isSet` says it is in use). Remove a row, or a key, as the feature lands.
 */
const V1_GLOBAL_NOT_IMPLEMENTED: readonly { feature: string; keys: readonly string[]; isSet?: Readonly<Record<string, (c: Conf) => boolean>> }[] = [
  {
    feature: 'HTTPS, allowed origins and trusted proxies of the API, metrics and pprof',
    keys: (['api', 'metrics', 'pprof'] as const).flatMap((p) => ['Encryption', 'ServerKey', 'ServerCert', 'AllowOrigins', 'TrustedProxies'].map((s) => `${p}${s}`)),
  },
  { feature: 'playback server', keys: ['playback', 'playbackAddress', 'playbackEncryption', 'playbackServerKey', 'playbackServerCert', 'playbackAllowOrigins', 'playbackTrustedProxies'] },
  { feature: 'RTSP over SRTP', keys: ['srtpAddress', 'srtcpAddress', 'multicastSRTPPort', 'multicastSRTCPPort'] },
  { feature: 'PROXY protocol', keys: ['rtspTrustedProxies', 'rtmpTrustedProxies'] },
  { feature: 'HLS muxer lifetime and CDN mode', keys: ['hlsMuxerCloseAfter', 'hlsCDNSecret'] },
  { feature: 'WebRTC v1.x connectivity', keys: ['webrtcIPsFromInterfaces', 'webrtcIPsFromInterfacesList', 'webrtcSTUNGatherTimeout', 'webrtcHandshakeTimeout', 'webrtcTrackGatherTimeout'] },
  { feature: 'SRT server', keys: ['srt', 'srtAddress'] },
  { feature: 'MoQ server', keys: ['moq', 'moqHTTP2Address', 'moqHTTP3Address', 'moqQUICAddress', 'moqServerKey', 'moqServerCert', 'moqAllowOrigins', 'moqTrustedProxies'] },
  { feature: 'v1.x logging', keys: ['logStructured', 'sysLogPrefix', 'dumpPackets'] },
  { feature: 'UDP read buffer size', keys: ['udpReadBufferSize'] },
];

/** v1.x path keys that are built: remove a key from the warning by adding it here as its feature lands. */
const V1_PATH_BUILT: ReadonlySet<string> = new Set([
  // v1.x hooks (core/path.ts); runOnRecordSegment* wait for recording.
  'runOnUnDemand', 'runOnUnavailable', 'runOnOnline', 'runOnOnlineRestart', 'runOnOffline', 'runOnUnread',
]);

/** Path keys of v1.x features not built yet (recording, forwarding, SRT, MoQ, WHEP…). */
const V1_PATH_NOT_IMPLEMENTED: readonly string[] = Object.keys(V1_PATH_KEYS).filter((k) => !V1_PATH_BUILT.has(k));

/** Every v1.x key, global or path, of a feature not built yet (the shipped mediamtx.v1.yml's remarks are checked against it). */
export const V1_NOT_BUILT_KEYS: readonly string[] = [...V1_GLOBAL_NOT_IMPLEMENTED.flatMap((r) => r.keys), ...V1_PATH_NOT_IMPLEMENTED];

// Paths share their defaults' values (the same list objects), so the identity check settles most keys of a large file.
function differs(a: unknown, b: unknown): boolean { return a !== b && JSON.stringify(a) !== JSON.stringify(b); }

/**
 * The parts of the one "not implemented yet" warning that concern MediaMTX v1.x settings: `feature (keys)` for global
 * ones, `pathDefaults: keys` and `paths.<name>: keys` for path ones (a path is named for what it sets beyond
 * `pathDefaults`, so a default set once is named once).
 */
export function v1NotImplementedParts(conf: Conf): string[] {
  const parts: string[] = [];
  const g = conf as unknown as Record<string, unknown>;
  const gd = defaultsOf('global');
  for (const row of V1_GLOBAL_NOT_IMPLEMENTED) {
    const set = row.keys.filter((k) => (row.isSet?.[k] ? row.isSet[k](conf) : differs(g[k], gd[k])));
    if (set.length > 0) parts.push(`${row.feature} (${set.join(', ')})`);
  }
  const pd = conf.pathDefaults as unknown as Record<string, unknown>;
  const builtIn = defaultsOf('path');
  const inDefaults = V1_PATH_NOT_IMPLEMENTED.filter((k) => differs(pd[k], builtIn[k]));
  if (inDefaults.length > 0) parts.push(`pathDefaults: ${inDefaults.join(', ')}`);
  for (const p of Object.values(conf.paths)) {
    const r = p as unknown as Record<string, unknown>;
    const keys = V1_PATH_NOT_IMPLEMENTED.filter((k) => differs(r[k], pd[k]) && differs(r[k], builtIn[k]));
    if (keys.length > 0) parts.push(`paths.${p.name}: ${keys.join(', ')}`);
  }
  return parts;
}
