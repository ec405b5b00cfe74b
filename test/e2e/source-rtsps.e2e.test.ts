import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { makeSelfSignedCert } from '../support/tls.ts';
import { describeRunning, type Running } from '../support/process.ts';

describe('RTSPS and RTMPS sources: sourceFingerprint pins a self-signed upstream', () => {
  let origin: TestServer;
  let edge: TestServer;
  let pub: Running;
  let fingerprint: string;

  before(async () => {
    origin = await startServer((dir) => {
      const { key, cert } = makeSelfSignedCert(dir);
      return `encryption: optional\nserverKey: ${key}\nserverCert: ${cert}\nrtmpEncryption: optional\nrtmpServerKey: ${key}\nrtmpServerCert: ${cert}\npaths:\n  all:\n`;
    });
    fingerprint = new X509Certificate(readFileSync(join(origin.dir, 'server.crt'))).fingerprint256.replaceAll(':', '').toLowerCase();
    pub = ffmpegPublish(origin.url('cam'), { video: 'h264', audio: 'aac', seconds: 600 });
    await origin.waitForLog(/\[path cam\] stream is ready/, 20_000);
    const rtsps = origin.url('cam', { secure: true });
    edge = await startServer(`paths:
  pinned:
    source: ${rtsps}
    sourceFingerprint: ${fingerprint}
  wrongpin:
    source: ${rtsps}
    sourceFingerprint: ${'ab'.repeat(32)}
  unpinned:
    source: ${rtsps}
  rtmps:
    source: ${origin.rtmpUrl('cam', { secure: true })}
    sourceFingerprint: ${fingerprint.toUpperCase()}
`);
  });
  after(async () => { await pub?.stop(); await edge?.stop(); await origin?.stop(); });

  const context = (): string => `${describeRunning('publisher', pub)}\n${logTail(edge)}`;

  it('reads the upstream whose certificate matches the pin, over RTSPS (TCP) and RTMPS', async () => {
    await edge.waitForLog(/\[path pinned\] stream is ready/, 20_000);
    await edge.waitForLog(/\[path rtmps\] stream is ready/, 20_000);
    // Waited for: the source's line follows "stream is ready" and may come in a later read of the server's output.
    await edge.waitForLog(/\[path pinned\] \[RTSP source\] ready: /, 5_000);
    assert.match(edge.logs(), /\[path pinned\] \[RTSP source\] ready: 2 tracks over TCP/);
    for (const path of ['pinned', 'rtmps']) {
      const r = await ffmpegReadFrames(edge.url(path), 'tcp');
      assert.ok(r.frames >= 20, `${path}: ${r.detail}\n${context()}`);
    }
  });

  it('refuses a wrong pin and an unpinned self-signed certificate, with a line that says why', async () => {
    await edge.waitForLog(new RegExp(`\\[path wrongpin\\] \\[RTSP source\\] failed: the TLS certificate of 127\\.0\\.0\\.1:${origin.ports.rtsps} does not match sourceFingerprint: expected (ab){32}, got ${fingerprint}`));
    await edge.waitForLog(/\[path unpinned\] \[RTSP source\] failed: the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(self[- ]signed certificate\); to accept it, set sourceFingerprint/);
    assert.doesNotMatch(edge.logs(), /\[path (wrongpin|unpinned)\] stream is ready/);
    // No TLS session reached the RTSP layer of the origin for those paths: one reader per accepted source only.
    assert.equal((origin.logs().match(/\[path cam\] rtspsSession \S+ is reading/g) ?? []).length, 1, logTail(origin));
  });
});
