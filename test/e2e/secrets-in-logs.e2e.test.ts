import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, start, waitFor, type RunResult } from '../support/process.ts';
import { allocatePorts, listenerConf, type ServerPorts } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { RawRtspClient } from '../support/rtsp-raw-client.ts';
import { startAuthServer } from '../support/auth-server.ts';
import { httpRequest } from '../support/http.ts';
import { ffmpegDecodeHls, hlsUrl } from '../support/hls-media.ts';
import { CHROMIUM_WHEP_OFFER } from '../support/webrtc-offers.ts';
import { startCoturn } from '../support/webrtc-transports.ts';
import { makeJwtKey, signJwt, startJwksServer } from '../support/jwt-issuer.ts';
import { encryptConf } from '../../src/conf/index.ts';

// RELIABILITY V13: a server started with every key that can hold a credential, at logLevel debug, and used with
// right and wrong credentials, must never print one of them (nor the base64 of user:pass that Basic carries).

const ROOT = resolve(import.meta.dirname, '..', '..');
const CONF_KEY = 'ConfKey7xSecretValue';

const sha256 = (s: string): string => `sha256:${createHash('sha256').update(s).digest('base64')}`;
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

const tmpDirs: string[] = [];
after(() => { for (const d of tmpDirs) rmSync(d, { recursive: true, force: true }); });

/** A running server whose log goes to stdout and to a file. */
interface LoggedServer { readonly ports: ServerPorts; log(): string; stop(): Promise<RunResult> }

/** Writes an encrypted configuration (MTX_CONFKEY) at logLevel debug, logging to stdout and `dir`/mediamtx.log. */
function writeEncrypted(ports: ServerPorts, yaml: string): { dir: string; confFile: string; logFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mtx-secrets-'));
  tmpDirs.push(dir);
  const logFile = join(dir, 'mediamtx.log');
  const plain = `${listenerConf(ports)}logLevel: debug\nlogDestinations: [stdout, file]\nlogFile: ${logFile}\n${yaml}`;
  const confFile = join(dir, 'mediamtx.yml');
  writeFileSync(confFile, encryptConf(plain, CONF_KEY));
  return { dir, confFile, logFile };
}

const serverArgs = (confFile: string): string[] => ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'main.ts'), confFile];

/** Starts the server on an encrypted configuration (MTX_CONFKEY) at logLevel debug, logging to stdout and a file. */
async function startEncrypted(yaml: (ports: ServerPorts) => string, env: NodeJS.ProcessEnv = {}): Promise<LoggedServer> {
  const ports = allocatePorts();
  const { dir, confFile, logFile } = writeEncrypted(ports, yaml(ports));
  const proc = start(process.execPath, serverArgs(confFile), {
    timeoutMs: 5 * 60_000, cwd: dir, env: { ...process.env, MTX_CONFKEY: CONF_KEY, ...env },
  });
  let out = '';
  proc.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const log = (): string => {
    let file = '';
    try { file = readFileSync(logFile, 'utf8'); } catch { file = '(no log file yet)'; }
    return `${out}\n--- log file ---\n${file}`;
  };
  await waitFor(() => (/\[RTSP\] listener opened/.test(out) && /\[RTMP\] listener opened/.test(out)) || proc.child.exitCode !== null,
    { timeoutMs: 20_000, what: 'the RTSP and RTMP listeners' });
  assert.equal(proc.child.exitCode, null, `the server exited at start:\n${out}`);
  return { ports, log, stop: () => proc.stop() };
}

/** Fails naming every secret found in the log, with the lines that hold it. */
function assertNoSecret(log: string, secrets: Record<string, string>): void {
  const found = Object.entries(secrets).filter(([, v]) => log.includes(v));
  const lines = log.split('\n').filter((l) => found.some(([, v]) => l.includes(v)));
  assert.deepEqual(found.map(([k]) => k), [], `secrets in the log:\n${lines.join('\n')}`);
}

/** The secrets of user/pass pairs: the password and the base64 of `user:pass` that Basic sends. */
function pairSecrets(pairs: Record<string, [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, [user, pass]] of Object.entries(pairs)) {
    out[`${name} password`] = pass;
    out[`${name} Basic base64`] = Buffer.from(`${user}:${pass}`).toString('base64');
  }
  return out;
}

/** DESCRIBE with a Digest answer computed for `pass` from the server's challenge (RFC 2617 without qop). */
async function describeWithDigest(port: number, path: string, user: string, pass: string): Promise<number> {
  const c = await RawRtspClient.connect(port);
  try {
    const url = `rtsp://127.0.0.1:${port}/${path}`;
    const first = await c.request('DESCRIBE', url);
    const challenge = first.headers.get('www-authenticate') ?? '';
    const m = /Digest realm="([^"]+)", nonce="([^"]+)"/.exec(challenge);
    assert.ok(m, `a Digest challenge, got ${first.status} with WWW-Authenticate: ${challenge}`);
    const response = md5(`${md5(`${user}:${m[1]}:${pass}`)}:${m[2]}:${md5(`DESCRIBE:${url}`)}`);
    const auth = `Digest username="${user}", realm="${m[1]}", nonce="${m[2]}", uri="${url}", response="${response}"`;
    return (await c.request('DESCRIBE', url, { Authorization: auth })).status;
  } finally {
    c.close();
  }
}

/** DESCRIBE with the given headers on a fresh connection; the status. */
async function describe1(port: number, url: string, headers: Record<string, string> = {}): Promise<number> {
  const c = await RawRtspClient.connect(port);
  try {
    return (await c.request('DESCRIBE', url, headers)).status;
  } finally {
    c.close();
  }
}

/** GETs an HLS playlist until the muxer has one (it answers 404 before its first segment); the last answer. */
async function waitForPlaylist(port: number, path: string, headers: Record<string, string>): Promise<Awaited<ReturnType<typeof httpRequest>>> {
  let last = await httpRequest(port, 'GET', path, undefined, headers);
  await waitFor(async () => (last = await httpRequest(port, 'GET', path, undefined, headers)).status !== 404, {
    timeoutMs: 20_000, what: `${path} to have a playlist`, detail: () => `${last.status} ${last.text}`,
  });
  return last;
}

describe('secrets never reach the log', () => {
  it('internal users (plain, sha256, environment), source/redirect/fallback URLs, RTMP queries, Basic and Digest', async () => {
    const pairs = {
      publish: ['pubuser', 'PubPass7xA'], read: ['readuser', 'ReadPass7xB'],
      hashedPublish: ['hashpub', 'HashPub7xC'], hashedRead: ['hashread', 'HashRead7xD'],
      env: ['envuser', 'EnvPass7xE'],
      wrongPublish: ['pubuser', 'WrongPub7xF'], wrongRead: ['readuser', 'WrongRead7xG'], wrongHashed: ['hashread', 'WrongHash7xH'],
      wrongEnv: ['envuser', 'WrongEnv7xI'], rawUrl: ['readuser', 'RawUrlPass7xJ'],
      source: ['srcuser', 'SrcPass7xK'], redirect: ['rduser', 'RedirPass7xL'], fallback: ['fbuser', 'FallPass7xM'],
      hook: ['hookuser', 'HookPass7xN'],
    } as const satisfies Record<string, [string, string]>;
    const hashed = {
      publishUser: sha256(pairs.hashedPublish[0]), publishPass: sha256(pairs.hashedPublish[1]),
      readUser: sha256(pairs.hashedRead[0]), readPass: sha256(pairs.hashedRead[1]),
    };
    const server = await startEncrypted((p) => `paths:
  plain:
    publishUser: ${pairs.publish[0]}
    publishPass: ${pairs.publish[1]}
    readUser: ${pairs.read[0]}
    readPass: ${pairs.read[1]}
  hashed:
    publishUser: ${hashed.publishUser}
    publishPass: ${hashed.publishPass}
    readUser: ${hashed.readUser}
    readPass: ${hashed.readPass}
  pulled:
    source: rtsp://${pairs.source[0]}:${pairs.source[1]}@127.0.0.1:9/cam?pass=${pairs.source[1]}
  redirected:
    source: redirect
    sourceRedirect: rtsp://${pairs.redirect[0]}:${pairs.redirect[1]}@127.0.0.1:${p.rtsp}/plain
  fellback:
    fallback: rtsp://${pairs.fallback[0]}:${pairs.fallback[1]}@127.0.0.1:${p.rtsp}/plain
  hooked:
    runOnInit: ffmpeg -i "rtsp://${pairs.hook[0]}:${pairs.hook[1]}@127.0.0.1:${p.rtsp}/plain
`, { MTX_PATHS_ENVCAM_READUSER: pairs.env[0], MTX_PATHS_ENVCAM_READPASS: pairs.env[1] });
    const rtsp = (path: string, [user, pass]: readonly [string, string]): string => `rtsp://${user}:${pass}@127.0.0.1:${server.ports.rtsp}/${path}`;
    const rtmp = (path: string, [user, pass]: readonly [string, string]): string => `rtmp://127.0.0.1:${server.ports.rtmp}/${path}?user=${user}&pass=${pass}`;
    const pubs = [];
    try {
      // RTSP publish with FFmpeg (Digest, as FFmpeg prefers it when offered): wrong password, then right.
      const refused = await ffmpegPublish(rtsp('plain', pairs.wrongPublish), { video: 'h264', seconds: 12 }).done;
      assert.notEqual(refused.code, 0, `a wrong RTSP publish password is refused; ffmpeg: ${refused.stderr.slice(-400)}`);
      pubs.push(ffmpegPublish(rtsp('plain', pairs.publish), { video: 'h264', seconds: 60 }));
      await waitFor(() => /\[path plain\] stream is ready/.test(server.log()), { timeoutMs: 20_000, what: `plain to be published; log:\n${server.log().slice(-2000)}` });

      // RTMP publish with ?user=&pass=: wrong, then right (sha256 credentials).
      // Longer than the refusal takes: tracks known (~1 s) plus the random failure delay (0.5–4 s); a 3 s publisher
      // could end with exit code 0 before it was refused.
      const rtmpRefused = await ffmpegPublishRtmp(rtmp('hashed', pairs.wrongHashed), { seconds: 12, audio: false }).done;
      assert.notEqual(rtmpRefused.code, 0, `a wrong RTMP publish password is refused; ffmpeg: ${rtmpRefused.stderr.slice(-400)}`);
      pubs.push(ffmpegPublishRtmp(rtmp('hashed', pairs.hashedPublish), { seconds: 60, audio: false }));
      await waitFor(() => /\[path hashed\] stream is ready/.test(server.log()), { timeoutMs: 20_000, what: `hashed to be published; log:\n${server.log().slice(-2000)}` });

      // Reads: RTSP with FFmpeg (Digest), RTMP with the query, right and wrong.
      const ok = await ffmpegReadFrames(rtsp('plain', pairs.read), 'tcp', 1);
      assert.ok(ok.frames > 0, `RTSP read with the right password: ${ok.frames} frames; ffmpeg: ${ok.stderr.slice(-400)}`);
      const bad = await ffmpegReadFrames(rtsp('plain', pairs.wrongRead), 'tcp', 1);
      assert.equal(bad.frames, 0, `RTSP read with a wrong password is refused; ffmpeg: ${bad.stderr.slice(-400)}`);
      const rtmpOk = await ffmpegReadFrames(rtmp('plain', pairs.read), undefined, 1);
      assert.ok(rtmpOk.frames > 0, `RTMP read with the right password: ${rtmpOk.frames} frames; ffmpeg: ${rtmpOk.stderr.slice(-400)}`);
      const rtmpBad = await ffmpegReadFrames(rtmp('plain', pairs.wrongRead), undefined, 1);
      assert.equal(rtmpBad.frames, 0, `RTMP read with a wrong password is refused; ffmpeg: ${rtmpBad.stderr.slice(-400)}`);

      // Raw requests: Basic and Digest headers, right and wrong, and credentials inside the request URL.
      const port = server.ports.rtsp;
      const base = `rtsp://127.0.0.1:${port}`;
      const statuses = {
        basicHashedRight: await describe1(port, `${base}/hashed`, { Authorization: basic(...pairs.hashedRead) }),
        basicHashedWrong: await describe1(port, `${base}/hashed`, { Authorization: basic(...pairs.wrongHashed) }),
        basicEnvRight: await describe1(port, `${base}/envcam`, { Authorization: basic(...pairs.env) }),
        basicEnvWrong: await describe1(port, `${base}/envcam`, { Authorization: basic(...pairs.wrongEnv) }),
        digestRight: await describeWithDigest(port, 'plain', ...pairs.read),
        digestWrong: await describeWithDigest(port, 'plain', ...pairs.wrongRead),
        urlCredentials: await describe1(port, `rtsp://${pairs.rawUrl[0]}:${pairs.rawUrl[1]}@127.0.0.1:${port}/plain?pass=${pairs.rawUrl[1]}`,
          { Authorization: basic(...pairs.rawUrl) }),
        redirect: await describe1(port, `${base}/redirected`),
        fallback: await describe1(port, `${base}/fellback`),
      };
      assert.deepEqual(statuses, {
        basicHashedRight: 200, basicHashedWrong: 401, basicEnvRight: 404, basicEnvWrong: 401, digestRight: 200, digestWrong: 401,
        urlCredentials: 401, redirect: 302, fallback: 302,
      }, 'RTSP answers to the raw requests');

      const log = server.log();
      // What was exercised is in the log, masked: the debug dump of a request URL, the source URL, the hook line.
      assert.match(log, /DEB .*DESCRIBE rtsp:\/\/readuser:xxxxx@127\.0\.0\.1:\d+\/plain\?pass=xxxxx/, `the request URL at debug level, masked:\n${log}`);
      // The RTSP source says where it connects (the user is left out, the query's password masked).
      assert.match(log, /\[RTSP source\] connecting to rtsp:\/\/(srcuser:xxxxx@)?127\.0\.0\.1:9\/cam\?pass=xxxxx /, `the source URL, masked:\n${log}`);
      assert.match(log, /authentication failed for 'readuser'/, `failed attempts are logged:\n${log}`);
      assert.match(log, /\[RTMP\] .*is publishing to path 'hashed'/, `the RTMP publisher:\n${log}`);
      assertNoSecret(log, {
        ...pairSecrets(pairs), ...Object.fromEntries(Object.entries(hashed).map(([k, v]) => [`sha256 ${k}`, v.slice('sha256:'.length)])),
        MTX_CONFKEY: CONF_KEY,
      });
    } finally {
      for (const p of pubs) await p.stop();
      const r = await server.stop();
      assertNoSecret(server.log() + r.stderr, { ...pairSecrets(pairs), MTX_CONFKEY: CONF_KEY });
    }
  });

  it('externalAuthenticationURL with user:pass, and the credentials sent to it over RTSP Basic and RTMP', async () => {
    const pairs = {
      auth: ['authuser', 'AuthPass7xP'], publish: ['extpub', 'ExtPub7xQ'], read: ['extread', 'ExtRead7xR'],
      wrongPublish: ['extpub', 'ExtWrongPub7xS'], wrongRead: ['extread', 'ExtWrongRead7xT'],
    } as const satisfies Record<string, [string, string]>;
    const auth = await startAuthServer((b) => (b.user === pairs.publish[0] && b.password === pairs.publish[1])
      || (b.user === pairs.read[0] && b.password === pairs.read[1]));
    const authUrl = auth.url.replace('http://', `http://${pairs.auth[0]}:${pairs.auth[1]}@`);
    const server = await startEncrypted(() => `externalAuthenticationURL: ${authUrl}\npaths:\n  all:\n`);
    const rtsp = (path: string, [user, pass]: readonly [string, string]): string => `rtsp://${user}:${pass}@127.0.0.1:${server.ports.rtsp}/${path}`;
    const rtmp = (path: string, [user, pass]: readonly [string, string]): string => `rtmp://127.0.0.1:${server.ports.rtmp}/${path}?user=${user}&pass=${pass}`;
    let pub;
    try {
      const refused = await ffmpegPublish(rtsp('ext', pairs.wrongPublish), { video: 'h264', seconds: 3 }).done;
      assert.notEqual(refused.code, 0, `a wrong RTSP publish password is refused; ffmpeg: ${refused.stderr.slice(-400)}`);
      pub = ffmpegPublish(rtsp('ext', pairs.publish), { video: 'h264', seconds: 60 });
      await waitFor(() => /\[path ext\] stream is ready/.test(server.log()), { timeoutMs: 20_000, what: `ext to be published; log:\n${server.log().slice(-2000)}` });
      const ok = await ffmpegReadFrames(rtmp('ext', pairs.read), undefined, 1);
      assert.ok(ok.frames > 0, `RTMP read with the right password: ${ok.frames} frames; ffmpeg: ${ok.stderr.slice(-400)}`);
      const bad = await ffmpegReadFrames(rtmp('ext', pairs.wrongRead), undefined, 1);
      assert.equal(bad.frames, 0, `RTMP read with a wrong password is refused; ffmpeg: ${bad.stderr.slice(-400)}`);
      const basicWrong = await describe1(server.ports.rtsp, `rtsp://127.0.0.1:${server.ports.rtsp}/ext`, { Authorization: basic(...pairs.wrongRead) });
      assert.equal(basicWrong, 401, 'a wrong Basic header is refused');
      assert.ok(auth.bodies.some((b) => b.password === pairs.publish[1]), 'the external server saw the publisher\'s password');
      const log = server.log();
      assert.match(log, /authentication failed for 'extread'/, `failed attempts are logged:\n${log}`);
      assertNoSecret(log, { ...pairSecrets(pairs), MTX_CONFKEY: CONF_KEY });
    } finally {
      await pub?.stop();
      const r = await server.stop();
      await auth.close();
      assertNoSecret(server.log() + r.stderr, { ...pairSecrets(pairs), MTX_CONFKEY: CONF_KEY });
    }
  });

  it('a refused ICE server or trusted proxy stops the start naming its key and line, never the TURN password', async () => {
    const turnPass = 'TurnPass7xZ';
    for (const [yaml, re] of [
      [`webrtcICEServers: [stun:stun.l.google.com:19302, trun:alice:${turnPass}:127.0.0.1:3478]\n`,
        /invalid value for 'webrtcICEServers' at line \d+: entry 2: invalid ICE server 'trun:alice:xxxxx:127\.0\.0\.1:3478': unknown scheme/],
      [`webrtcICEServers: [turn:alice:${turnPass}:127.0.0.1]\n`, /invalid value for 'webrtcICEServers' at line \d+: entry 1: invalid ICE server 'turn:…': expected/],
      [`webrtcICEServers2:\n  - url: turn:127.0.0.1\n    username: alice\n    password: ${turnPass}\n`, /invalid value for 'webrtcICEServers2' at line \d+: expected a url type:host:port/],
      ['hlsTrustedProxies: [proxy.local]\n', /invalid value for 'hlsTrustedProxies' at line \d+: 'proxy\.local' is not an IP address or CIDR/],
    ] as const) {
      const { dir, confFile } = writeEncrypted(allocatePorts(), yaml);
      const r = await run(process.execPath, serverArgs(confFile), { timeoutMs: 60_000, cwd: dir, env: { ...process.env, MTX_CONFKEY: CONF_KEY } });
      const out = `${r.stdout}\n${r.stderr}`;
      assert.notEqual(r.code, 0, `the server refuses ${JSON.stringify(yaml)}; exit ${r.code}, output:\n${out}`);
      assert.match(out, re, `the error of ${JSON.stringify(yaml)}`);
      assertNoSecret(out, { 'TURN password': turnPass, MTX_CONFKEY: CONF_KEY });
    }
  });

  it('a v1.x file: authInternalUsers passwords, TURN credentials and shared secret, HLS and WHEP Basic logins', async () => {
    const pairs = {
      publish: ['v1pub', 'V1Pub7xU'], viewer: ['v1view', 'V1View7xV'], hashedViewer: ['v1hash', 'V1Hash7xW'],
      wrongViewer: ['v1view', 'V1Wrong7xX'], wrongHashed: ['v1hash', 'V1WrongHash7xY'], turn: ['turnuser', 'TurnPass7xZ'],
    } as const satisfies Record<string, [string, string]>;
    const turnSecret = 'TurnSecret7xA';
    const turnA = allocatePorts();
    const turnB = allocatePorts();
    const webrtc = allocatePorts().rtsp;
    const turns = [
      await startCoturn(turnA.rtsp, [turnA.rtp, turnA.hls], { user: pairs.turn[0], pass: pairs.turn[1] }),
      await startCoturn(turnB.rtsp, [turnB.rtp, turnB.hls], { secret: turnSecret }),
    ];
    const hashedPass = sha256(pairs.hashedViewer[1]);
    const server = await startEncrypted(() => `webrtcAddress: 127.0.0.1:${webrtc}
webrtcICEServers2:
  - url: turn:127.0.0.1:${turnA.rtsp}
    username: ${pairs.turn[0]}
    password: ${pairs.turn[1]}
  - url: turn:127.0.0.1:${turnB.rtsp}
    username: AUTH_SECRET
    password: ${turnSecret}
authMethod: internal
authInternalUsers:
  - user: ${pairs.publish[0]}
    pass: ${pairs.publish[1]}
    permissions: [{action: publish}]
  - user: ${pairs.viewer[0]}
    pass: ${pairs.viewer[1]}
    permissions: [{action: read}]
  - user: ${pairs.hashedViewer[0]}
    pass: '${hashedPass}'
    permissions: [{action: read}]
paths:
  all_others:
`, { MTX_HLSDISABLE: 'no', MTX_WEBRTCDISABLE: 'no' });
    const basicHeader = (pair: readonly [string, string]): Record<string, string> => ({ Authorization: basic(...pair) });
    let pub;
    const handedOut: Record<string, string> = {};
    try {
      await waitFor(() => /\[HLS\] listener opened/.test(server.log()) && /\[WebRTC\] listener opened/.test(server.log()),
        { timeoutMs: 20_000, what: 'the HLS and WebRTC listeners', detail: () => server.log().slice(-2000) });
      pub = ffmpegPublish(`rtsp://${pairs.publish[0]}:${pairs.publish[1]}@127.0.0.1:${server.ports.rtsp}/v1cam`, { video: 'h264', seconds: 120 });
      await waitFor(() => /\[path v1cam\] stream is ready/.test(server.log()), { timeoutMs: 20_000, what: `v1cam to be published; log:\n${server.log().slice(-2000)}` });

      // HLS: FFmpeg with user:pass in the URL (Basic), plain and sha256 passwords; wrong ones refused.
      for (const pair of [pairs.viewer, pairs.hashedViewer]) {
        const hls = await ffmpegDecodeHls(hlsUrl(server, 'v1cam', 'index.m3u8', { user: pair[0], pass: pair[1] }));
        assert.ok(hls.video >= 20, `${pair[0]} over HLS: ${hls.detail}`);
      }
      for (const pair of [pairs.wrongViewer, pairs.wrongHashed]) {
        const r = await httpRequest(server.ports.hls, 'GET', '/v1cam/index.m3u8', undefined, basicHeader(pair));
        assert.equal(r.status, 401, `${pair[0]} with a wrong password over HLS: ${r.status} ${r.text}`);
      }

      // WHEP: the ICE servers a client is handed (TURN credentials, and ones made from the shared secret), then logins.
      const options = await httpRequest(webrtc, 'OPTIONS', '/v1cam/whep');
      const links = [options.headers.link ?? []].flat().join(', ');
      assert.match(links, new RegExp(`<turn:127\\.0\\.0\\.1:${turnA.rtsp}>; rel="ice-server"; username="${pairs.turn[0]}"; credential="${pairs.turn[1]}"`), `Link: ${links}`);
      const made = new RegExp(`<turn:127\\.0\\.0\\.1:${turnB.rtsp}>; rel="ice-server"; username="([^"]+)"; credential="([^"]+)"`).exec(links);
      assert.ok(made, `a TURN server with credentials made from the secret in Link: ${links}`);
      handedOut['TURN credential made from the secret'] = made[2]!;
      const sdp = { 'Content-Type': 'application/sdp' };
      const whep = await httpRequest(webrtc, 'POST', '/v1cam/whep', CHROMIUM_WHEP_OFFER, { ...sdp, ...basicHeader(pairs.viewer) });
      assert.equal(whep.status, 201, `WHEP with the viewer's password: ${whep.status} ${whep.text}\n${server.log().slice(-2000)}`);
      const del = await httpRequest(webrtc, 'DELETE', String(whep.headers.location), undefined, basicHeader(pairs.viewer));
      assert.equal(del.status, 200, `DELETE ${String(whep.headers.location)}: ${del.status} ${del.text}`);
      for (const pair of [pairs.wrongViewer, pairs.wrongHashed]) {
        const r = await httpRequest(webrtc, 'POST', '/v1cam/whep', CHROMIUM_WHEP_OFFER, { ...sdp, ...basicHeader(pair) });
        assert.equal(r.status, 401, `WHEP as ${pair[0]} with a wrong password: ${r.status} ${r.text}`);
      }

      const log = server.log();
      assert.match(log, /DEB .*\[WebRTC\] .*POST \/v1cam\/whep/, `the WHEP requests at debug level:\n${log.slice(-3000)}`);
      assert.match(log, /authentication failed for 'v1view'/, `failed attempts are logged:\n${log.slice(-3000)}`);
      assertNoSecret(log, {
        ...pairSecrets(pairs), 'sha256 pass': hashedPass.slice('sha256:'.length), 'TURN secret': turnSecret, ...handedOut, MTX_CONFKEY: CONF_KEY,
      });
    } finally {
      await pub?.stop();
      const r = await server.stop();
      for (const t of turns) await t.stop();
      assertNoSecret(server.log() + r.stderr, { ...pairSecrets(pairs), 'TURN secret': turnSecret, ...handedOut, MTX_CONFKEY: CONF_KEY });
    }
  });

  it('v1.x authHTTPAddress and authJWTJWKS with user:pass, and the logins and tokens sent over RTSP and HLS', async () => {
    const pairs = {
      authUrl: ['hookuser', 'HttpAuth7xB'], jwksUrl: ['jwksuser', 'JwksPass7xC'], publish: ['hpub', 'HPub7xD'], read: ['hread', 'HRead7xE'],
      wrongRead: ['hread', 'HWrong7xF'],
    } as const satisfies Record<string, [string, string]>;
    const auth = await startAuthServer((b) => (b.user === pairs.publish[0] && b.password === pairs.publish[1])
      || (b.user === pairs.read[0] && b.password === pairs.read[1]));
    const key = makeJwtKey('RS256');
    const jwks = await startJwksServer([key]);
    const token = (perms: unknown[], exp = 600): string => signJwt(key, { sub: 'alice', exp: Math.floor(Date.now() / 1000) + exp, mediamtx_permissions: perms });
    const tokens = { good: token([{ action: 'publish' }, { action: 'read' }]), expired: token([{ action: 'read' }], -60) };
    const withUser = (url: string, [u, p]: readonly [string, string]): string => url.replace('http://', `http://${u}:${p}@`);
    const secrets = { ...pairSecrets(pairs), 'good token': tokens.good, 'expired token': tokens.expired, MTX_CONFKEY: CONF_KEY };
    const stops: (() => Promise<unknown>)[] = [() => auth.close(), () => jwks.close()];
    try {
      // authMethod http: the server's URL carries a password; RTSP Basic and HLS Basic logins go to it.
      const http = await startEncrypted(() => `authMethod: http\nauthHTTPAddress: ${withUser(auth.url, pairs.authUrl)}\npaths:\n  all_others:\n`, { MTX_HLSDISABLE: 'no' });
      let pub;
      try {
        pub = ffmpegPublish(`rtsp://${pairs.publish[0]}:${pairs.publish[1]}@127.0.0.1:${http.ports.rtsp}/httpcam`, { video: 'h264', seconds: 120 });
        await waitFor(() => /\[path httpcam\] stream is ready/.test(http.log()), { timeoutMs: 20_000, what: `httpcam to be published; log:\n${http.log().slice(-2000)}` });
        const hls = await ffmpegDecodeHls(hlsUrl(http, 'httpcam', 'index.m3u8', { user: pairs.read[0], pass: pairs.read[1] }));
        assert.ok(hls.video >= 20, `HLS with the reader's password: ${hls.detail}`);
        const wrong = await httpRequest(http.ports.hls, 'GET', '/httpcam/index.m3u8', undefined, { Authorization: basic(...pairs.wrongRead) });
        assert.equal(wrong.status, 401, `HLS with a wrong password: ${wrong.status} ${wrong.text}`);
        assert.ok(auth.bodies.some((b) => b.password === pairs.read[1]), `the HTTP auth server saw the reader's password: ${auth.bodies.length} bodies`);
        const log = http.log();
        assert.match(log, /authentication failed for 'hread'/, `failed attempts are logged:\n${log.slice(-3000)}`);
        assertNoSecret(log, secrets);
      } finally {
        await pub?.stop();
        const r = await http.stop();
        assertNoSecret(http.log() + r.stderr, secrets);
      }

      // authMethod jwt: the JWKS URL carries a password; tokens come in the RTSP query and HLS Authorization: Bearer.
      const jwt = await startEncrypted(() => `authMethod: jwt\nauthJWTJWKS: ${withUser(jwks.url, pairs.jwksUrl)}\npaths:\n  all_others:\n`, { MTX_HLSDISABLE: 'no' });
      try {
        const pubJwt = ffmpegPublish(`rtsp://127.0.0.1:${jwt.ports.rtsp}/jwtcam?token=${tokens.good}`, { video: 'h264', seconds: 120 });
        stops.push(() => pubJwt.stop());
        await waitFor(() => /\[path jwtcam\] stream is ready/.test(jwt.log()), { timeoutMs: 20_000, what: `jwtcam to be published; log:\n${jwt.log().slice(-2000)}` });
        assert.ok(jwks.fetches > 0, `the JWKS was fetched: ${jwks.fetches}`);
        const bearer = (t: string): Record<string, string> => ({ Authorization: `Bearer ${t}` });
        const ok = await waitForPlaylist(jwt.ports.hls, '/jwtcam/index.m3u8', bearer(tokens.good));
        assert.equal(ok.status, 200, `HLS with a good token: ${ok.status} ${ok.text}`);
        const old = await httpRequest(jwt.ports.hls, 'GET', '/jwtcam/index.m3u8', undefined, bearer(tokens.expired));
        assert.equal(old.status, 401, `HLS with an expired token: ${old.status} ${old.text}`);
        await waitFor(() => /token is expired/.test(jwt.log()), { timeoutMs: 10_000, what: 'the expired token to be logged', detail: () => jwt.log().slice(-2000) });
        assertNoSecret(jwt.log(), { ...secrets, 'good token signature': tokens.good.split('.')[2]!, 'expired token signature': tokens.expired.split('.')[2]! });
      } finally {
        const r = await jwt.stop();
        assertNoSecret(jwt.log() + r.stderr, secrets);
      }
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  });
});
