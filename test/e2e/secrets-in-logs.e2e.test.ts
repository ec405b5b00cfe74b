import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start, waitFor, type RunResult } from '../support/process.ts';
import { allocatePorts, listenerConf, type ServerPorts } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { ffmpegPublishRtmp } from '../support/rtmp-media.ts';
import { RawRtspClient } from '../support/rtsp-raw-client.ts';
import { startAuthServer } from '../support/auth-server.ts';
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

/** Starts the server on an encrypted configuration (MTX_CONFKEY) at logLevel debug, logging to stdout and a file. */
async function startEncrypted(yaml: (ports: ServerPorts) => string, env: NodeJS.ProcessEnv = {}): Promise<LoggedServer> {
  const ports = allocatePorts();
  const dir = mkdtempSync(join(tmpdir(), 'mtx-secrets-'));
  tmpDirs.push(dir);
  const logFile = join(dir, 'mediamtx.log');
  const plain = `${listenerConf(ports)}logLevel: debug\nlogDestinations: [stdout, file]\nlogFile: ${logFile}\n${yaml(ports)}`;
  const confFile = join(dir, 'mediamtx.yml');
  writeFileSync(confFile, encryptConf(plain, CONF_KEY));
  const proc = start(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'main.ts'), confFile], {
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
});
