import { z } from 'zod/v3';
import type { KeySpec } from './keys.ts';

// MediaMTX v1.x settings that have no v0.22.2 name, with upstream HEAD's defaults (internal/conf/conf.go, path.go).
// Renamed settings are not here: they keep their v0.22.2 key (keys.ts) and their v1.x name is an alias (renames.ts).

const str = (def: string): KeySpec => ({ kind: { kind: 'string' }, def });
const secret = (def: string): KeySpec => ({ kind: { kind: 'string' }, def, isSecret: true });
const bool = (def: boolean): KeySpec => ({ kind: { kind: 'bool' }, def });
const int = (def: number, min?: number, max?: number): KeySpec => ({ kind: { kind: 'int', min, max }, def });
const dur = (def: string): KeySpec => ({ kind: { kind: 'duration' }, def });
const list = (def: string[]): KeySpec => ({ kind: { kind: 'stringList' }, def });
const addr = (def: string): KeySpec => ({ kind: { kind: 'address' }, def });
const optAddr = (def: string): KeySpec => ({ kind: { kind: 'address', optional: true }, def });
const oneOf = (values: readonly string[], def: string): KeySpec => ({ kind: { kind: 'enum', values }, def });
const schema = (s: z.ZodType, expected: string, def: unknown, isSecret = false): KeySpec =>
  ({ kind: { kind: 'schema', schema: s, expected }, def, ...(isSecret ? { isSecret } : {}) });

// YAML leaves `pass:` or `path:` empty (null) in upstream's own file: an empty text.
const text = z.string().nullish().transform((v) => v ?? '');
const texts = z.array(z.string()).nullish().transform((v) => v ?? []);

/** Actions a v1.x permission grants. */
export const AUTH_ACTIONS = ['publish', 'read', 'playback', 'api', 'metrics', 'pprof'] as const;

const permission = z.strictObject({ action: z.enum(AUTH_ACTIONS), path: text });
const permissions = z.array(permission);
/** `authInternalUsers` entries: `{user, pass, ips, permissions}`. */
const internalUsers = z.array(z.strictObject({
  user: z.string(), pass: text, ips: texts, permissions: permissions.nullish().transform((v) => v ?? []),
}));
const forwardDests = z.array(z.strictObject({ dest: z.string(), destFingerprint: text, whipBearerToken: text }));
const TRACK_CODECS = ['AV1', 'VP9', 'H265', 'H264', 'Opus', 'MPEG4Audio', 'G711', 'LPCM'] as const;
const tracks = z.array(z.strictObject({
  codec: z.enum(TRACK_CODECS), sampleRate: z.number().int().nonnegative().optional().default(0),
  channelCount: z.number().int().nonnegative().optional().default(0), muLaw: z.boolean().optional().default(false),
}));
const port = z.number().int().min(0).max(65535);

/** Upstream's default users: anyone may publish, read and play back; API, metrics and pprof only from localhost. */
const DEFAULT_INTERNAL_USERS = [
  { user: 'any', pass: '', ips: [], permissions: [{ action: 'publish', path: '' }, { action: 'read', path: '' }, { action: 'playback', path: '' }] },
  { user: 'any', pass: '', ips: ['127.0.0.1', '::1'], permissions: [{ action: 'api', path: '' }, { action: 'metrics', path: '' }, { action: 'pprof', path: '' }] },
];

/** The HTTPS/CORS/proxy keys v1.x gives each HTTP listener (`api`, `metrics`, `pprof`, `playback`). */
function httpListenerKeys<P extends string>(p: P): Record<`${P}${'Encryption' | 'ServerKey' | 'ServerCert' | 'AllowOrigins' | 'TrustedProxies'}`, KeySpec> {
  return {
    [`${p}Encryption`]: bool(false), [`${p}ServerKey`]: str('server.key'), [`${p}ServerCert`]: str('server.crt'),
    [`${p}AllowOrigins`]: list(['*']), [`${p}TrustedProxies`]: list([]),
  } as Record<`${P}${'Encryption' | 'ServerKey' | 'ServerCert' | 'AllowOrigins' | 'TrustedProxies'}`, KeySpec>;
}

/** Global settings MediaMTX v1.x added, with upstream's defaults (except `srt` and `moq`, see below). */
export const V1_GLOBAL_KEYS = {
  logStructured: bool(false),
  sysLogPrefix: str('mediamtx'),
  dumpPackets: bool(false),
  udpReadBufferSize: int(0, 0),
  runOnDisconnect: str(''),

  authMethod: oneOf(['internal', 'http', 'jwt'], 'internal'),
  authInternalUsers: schema(internalUsers, 'a list of users {user, pass, ips, permissions}', DEFAULT_INTERNAL_USERS, true),
  authHTTPAddress: str(''),
  authHTTPFingerprint: str(''),
  authHTTPExclude: schema(permissions, 'a list of permissions {action, path}', []),
  authJWTJWKS: str(''),
  authJWTJWKSFingerprint: str(''),
  authJWTClaimKey: str('mediamtx_permissions'),
  authJWTExclude: schema(permissions, 'a list of permissions {action, path}', []),
  authJWTIssuer: str(''),
  authJWTAudience: str(''),

  ...httpListenerKeys('api'),
  ...httpListenerKeys('metrics'),
  ...httpListenerKeys('pprof'),
  playback: bool(false),
  playbackAddress: addr(':9996'),
  ...httpListenerKeys('playback'),

  srtpAddress: addr(':8004'),
  srtcpAddress: addr(':8005'),
  multicastSRTPPort: int(8006, 1, 65535),
  multicastSRTCPPort: int(8007, 1, 65535),
  rtspTrustedProxies: list([]),
  rtmpTrustedProxies: list([]),
  hlsMuxerCloseAfter: dur('60s'),
  hlsCDNSecret: secret(''),

  webrtcIPsFromInterfaces: bool(true),
  webrtcIPsFromInterfacesList: list([]),
  webrtcSTUNGatherTimeout: dur('5s'),
  webrtcHandshakeTimeout: dur('10s'),
  webrtcTrackGatherTimeout: dur('2s'),

  // Upstream turns SRT and MoQ on by default; a server we do not have is off here, so a file that asks for it is
  // named in the "not implemented yet" warning and a file that does not mention it is not.
  srt: bool(false),
  srtAddress: addr(':8890'),
  moq: bool(false),
  moqHTTP2Address: optAddr(':8892'),
  moqHTTP3Address: optAddr(':8892'),
  moqQUICAddress: optAddr(':8893'),
  moqServerKey: str('auto.key'),
  moqServerCert: str('auto.crt'),
  moqAllowOrigins: list(['*']),
  moqTrustedProxies: list([]),
} satisfies Record<string, KeySpec>;

/** Path settings MediaMTX v1.x added, with upstream's defaults. */
export const V1_PATH_KEYS = {
  maxReaders: int(0, 0),
  srtReadPassphrase: secret(''),
  useAbsoluteTimestamp: bool(false),
  alwaysAvailable: bool(false),
  alwaysAvailableTracks: schema(tracks, 'a list of tracks {codec, sampleRate, channelCount, muLaw}', []),
  alwaysAvailableFile: str(''),
  forward: schema(forwardDests, 'a list of destinations {dest, destFingerprint, whipBearerToken}', [], true),

  record: bool(false),
  recordPath: str('./recordings/%path/%Y-%m-%d_%H-%M-%S-%f'),
  recordFormat: oneOf(['fmp4', 'mpegts'], 'fmp4'),
  recordPartDuration: dur('1s'),
  recordMaxPartSize: { kind: { kind: 'size' }, def: '50M' },
  recordSegmentDuration: dur('1h'),
  recordDeleteAfter: dur('1d'),

  srtPublishPassphrase: secret(''),
  rtspDemuxMpegts: bool(false),
  rtspRangeType: oneOf(['', 'clock', 'npt', 'smpte'], ''),
  rtspRangeStart: str(''),
  rtspScale: str(''),
  rtspUDPSourcePortRange: schema(z.tuple([port, port]), 'two ports [first, last]', [32768, 60999]),
  rtpSDP: str(''),
  moqTransport: oneOf(['quic', 'webtransport'], 'quic'),
  whepBearerToken: secret(''),
  whepSTUNGatherTimeout: dur('5s'),
  whepHandshakeTimeout: dur('10s'),
  whepTrackGatherTimeout: dur('2s'),

  rpiCameraSecondary: bool(false),
  rpiCameraAWBGains: schema(z.tuple([z.number(), z.number()]), 'two gains [red, blue]', [0, 0]),
  rpiCameraHDR: bool(false),
  rpiCameraFlickerPeriod: int(0, 0),
  rpiCameraCodec: oneOf(['auto', 'hardwareH264', 'softwareH264', 'mjpeg'], 'auto'),
  rpiCameraMJPEGQuality: int(60, 0, 100),

  runOnUnDemand: str(''),
  runOnUnavailable: str(''),
  runOnOnline: str(''),
  runOnOnlineRestart: bool(false),
  runOnOffline: str(''),
  runOnUnread: str(''),
  runOnRecordSegmentCreate: str(''),
  runOnRecordSegmentComplete: str(''),
} satisfies Record<string, KeySpec>;

/** Schema of v1.x `webrtcICEServers2` (a list of `{url, username, password, clientOnly}`), read into v0.22.2's `webrtcICEServers`. */
export const ICE_SERVERS2 = z.array(z.strictObject({ url: z.string(), username: text, password: text, clientOnly: z.boolean().optional().default(false) }));
