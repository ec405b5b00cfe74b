import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDefaultServer } from '../support/default-server.ts';
import { tail, waitFor } from '../support/process.ts';
import { H264_SDP, RawRtspClient, rawPublish, rawRead } from '../support/rtsp-raw-client.ts';
import type { TestServer } from '../support/server.ts';

const TRICKLERS = 300;
// The shipped readTimeout: a request that has begun must be complete within it.
const READ_TIMEOUT_MS = 10_000;

/** An SDP announcing H264 with the given fmtp and control attribute. */
function sdp(fmtp: string, control: string): string {
  return `v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=test\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 ${fmtp}\r\na=control:${control}\r\n`;
}

describe('RTSP against hostile and unusual clients, shipped configuration', () => {
  let server: TestServer;
  const hookDir = mkdtempSync(join(tmpdir(), 'mtx-e2e-hook-'));
  const readyFile = join(hookDir, 'ready');
  before(async () => { server = await startDefaultServer({ MTX_PATHS_HOOKED_RUNONREADY: `touch ${readyFile}` }); });
  after(async () => {
    await server.stop();
    rmSync(hookDir, { recursive: true, force: true });
  });

  it(`closes ${TRICKLERS} connections trickling a request a byte every 5 s within readTimeout, while a canary plays gap-free`, async () => {
    const pub = await rawPublish(server.ports.rtsp, 'canary');
    const reader = await rawRead(server.ports.rtsp, 'canary');
    const got: number[] = [];
    reader.onFrame = (ch, p) => { if (ch === 0) got.push(p.readUInt16BE(2)); };
    let seq = 0;
    const sender = setInterval(() => pub.send(++seq), 20);
    const sockets: { s: Socket; opened: number; closedAfter?: number }[] = [];
    const line = Buffer.from(`OPTIONS rtsp://127.0.0.1:${server.ports.rtsp}/x RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
    try {
      for (let i = 0; i < TRICKLERS; i++) {
        const entry: { s: Socket; opened: number; closedAfter?: number } = { s: connect(server.ports.rtsp, '127.0.0.1'), opened: Date.now() };
        let pos = 0;
        entry.s.on('connect', () => { entry.s.write(line.subarray(pos, ++pos)); });
        const drip = setInterval(() => { if (pos < line.length - 1 && !entry.s.destroyed) entry.s.write(line.subarray(pos, ++pos)); }, 5000);
        entry.s.on('close', () => { clearInterval(drip); entry.closedAfter = Date.now() - entry.opened; });
        entry.s.on('error', () => { /* the server's reset is what the test waits for */ });
        sockets.push(entry);
      }
      // A well-behaved client is answered at once during the attack.
      const probe = await RawRtspClient.connect(server.ports.rtsp);
      const t0 = Date.now();
      const res = await probe.request('OPTIONS', `rtsp://127.0.0.1:${server.ports.rtsp}/x`);
      probe.close();
      assert.equal(res.status, 200, 'OPTIONS during the attack');
      assert.ok(Date.now() - t0 < 1000, `OPTIONS took ${Date.now() - t0} ms`);
      await waitFor(() => sockets.every((e) => e.closedAfter !== undefined), {
        timeoutMs: READ_TIMEOUT_MS + 10_000, what: 'every trickling connection to be closed by the server',
        detail: () => `${sockets.filter((e) => e.closedAfter === undefined).length} still open`,
      });
      const slowest = Math.max(...sockets.map((e) => e.closedAfter!));
      assert.ok(slowest <= READ_TIMEOUT_MS + 3000, `the last trickling connection lived ${slowest} ms`);
      await server.waitForLog(/a request was still incomplete after 10s/, 5_000);
      clearInterval(sender);
      await waitFor(() => got.length >= seq, { timeoutMs: 5000, what: 'the canary to receive every packet', detail: () => `sent ${seq}, got ${got.length}` });
      const gaps = got.filter((s, i) => i > 0 && s !== got[i - 1]! + 1).length;
      assert.equal(gaps, 0, `canary sequence gaps (sent ${seq}, got ${got.length})`);
      assert.ok(seq > 400, `the canary played through the attack (${seq} packets)`);
    } finally {
      clearInterval(sender);
      for (const e of sockets) e.s.destroy();
      pub.client.close();
      reader.close();
    }
  });

  it('refuses at ANNOUNCE an H264 format whose sprop-parameter-sets is not base64, and controls with ../ segments', async () => {
    const c = await RawRtspClient.connect(server.ports.rtsp);
    try {
      const cases: [string, string, string][] = [
        ['bad-sprop', sdp('packetization-mode=1; sprop-parameter-sets=%%%notbase64,aM4PyA==', 'trackID=0'), 'invalid sprop-parameter-sets'],
        ['bad-control', sdp('packetization-mode=1', '../../escape/trackID=0'), 'invalid control attribute'],
        ['bad-control2', sdp('packetization-mode=1', 'a/%2e%2e/b'), 'invalid control attribute'],
      ];
      for (const [path, body, reason] of cases) {
        const res = await c.request('ANNOUNCE', server.url(path), { 'Content-Type': 'application/sdp' }, body);
        assert.equal(res.status, 400, `ANNOUNCE ${path}`);
        await server.waitForLog(new RegExp(reason));
        const d = await c.request('DESCRIBE', server.url(path));
        assert.equal(d.status, 404, `DESCRIBE ${path} after the refused ANNOUNCE`);
      }
    } finally {
      c.close();
    }
  });

  it('makes a path readable and runs runOnReady only at RECORD, not at ANNOUNCE', async () => {
    const c = await RawRtspClient.connect(server.ports.rtsp);
    const other = await RawRtspClient.connect(server.ports.rtsp);
    try {
      const url = server.url('hooked');
      const a = await c.request('ANNOUNCE', url, { 'Content-Type': 'application/sdp' }, H264_SDP);
      assert.equal(a.status, 200, 'ANNOUNCE');
      const session = a.headers.get('session')!.split(';')[0]!;
      const s = await c.request('SETUP', `${url}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record', Session: session });
      assert.equal(s.status, 200, 'SETUP');
      const before = await other.request('DESCRIBE', url);
      assert.equal(before.status, 404, 'DESCRIBE between ANNOUNCE and RECORD');
      assert.doesNotMatch(server.logs(), /\[path hooked\] (runOnReady command started|stream is ready)/, 'nothing is ready before RECORD');
      assert.equal(existsSync(readyFile), false, 'runOnReady has not run');
      const r = await c.request('RECORD', url, { Session: session });
      assert.equal(r.status, 200, 'RECORD');
      const afterRecord = await other.request('DESCRIBE', url);
      assert.equal(afterRecord.status, 200, 'DESCRIBE after RECORD');
      await waitFor(() => existsSync(readyFile), { timeoutMs: 5000, what: 'runOnReady to run after RECORD', detail: () => tail(server.logs()) });
    } finally {
      c.close();
      other.close();
    }
  });
});
