import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { makeSelfSignedCert } from '../../test/support/tls.ts';
import { certificateFingerprint, connectSourceSocket, normalizeFingerprint } from './source-socket.ts';
import { RtspSource } from './rtsp/index.ts';
import { cameraBehaviour, startFakeRtspServer } from '../../test/support/fake-rtsp-server.ts';
import { fakeSourceContext, until } from '../../test/support/source-context.ts';

describe('source TLS: sourceFingerprint pinning, default verification otherwise', () => {
  let dir: string;
  let key: Buffer;
  let cert: Buffer;
  let fingerprint: string;
  let server: Server;
  let port: number;
  let received = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mtx-tls-'));
    const files = makeSelfSignedCert(dir);
    key = readFileSync(files.key);
    cert = readFileSync(files.cert);
    fingerprint = certificateFingerprint(new X509Certificate(cert).raw);
    server = createServer({ key, cert }, (s: TLSSocket) => { s.on('data', (d) => { received += d.length; }); s.on('error', () => {}); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(() => { server.close(); rmSync(dir, { recursive: true, force: true }); });

  const open = (fp: string): Promise<import('node:net').Socket> =>
    connectSourceSocket({ host: '127.0.0.1', port, isSecure: true, fingerprint: fp, timeoutMs: 3000, signal: new AbortController().signal });

  it('computes the fingerprint as openssl x509 -fingerprint -sha256 shows it', () => {
    const openssl = new X509Certificate(cert).fingerprint256; // AB:CD:… form
    assert.equal(normalizeFingerprint(openssl), fingerprint);
    assert.match(fingerprint, /^[0-9a-f]{64}$/);
  });

  it('refuses a self-signed certificate that is not pinned, saying how to pin it', async () => {
    await assert.rejects(open(''), /TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(self[- ]signed certificate\); to accept it, set sourceFingerprint/);
  });

  it('accepts the pinned certificate, in either spelling', async () => {
    const a = await open(fingerprint);
    a.destroy();
    const b = await open(new X509Certificate(cert).fingerprint256);
    b.destroy();
  });

  it('refuses a wrong pin before sending anything', async () => {
    const before = received;
    const wrong = 'ab'.repeat(32);
    await assert.rejects(open(wrong), new RegExp(`does not match sourceFingerprint: expected ${wrong}, got ${fingerprint}`));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(received, before);
  });

  it('aborts, and times out, a TLS handshake that does not finish', async () => {
    // A TCP server that accepts and never answers: the handshake waits until the bound or the abort.
    const mute = createNetServer((s) => s.on('error', () => {}));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const mutePort = (mute.address() as { port: number }).port;
    try {
      const ac = new AbortController();
      const p = connectSourceSocket({ host: '127.0.0.1', port: mutePort, isSecure: true, fingerprint: '', timeoutMs: 5000, signal: ac.signal });
      setTimeout(() => ac.abort(new Error('stop')), 50);
      await assert.rejects(p, /stop/);
      const t0 = Date.now();
      await assert.rejects(connectSourceSocket({ host: '127.0.0.1', port: mutePort, isSecure: true, fingerprint: '', timeoutMs: 200, signal: new AbortController().signal }),
        /connecting to 127\.0\.0\.1:\d+ timed out after 0\.2s/);
      assert.ok(Date.now() - t0 < 1000);
    } finally {
      mute.close();
    }
  });

  it('plays rtsps:// over TLS with the pinned fingerprint (TCP forced)', async () => {
    const cam = await startFakeRtspServer({ behaviour: cameraBehaviour(), tls: { key, cert } });
    try {
      const { ctx, record, abort } = fakeSourceContext(`rtsps://127.0.0.1:${cam.port}/live`, `sourceFingerprint: ${fingerprint}\nsourceProtocol: udp`);
      const run = new RtspSource({ readTimeoutMs: 2000, writeTimeoutMs: 2000 }).run(ctx);
      await until(() => (record.rtp.get(96)?.length ?? 0) > 3, 'RTP over RTSPS');
      abort.abort();
      await run;
      assert.match(cam.conns[0]!.setups[0]!, /RTP\/AVP\/TCP/);
    } finally {
      await cam.close();
    }
  });
});
