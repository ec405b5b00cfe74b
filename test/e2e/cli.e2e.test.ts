import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeRunning, run, start, waitFor, type RunResult, type Running } from '../support/process.ts';
import { allocatePorts, listenerConf, logTail, startServer } from '../support/server.ts';
import { encryptConf } from '../../src/conf/index.ts';
import { bindError } from '../support/ports.ts';
import { httpGet } from '../support/http.ts';
import { ffmpegPublish } from '../support/media.ts';
import { hlsUrl } from '../support/hls-media.ts';
import { closeWhepViewers, openWhepViewer, type WhepViewer } from '../support/whep-viewer.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'main.ts');
const TSX = import.meta.resolve('tsx');
const SHIPPED = readFileSync(join(ROOT, 'mediamtx.yml'), 'utf8');

// Every folder this file creates, removed at the end.
const tmpDirs: string[] = [];
after(() => { for (const d of tmpDirs) rmSync(d, { recursive: true, force: true }); });

function tmpDir(prefix = 'mtx-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

function mtx(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<RunResult> {
  return run(process.execPath, ['--import', TSX, MAIN, ...args], { timeoutMs: 20_000, cwd, env: { ...process.env, ...env } });
}

function tmpConf(text: string): string {
  const f = join(tmpDir(), 'conf.yml');
  writeFileSync(f, text);
  return f;
}

/** What a run printed, for assertion messages. */
function shown(r: RunResult): string {
  return `exit code ${r.code}\n--- stderr ---\n${r.stderr.slice(-1500) || '(empty)'}\n--- stdout ---\n${r.stdout.slice(-1500) || '(empty)'}`;
}

/** 1-based line of `key:` at the start of a line of the shipped file. */
function shippedLine(key: string): number {
  return SHIPPED.split('\n').findIndex((l) => l.startsWith(`${key}:`)) + 1;
}

describe('command line', () => {
  it('prints --version and --help', async () => {
    const v = await mtx(['--version']);
    assert.equal(v.code, 0, shown(v));
    assert.match(v.stdout, /^v\d+\.\d+\.\d+\n$/, shown(v));
    const h = await mtx(['--help']);
    assert.equal(h.code, 0, shown(h));
    assert.match(h.stdout, /Usage: mediamtx \[options\] \[confpath\]/, shown(h));
  });

  it('--help and the package description say what is built (RTSP, RTMP, HLS, WebRTC) and what is not (recording, playback, SRT)', async () => {
    const h = await mtx(['--help']);
    const text = h.stdout.replace(/\s+/g, ' ');
    assert.match(text, /Built: RTSP\/RTSPS, RTMP\/RTMPS, HLS .* and WebRTC \(WHEP\/WHIP\)/, shown(h));
    assert.match(text, /Not built yet: recording, playback, SRT/, shown(h));
    // The order of the default files is MediaMTX's: the legacy rtsp-simple-server.yml wins over mediamtx.yml.
    assert.match(h.stdout.replace(/\s+/g, ' '), /mediamtx\.yml is read, unless rtsp-simple-server\.yml exists/, shown(h));
    const description = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { description: string }).description;
    assert.match(description, /HLS, WebRTC; recording, playback and SRT not yet/, `package.json description: ${description}`);
  });

  it('--help names every MEDIAMTX_TS_ tuning variable the server reads', async () => {
    const read = new Set<string>();
    for (const f of readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      for (const m of readFileSync(join(ROOT, 'src', f), 'utf8').matchAll(/'(MEDIAMTX_TS_[A-Z_]+)'/g)) read.add(m[1]!);
    }
    assert.ok(read.size >= 5, `the source should read the tuning variables by literal name, found ${[...read].join(', ')}`);
    const h = await mtx(['--help']);
    for (const name of read) assert.match(h.stdout, new RegExp(`\\b${name}=`), `--help should name ${name}: ${shown(h)}`);
  });

  it('reads rtsp-simple-server.yml instead of mediamtx.yml when both exist, as the README says', async () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'mediamtx.yml'), 'logLevel: [broken\n');
    writeFileSync(join(dir, 'rtsp-simple-server.yml'), 'readBufferCount: 3\n');
    const r = await mtx([], {}, dir);
    assert.equal(r.code, 1, shown(r));
    assert.match(r.stderr, /rtsp-simple-server\.yml: invalid value for 'readBufferCount' at line 1/, shown(r));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    assert.match(readme, /`rtsp-simple-server\.yml` is read instead when it exists/, 'README states the legacy name wins');
  });

  for (const [name, text, message] of [
    ['an unknown key', 'logLevel: info\nrtspAdress: :1\n', /unknown key 'rtspAdress' at line 2/],
    ['a wrong type', 'readTimeout: [1]\n', /invalid value for 'readTimeout' at line 1/],
    ['a bad value', 'logLevel: info\nreadBufferCount: 100\n', /invalid value for 'readBufferCount' at line 2: must be a power of two/],
    ['broken YAML', 'paths:\n  a: [\n', /invalid YAML at line 2 \(in 'paths\.a'\)/],
    ['an unclosed quote', 'logLevel: info\nrtspAddress: ":8554\nrtmpAddress: :1935\n', /invalid YAML at line 2 \(in 'rtspAddress'\)/],
    ['a duplicate key', 'logLevel: info\nlogLevel: debug\n', /invalid YAML at line 2: duplicate key 'logLevel'/],
    ['a path rule', 'paths:\n  cam:\n    readUser: u\n', /invalid value for 'paths\.cam\.readUser' at line 3: 'paths\.cam\.readPass' must be set too/],
  ] as const) {
    it(`refuses ${name} with a message naming the key and line, and no stack trace`, async () => {
      const r = await mtx([tmpConf(text)]);
      assert.equal(r.code, 1, shown(r));
      assert.match(r.stderr, message, shown(r));
      assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /, shown(r));
    });
  }

  it('refuses a listen address without a colon in the shipped mediamtx.yml at load, naming the key and its line', async () => {
    for (const key of ['rtspAddress', 'rtmpAddress']) {
      const r = await mtx([tmpConf(SHIPPED.replace(new RegExp(`^${key}: .*$`, 'm'), `${key}: 8554`))]);
      assert.equal(r.code, 1, shown(r));
      assert.match(r.stderr, new RegExp(`invalid value for '${key}' at line ${shippedLine(key)}: expected an address \\[host\\]:port`), shown(r));
      assert.doesNotMatch(r.stdout, /listener opened/, shown(r));
    }
  });

  it('refuses an empty MTX_RTSPADDRESS= naming the variable', async () => {
    const r = await mtx([], { MTX_RTSPADDRESS: '' });
    assert.equal(r.code, 1, shown(r));
    assert.match(r.stderr, /invalid value for 'rtspAddress' in environment variable MTX_RTSPADDRESS: expected an address/, shown(r));
    const legacy = await mtx([], { RTSP_RTMPADDRESS: '1935' });
    assert.match(legacy.stderr, /invalid value for 'rtmpAddress' in environment variable RTSP_RTMPADDRESS/, shown(legacy));
  });

  it('never prints a password from the configuration in an error', async () => {
    const r = await mtx([tmpConf('paths:\n  cam:\n    source: ftp://cam:Hidden9Pass@10.0.0.1/x\n')]);
    assert.equal(r.code, 1, shown(r));
    assert.match(r.stderr, /'paths\.cam\.source' at line 3: 'ftp:\/\/cam:xxxxx@10\.0\.0\.1\/x'/, shown(r));
    assert.doesNotMatch(r.stderr + r.stdout, /Hidden9Pass/, shown(r));
  });

  it('refuses a missing explicit file', async () => {
    const r = await mtx(['/nonexistent/mediamtx.yml']);
    assert.equal(r.code, 1, shown(r));
    assert.match(r.stderr, /does not exist/, shown(r));
  });

  it('applies MTX_* overrides and opens an encrypted config with MTX_CONFKEY', async () => {
    const p = allocatePorts();
    const conf = listenerConf(p).replace(`rtspAddress: 127.0.0.1:${p.rtsp}`, 'rtspAddress: 127.0.0.1:1');
    const file = tmpConf(encryptConf(conf, 'the key'));
    const proc = start(process.execPath, ['--import', TSX, MAIN, file], {
      timeoutMs: 20_000, cwd: ROOT, env: { ...process.env, MTX_CONFKEY: 'the key', MTX_RTSPADDRESS: `127.0.0.1:${p.rtsp}` },
    });
    let out = '';
    proc.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await waitFor(() => out.includes(`listener opened on 127.0.0.1:${p.rtsp}`), { timeoutMs: 15_000, what: `the overridden listener; log:\n${out}` });
    // The SIGINT may land while later listeners still open: the server must still shut down gracefully (exit 0).
    const r = await proc.stop();
    assert.equal(r.code, 0, shown(r));
    assert.doesNotMatch(out, /the key/, out);
    const wrong = await mtx([file], { MTX_CONFKEY: 'not the key' });
    assert.equal(wrong.code, 1, shown(wrong));
    assert.match(wrong.stderr, /could not be decrypted with MTX_CONFKEY: wrong key/, shown(wrong));
  });

  it('starts on the shipped mediamtx.yml with MediaMTX\'s default ports and warns about nothing: all it enables is built', async () => {
    const proc = start(process.execPath, ['--import', TSX, MAIN], { timeoutMs: 20_000, cwd: ROOT });
    let out = '';
    proc.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await waitFor(() => /listener opened on :8554 \(TCP\), :8000 \(UDP\/RTP\), :8001 \(UDP\/RTCP\)/.test(out), { timeoutMs: 15_000, what: 'the default listener' });
    assert.doesNotMatch(out, /WAR these features are not implemented yet/, out);
    assert.match(out, /configuration loaded from .*mediamtx\.yml/, out);
    const r = await proc.stop();
    assert.equal(r.code, 0, shown(r));
  });
});

/** True while `pid` runs; a zombie (exited, waiting to be reaped by whoever adopted it) counts as gone. */
function pidRuns(pid: number): boolean {
  try { return !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

describe('shutdown', () => {
  it('exits 0 within 5 s of SIGTERM with API, metrics, pprof (a profile running), HLS, WebRTC and a hook with a child of its own on, and leaves none of them', async () => {
    const spare = allocatePorts();
    const [api, metrics, pprof, webrtc] = [spare.rtsp, spare.rtsps, spare.rtp, spare.rtcp];
    let hookDir = '';
    const server = await startServer((dir) => {
      hookDir = dir;
      // The hook's child is a background job, which a non-interactive shell starts ignoring SIGINT (POSIX XCU §2.11):
      // only the SIGKILL to the hook's process group ends it.
      writeFileSync(join(dir, 'hook.sh'), `sleep 300 &\necho $! > "${dir}/child.pid"\necho $$ > "${dir}/hook.pid"\nwait\n`);
      return `api: yes\napiAddress: 127.0.0.1:${api}\nmetrics: yes\nmetricsAddress: 127.0.0.1:${metrics}\npprof: yes\npprofAddress: 127.0.0.1:${pprof}\n`
        + `webrtcAddress: 127.0.0.1:${webrtc}\nwebrtcICEServers: []\npaths:\n  cam:\n    runOnInit: sh ${dir}/hook.sh\n`;
    }, { MTX_WEBRTCDISABLE: 'no' }, { hls: true });
    const clients: Running[] = [];
    let viewer: WhepViewer | undefined;
    try {
      await server.waitForLog(/\[WebRTC\] listener opened/);
      await server.waitForLog(/\[pprof\] listener opened/);
      // A 30 s CPU profile, still being taken when the signal comes.
      const profile = httpGet(pprof, '/debug/pprof/profile?seconds=30').then(() => undefined, () => undefined);
      clients.push(ffmpegPublish(server.url('cam'), { video: 'h264', seconds: 60 }));
      await server.waitForLog(/\[path cam\] stream is ready/, 20_000);
      clients.push(start('ffmpeg', ['-nostdin', '-loglevel', 'warning', '-i', hlsUrl(server, 'cam'), '-t', '60', '-c', 'copy', '-f', 'null', '-'], { timeoutMs: 80_000 }));
      viewer = await openWhepViewer(`http://127.0.0.1:${webrtc}/cam/whep`);
      const v = viewer;
      await waitFor(async () => {
        const muxers = (await httpGet(api, '/v1/hlsmuxers/list')).json as { items?: Record<string, { bytesSent: number }> } | undefined;
        return v.frames >= 10 && (muxers?.items?.cam?.bytesSent ?? 0) > 0 && existsSync(join(hookDir, 'hook.pid')) && existsSync(join(hookDir, 'child.pid'));
      }, {
        timeoutMs: 20_000, what: 'WebRTC frames, an HLS muxer serving and the hook with its child',
        detail: () => `viewer: ${v.frames} frames (${v.state()})\n${clients.map((c, i) => describeRunning(`client ${i}`, c)).join('\n')}\n${logTail(server)}`,
      });
      const hookPids = ['hook.pid', 'child.pid'].map((f) => Number(readFileSync(join(hookDir, f), 'utf8').trim()));
      assert.ok(hookPids.every(pidRuns), `the hook and its child run: pids ${hookPids.join(', ')}`);
      const ports = [['tcp', server.ports.rtsp], ['tcp', server.ports.rtmp], ['tcp', server.ports.hls], ['tcp', api], ['tcp', metrics], ['tcp', pprof], ['tcp', webrtc]] as const;

      const t0 = Date.now();
      // No SIGKILL before 10 s, so that a slow shutdown shows as such instead of as a killed process.
      const code = await server.stop('SIGTERM', { killAfterMs: 10_000 });
      const ms = Date.now() - t0;
      assert.equal(code, 0, `exit code after SIGTERM\n${logTail(server)}`);
      assert.ok(ms < 5000, `the shutdown took ${ms} ms\n${logTail(server)}`);
      const busy = (await Promise.all(ports.map(async ([kind, port]) => `${kind} ${port}: ${await bindError(kind, port) ?? 'free'}`))).filter((p) => !p.endsWith('free'));
      assert.deepEqual(busy, [], 'every listener\'s port is free right after the exit');
      // The group's SIGKILL was sent before the exit; the kernel may take a moment to end what it reached.
      await waitFor(() => !hookPids.some(pidRuns), { timeoutMs: 1000, what: 'the hook and its child to be gone', detail: () => `still running: ${hookPids.filter(pidRuns).join(', ')}` });
      // The profile's request ends with the server (answered or cut); only its settling is awaited here.
      await profile;
    } finally {
      viewer?.close();
      closeWhepViewers();
      await Promise.all(clients.map((c) => c.stop('SIGKILL')));
      await server.stop('SIGKILL');
    }
  });
});

describe('the mediamtx bin', () => {
  /** A copy of the package as `npm ci` leaves it in a fresh clone: sources and node_modules, no dist/. */
  function freshInstall(): string {
    const dir = tmpDir('mtx-cli-install-');
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'mediamtx.yml', 'bin', 'src', 'scripts', 'native', 'node_modules']) {
      if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dir, f), { recursive: true, verbatimSymlinks: true });
    }
    return dir;
  }

  /** `npx mediamtx …` in `dir`, with a private npm cache (npx links the package's bin there) and no network. */
  function npx(dir: string, args: string[]): Promise<RunResult> {
    const env = { ...process.env, npm_config_cache: join(dir, '.npm-cache'), npm_config_update_notifier: 'false', npm_config_offline: 'true' };
    return run('npx', ['--no-install', 'mediamtx', ...args], { timeoutMs: 60_000, cwd: dir, env });
  }

  it('works with npx right after npm ci, before anything builds dist/', async () => {
    const dir = freshInstall();
    const h = await npx(dir, ['--help']);
    assert.equal(h.code, 0, shown(h));
    assert.match(h.stdout, /Usage: mediamtx \[options\] \[confpath\]/, shown(h));
    const v = await npx(dir, ['--version']);
    assert.match(v.stdout, /^v\d+\.\d+\.\d+\n$/, shown(v));
  });

  it('runs dist/ once built, and the sources when they are newer than dist/', async () => {
    const dir = freshInstall();
    // The project's own build (type check, then the esbuild bundle of scripts/build-dist.ts).
    const build = await run('npm', ['run', '--silent', 'build'], { timeoutMs: 120_000, cwd: dir });
    assert.equal(build.code, 0, shown(build));
    // Source maps beside the chunks, linked, naming src/ (what `node --enable-source-maps` maps stack traces with).
    assert.match(readFileSync(join(dir, 'dist', 'main.js'), 'utf8'), /\/\/# sourceMappingURL=main\.js\.map\n?$/);
    const map = JSON.parse(readFileSync(join(dir, 'dist', 'main.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    assert.ok(map.sources.includes('../src/main.ts'), `sources: ${map.sources.join(', ')}`);
    assert.equal(map.sourcesContent, undefined, 'the maps point at src/ rather than carrying it');
    // A source edited after the build: the bin must run it, not the stale dist/.
    const versionFile = join(dir, 'src', 'app', 'version.ts');
    writeFileSync(versionFile, readFileSync(versionFile, 'utf8').replace(/'v[^']*'/, '\'v9.9.9\''));
    const later = new Date(Date.now() + 5000);
    utimesSync(versionFile, later, later);
    const fromSources = await npx(dir, ['--version']);
    assert.equal(fromSources.stdout, 'v9.9.9\n', shown(fromSources));
    // Without tsx (an install without dev dependencies), the built dist/ runs.
    rmSync(join(dir, 'node_modules', 'tsx'), { recursive: true });
    const fromDist = await npx(dir, ['--version']);
    assert.match(fromDist.stdout, /^v\d+\.\d+\.\d+\n$/, shown(fromDist));
    assert.notEqual(fromDist.stdout, 'v9.9.9\n', shown(fromDist));
  });
});

describe('test commands', () => {
  it('tell a non-root user to use sudo and root to run npm test as is', async () => {
    for (const script of ['test.sh', 'e2e.sh']) {
      const r = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', join(ROOT, 'scripts', script)], {
        timeoutMs: 30_000, cwd: ROOT, env: { ...process.env, HOME: '/nonexistent' },
      });
      assert.equal(r.code, 1, `${script}: ${shown(r)}`);
      assert.match(r.stderr, /as root: npm test; otherwise: sudo npm test/, `${script}: ${shown(r)}`);
    }
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, /As root \(e\.g\. in a container\):\nnpm test\n#\s+otherwise:\nsudo npm test/, 'README gives both commands');
  });
});
