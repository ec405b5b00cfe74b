import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
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

async function publishAndWait(server: Awaited<ReturnType<typeof startServer>>, url: string, path: string) {
  const pub = ffmpegPublish(url, { video: 'h264', transport: 'tcp', seconds: 15 });
  await server.waitForLog(new RegExp(`\\[path ${path}\\] stream is ready`), 15_000);
  return pub;
}

for (const method of ['basic', 'digest'] as const) {
  describe(`RTSP authentication with ${method}`, () => {
    it('accepts right credentials and refuses wrong ones, for publish and read, plain and sha256', async () => {
      const server = await startServer(`authMethods: [${method}]\n${PATHS}`);
      const pubs = [];
      try {
        for (const path of method === 'basic' ? ['plain', 'hashed'] : ['plain']) {
          const bad = ffmpegPublish(server.url(path, { user: 'pubuser', pass: 'nope' }), { video: 'h264', seconds: 3 });
          const badResult = await bad.done;
          assert.notEqual(badResult.code, 0, 'a publisher with a wrong password is refused');
          pubs.push(await publishAndWait(server, server.url(path, { user: 'pubuser', pass: 'pubpass' }), path));
          const ok = await ffmpegReadFrames(server.url(path, { user: 'reader', pass: 'readpass' }), 'tcp');
          assert.ok(ok.frames >= 20, `right credentials: ${ok.frames} frames\n${ok.stderr.slice(-400)}`);
          const wrong = await ffmpegReadFrames(server.url(path, { user: 'reader', pass: 'wrong' }), 'tcp');
          assert.equal(wrong.frames, 0);
          assert.match(wrong.stderr, /401/);
          const none = await ffmpegReadFrames(server.url(path), 'tcp');
          assert.equal(none.frames, 0);
        }
        assert.match(server.logs(), /authentication failed for 'reader' from 127\.0\.0\.1/);
        assert.doesNotMatch(server.logs(), /readpass|pubpass/, 'passwords never appear in logs');
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
      const b = await publishAndWait(server, server.url('elsewhere'), 'elsewhere');
      const ok = await ffmpegReadFrames(server.url('localonly'), 'tcp');
      assert.ok(ok.frames >= 20);
      const refused = await ffmpegReadFrames(server.url('elsewhere'), 'tcp');
      assert.equal(refused.frames, 0);
      await a.stop();
      await b.stop();
    } finally {
      await server.stop();
    }
  });

  it('delays every failed attempt that carried credentials', async () => {
    const server = await startServer(PATHS);
    try {
      const t0 = Date.now();
      for (let i = 0; i < 3; i++) await ffmpegReadFrames(server.url('plain', { user: 'reader', pass: `bad${i}` }), 'tcp');
      assert.ok(Date.now() - t0 >= 1500, `3 failures took ${Date.now() - t0} ms (≥ 0.5 s each expected)`);
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
      const ok = await ffmpegReadFrames(server.url('ext', { user: 'good', pass: 'secret' }), 'tcp');
      assert.ok(ok.frames >= 20, ok.stderr.slice(-400));
      const bad = await ffmpegReadFrames(server.url('ext', { user: 'evil', pass: 'x' }), 'tcp');
      assert.equal(bad.frames, 0);
      const publish = auth.bodies.find((b) => b.action === 'publish')!;
      assert.deepEqual({ ...publish, id: typeof publish.id }, { ip: '127.0.0.1', user: '', password: '', path: 'ext', protocol: 'rtsp', id: 'string', action: 'publish', query: 'token=1' });
      const good = auth.bodies.find((b) => b.user === 'good')!;
      assert.equal(good.password, 'secret');
      assert.equal(good.action, 'read');
      await pub.stop();
    } finally {
      await server.stop();
      await auth.close();
    }
  });
});
