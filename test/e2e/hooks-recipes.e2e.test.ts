import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { logTail, startServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { describeRunning, run, waitFor, type Running } from '../support/process.ts';
import { publishRaw } from '../support/rtmp-raw-publisher.ts';
import { readWhenWritten } from '../support/hook-files.ts';
import { x264FixtureFlv } from '../support/h264-fixture.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The YAML block of the README's "Hooks: recipes" section, as a user would copy it. */
function readmeRecipes(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Hooks: recipes'));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'the README has the recipes block');
  return m[1]!;
}

describe('hooks', () => {
  it('the README recipes work as written: record with runOnReady, re-encode to another path, pull a camera on demand', async () => {
    // The one change: the camera's address is a path of this server, behind the recipe's credentials.
    const yaml = readmeRecipes().replace('192.168.1.10:554/stream', 'localhost:$RTSP_PORT/upstream')
      + '  upstream:\n    readUser: admin\n    readPass: secret\n';
    const server = await startServer(yaml);
    mkdirSync(join(server.dir, 'recordings'));
    const running: Running[] = [];
    try {
      // Record: a publisher on cam7 makes runOnReady record it into recordings/cam7-00000.ts.
      const cam = ffmpegPublish(server.url('cam7'), { video: 'h264', audio: 'aac', seconds: 60 });
      running.push(cam);
      const recorded = join(server.dir, 'recordings', 'cam7-00000.ts');
      await waitFor(() => existsSync(recorded) && readFileSync(recorded).length > 100_000, { timeoutMs: 20_000, what: 'the recording to grow', detail: () => logTail(server) });
      await cam.stop();
      await server.waitForLog(/\[path cam7\] stream is not available anymore/);
      const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', recorded], { timeoutMs: 20_000 });
      // ffprobe lists a TS file's streams once per program too: compare the set.
      assert.deepEqual([...new Set(probe.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== ''))].sort(), ['aac', 'h264'], `ffprobe ${readdirSync(join(server.dir, 'recordings')).join(',')}: ${probe.stderr}`);

      // Re-encode: publishing `original` makes runOnReady publish a 640x360 copy on `small`.
      running.push(ffmpegPublish(server.url('original'), { video: 'h264', audio: 'aac', seconds: 60 }));
      await server.waitForLog(/\[path small\] stream is ready/, 30_000);
      const small = await ffmpegReadFrames(server.url('small'), 'tcp', 1);
      assert.ok(small.frames >= 20, `small decodes: ${small.detail}`);
      assert.match(small.stderr, /640x360/, 'the copy is 640x360');

      // On demand: reading `camera` starts the pull from `upstream` with the recipe's credentials; it stops 10 s after.
      running.push(ffmpegPublish(server.url('upstream'), { video: 'h264', seconds: 60 }));
      await server.waitForLog(/\[path upstream\] stream is ready/, 20_000);
      assert.doesNotMatch(server.logs(), /\[path camera\] runOnDemand command started/, 'nothing pulls before a reader comes');
      const cameraRead = await ffmpegReadFrames(server.url('camera'), 'tcp', 1);
      assert.ok(cameraRead.frames >= 20, `camera decodes: ${cameraRead.detail}\n${logTail(server)}`);
      await server.waitForLog(/\[path camera\] runOnDemand command stopped: not needed anymore/, 20_000);
    } finally {
      await Promise.all(running.map((p) => p.stop()));
      await server.stop();
    }
  });

  it('gives hooks the documented environment and never lets a query reach a shell', async () => {
    const server = await startServer((dir) => `runOnConnect: sh -c 'env > ${dir}/connect-$MTX_CONN_ID.env'
paths:
  "~^env(\\\\d+)$":
    runOnReady: sh -c 'env > ${dir}/ready.env'
    runOnRead: sh -c 'env > ${dir}/read.env; echo $MTX_QUERY > ${dir}/query.txt'
`);
    const running: Running[] = [];
    try {
      running.push(ffmpegPublish(server.url('env42'), { video: 'h264', seconds: 60 }));
      await server.waitForLog(/\[path env42\] stream is ready/, 20_000);
      const pwned = join(server.dir, 'pwned');
      const query = `a=$(touch ${pwned})&b=\`touch ${pwned}\`;touch ${pwned}`;
      const r = await ffmpegReadFrames(`${server.url('env42')}?${encodeURI(query)}`, 'tcp', 1);
      assert.ok(r.frames > 0, r.detail);
      const read = join(server.dir, 'read.env');
      await waitFor(() => existsSync(read) && existsSync(join(server.dir, 'query.txt')), { timeoutMs: 5000, what: 'runOnRead to write its files', detail: () => logTail(server) });
      const env = (file: string): Map<string, string> => new Map(readFileSync(join(server.dir, file), 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      const onRead = env('read.env');
      assert.equal(onRead.get('MTX_PATH'), 'env42');
      assert.equal(onRead.get('RTSP_PATH'), 'env42');
      assert.equal(onRead.get('RTSP_PORT'), String(server.ports.rtsp));
      assert.equal(onRead.get('G1'), '42');
      assert.equal(onRead.get('MTX_READER_TYPE'), 'rtspSession');
      assert.match(onRead.get('MTX_READER_ID') ?? '', /^[0-9a-f-]{36}$/);
      assert.doesNotMatch(onRead.get('MTX_QUERY') ?? '', /[$`;() ]/, `MTX_QUERY is URL-encoded: ${onRead.get('MTX_QUERY')}`);
      const ready = env('ready.env');
      assert.equal(ready.get('MTX_SOURCE_TYPE'), 'rtspSession');
      assert.match(ready.get('MTX_SOURCE_ID') ?? '', /^[0-9a-f-]{36}$/);
      const connectFiles = readdirSync(server.dir).filter((f) => f.startsWith('connect-'));
      assert.ok(connectFiles.length >= 2, `runOnConnect ran per connection: ${connectFiles.join(',')}`);
      const connect = env(connectFiles[0]!);
      assert.equal(connect.get('MTX_CONN_TYPE'), 'rtspConn');
      assert.equal(connect.get('MTX_PATH'), '');
      assert.equal(existsSync(pwned), false, 'nothing in the query was run');
    } finally {
      await Promise.all(running.map((p) => p.stop()));
      await server.stop();
    }
  });

  it('refuses publishers whose path name carries $(...), backquotes or ;, so that no hook runs what the name says', async () => {
    // The hook puts the name inside a shell command line: $MTX_PATH is expanded before sh reads it, so only the
    // path-name check stands between such a name and the shell. The hooks run in the server's folder (its cwd).
    const server = await startServer((dir) => `paths:
  all:
    runOnReady: sh -c 'echo "$MTX_PATH" >> ${dir}/ready.txt'
`);
    const running: Running[] = [];
    try {
      const names = ['inj$(touch pwned)', 'inj`touch pwned`', 'inj;touch pwned'];
      const h264 = x264FixtureFlv();
      for (const name of names) {
        // RTSP: the name percent-encoded in the URL, as a client must send it.
        const pub = ffmpegPublish(server.url(encodeURIComponent(name)), { video: 'h264', seconds: 5 });
        running.push(pub);
        const r = await pub.done;
        assert.notEqual(r.code, 0, `FFmpeg publishing to ${JSON.stringify(name)} over RTSP is refused: ${describeRunning('publisher', pub)}\n${logTail(server)}`);
        // RTMP: the name as it is in the publish command (RTMP names are not URL-encoded). The server takes the path once
        // it knows the tracks: the publisher sends x264's stream, again and again, until the server closes it (at most 10 s).
        const raw = publishRaw(server.ports.rtmp, 'live', name, { metadata: { videocodecid: 7 }, headers: [h264.header], media: h264.frames, loop: true });
        let timer: NodeJS.Timeout | undefined;
        const closed = await Promise.race([raw.done.then(() => true), new Promise<boolean>((r) => { timer = setTimeout(() => r(false), 10_000); })]);
        clearTimeout(timer);
        raw.socket.destroy();
        assert.ok(closed, `the server closes an RTMP publisher of ${JSON.stringify(name)}\n${logTail(server)}`);
      }
      const refusals = (): number => (server.logs().match(/invalid path name/g) ?? []).length;
      await waitFor(() => refusals() >= 2 * names.length, { timeoutMs: 10_000, what: 'each RTSP and RTMP publish to be refused for its name', detail: () => logTail(server) });
      // A valid name on the same entry runs the very same hook: it is there, and only the names kept it from running.
      running.push(ffmpegPublish(server.url('injok'), { video: 'h264', seconds: 30 }));
      assert.equal(await readWhenWritten(join(server.dir, 'ready.txt'), 20_000), 'injok\n', `runOnReady ran for the valid name only\n${logTail(server)}`);
      assert.doesNotMatch(server.logs(), /\[path inj[$`;]/, `no path with such a name was made\n${logTail(server)}`);
      assert.deepEqual(readdirSync(server.dir).filter((f) => f.includes('pwned')), [], 'nothing in a path name was run');
    } finally {
      await Promise.all(running.map((p) => p.stop()));
      await server.stop();
    }
  });
});
