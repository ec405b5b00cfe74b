import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { describeRun, describeRunning, type Running } from '../support/process.ts';
import { startAuthServer } from '../support/auth-server.ts';

const sha256 = (s: string): string => `sha256:${createHash('sha256').update(s).digest('base64')}`;

const PATHS = `paths:
  plain:
    publishUser: pubuser
    publishPass: pubpass
    readUser: reader
    readPass: readpass
  hashed:
    publishUser: ${sha256('pubuser')}
    publishPass: ${sha256('pubpass')}
    readUser: ${sha256('reader')}
    readPass: ${sha256('readpass')}
  localonly:
    readIPs: [127.0.0.1/32]
  elsewhere:
    readIPs: [10.0.0.0/8]
  all:
`;

/** Publishes until stopped (the test stops it), so no reader outlasts it however slow the machine is. */
async function publishAndWait(server: Awaited<ReturnType<typeof startServer>>, url: string, path: string): Promise<Running> {
  const pub = ffmpegPublish(url, { video: 'h264', transport: 'tcp', seconds: 300 });
  try {
    await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 15_000);
  } catch (err) {
    await pub.stop();
    throw new Error(`${(err as Error).message}\n${describeRunning('publisher', pub)}`);
  }
  return pub;
}

for (const method of ['basic', 'digest'] as const) {
  describe(`RTSP authentication with ${method}`, () => {
    it('accepts right credentials and refuses wrong ones, for publish and read, plain and sha256', async () => {
      const server = await startServer(`authMethods: [${method}]\n${PATHS}`);
      const pubs: Running[] = [];
      try {
        for (const path of method === 'basic' ? ['plain', 'hashed'] : ['plain']) {
          const bad = ffmpegPublish(server.url(path, { user: 'pubuser', pass: 'nope' }), { video: 'h264', seconds: 3 });
          const badResult = await bad.done;
          assert.notEqual(badResult.code, 0, `${path}: a publisher with a wrong password is refused\n${describeRun('ffmpeg', badResult)}`);
          const pub = await publishAndWait(server, server.url(path, { user: 'pubuser', pass: 'pubpass' }), path);
          pubs.push(pub);
          const ok = await ffmpegReadFrames(server.url(path, { user: 'reader', pass: 'readpass' }), 'tcp');
          assert.ok(ok.frames >= 20, `${path}, right credentials: ${ok.detail}\n${describeRunning('publisher', pub)}\n${logTail(server)}`);
          const wrong = await ffmpegReadFrames(server.url(path, { user: 'reader', pass: 'wrong' }), 'tcp');
          assert.equal(wrong.frames, 0, `${path}, wrong password: ${wrong.detail}`);
          assert.match(wrong.stderr, /401/, `${path}, wrong password: ${wrong.detail}`);
          const none = await ffmpegReadFrames(server.url(path), 'tcp');
          assert.equal(none.frames, 0, `${path}, no credentials: ${none.detail}`);
        }
        // Logged before the 401 goes out, but the log reaches this process through a pipe: wait for the line.
        await server.waitForLog(/authentication failed for 'reader' from 127\.0\.0\.1/);
        assert.doesNotMatch(server.logs(), /readpass|pubpass/, `passwords never appear in logs\n${logTail(server)}`);
      } finally {
        for (const p of pubs) await p.stop();
        await server.stop();
      }
    });
  });
}

describe('RTSP IP allow-lists and failed-attempt delay', () => {
  it('lets 127.0.0.1 read a path limited to it and refuses a path limited to 10.0.0.0/8', async () => {
    const server = await startServer(PATHS);
    try {
      const a = await publishAndWait(server, server.url('localonly'), 'localonly');
      const b = await publishAndWait(server, server.url('elsewhere'), 'elsewhere').catch(async (err: unknown) => { await a.stop(); throw err; });
      try {
        const ok = await ffmpegReadFrames(server.url('localonly'), 'tcp');
        assert.ok(ok.frames >= 20, `localonly: ${ok.detail}\n${describeRunning('publisher', a)}\n${logTail(server)}`);
        const refused = await ffmpegReadFrames(server.url('elsewhere'), 'tcp');
        assert.equal(refused.frames, 0, `elsewhere: ${refused.detail}`);
      } finally {
        await a.stop();
        await b.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it('delays every failed attempt that carried credentials', async () => {
    const server = await startServer(PATHS);
    try {
      const t0 = Date.now();
      const reads = [];
      for (let i = 0; i < 3; i++) reads.push(await ffmpegReadFrames(server.url('plain', { user: 'reader', pass: `bad${i}` }), 'tcp'));
      const ms = Date.now() - t0;
      assert.ok(ms >= 1500, `3 failures took ${ms} ms (≥ 0.5 s each expected)\n${reads.map((r) => r.detail).join('\n')}\n${logTail(server)}`);
    } finally {
      await server.stop();
    }
  });
});

describe('external authentication', () => {
  it('asks the external server, sends MediaMTX\'s JSON, and follows its answer', async () => {
    const auth = await startAuthServer((b) => b.action === 'publish' || (b.user === 'good' && b.password === 'secret'));
    const server = await startServer(`externalAuthenticationURL: ${auth.url}\npaths:\n  all:\n`);
    try {
      const pub = await publishAndWait(server, server.url('ext?token=1'), 'ext');
      try {
        const ok = await ffmpegReadFrames(server.url('ext', { user: 'good', pass: 'secret' }), 'tcp');
        assert.ok(ok.frames >= 20, `${ok.detail}\n${describeRunning('publisher', pub)}\n${logTail(server)}`);
        const bad = await ffmpegReadFrames(server.url('ext', { user: 'evil', pass: 'x' }), 'tcp');
        assert.equal(bad.frames, 0, bad.detail);
        const bodies = `the external server received: ${JSON.stringify(auth.bodies)}`;
        const publish = auth.bodies.find((b) => b.action === 'publish');
        assert.ok(publish, bodies);
        assert.deepEqual({ ...publish, id: typeof publish.id }, { ip: '127.0.0.1', user: '', password: '', path: 'ext', protocol: 'rtsp', id: 'string', action: 'publish', query: 'token=1' }, bodies);
        const good = auth.bodies.find((b) => b.user === 'good');
        assert.ok(good, bodies);
        assert.equal(good.password, 'secret', bodies);
        assert.equal(good.action, 'read', bodies);
      } finally {
        await pub.stop();
      }
    } finally {
      await server.stop();
      await auth.close();
    }
  });
});
