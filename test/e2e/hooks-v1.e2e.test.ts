import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { waitFor, type Running } from '../support/process.ts';

/** A hook that saves its environment as `<dir>/<name>.env`, renamed into place so that a reader never sees half of it. */
function saveEnv(dir: string, name: string): string {
  return `sh -c 'env > ${dir}/${name}.tmp; mv ${dir}/${name}.tmp ${dir}/${name}.env'`;
}

/** Waits for a file whose name matches `re` in the server's folder and reads it as variables. */
async function envFile(server: TestServer, re: RegExp, what: string): Promise<Map<string, string>> {
  const find = (): string | undefined => readdirSync(server.dir).find((f) => re.test(f));
  await waitFor(() => find() !== undefined, { timeoutMs: 10_000, what, detail: () => `${readdirSync(server.dir).join(',')}\n${logTail(server)}` });
  const text = readFileSync(join(server.dir, find()!), 'utf8');
  return new Map(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** Every saved environment, as text, to check that a secret reached none of them. */
function allEnvText(server: TestServer): string {
  return readdirSync(server.dir).filter((f) => f.endsWith('.env')).map((f) => readFileSync(join(server.dir, f), 'utf8')).join('\n');
}

describe('MediaMTX v1.x hooks', () => {
  it('runs runOnUnread, runOnDisconnect, runOnOffline and runOnUnavailable with their variables as clients leave', async () => {
    const server = await startServer((dir) => `runOnDisconnect: ${saveEnv(dir, 'disconnect-$MTX_CONN_TYPE-$MTX_CONN_ID')}
paths:
  "~^live(\\\\d+)$":
    runOnAvailable: ${saveEnv(dir, 'available')}
    runOnUnavailable: ${saveEnv(dir, 'unavailable')}
    runOnOnline: ${saveEnv(dir, 'online')}
    runOnOffline: ${saveEnv(dir, 'offline')}
    runOnUnread: ${saveEnv(dir, 'unread-$MTX_READER_ID')}
`);
    const running: Running[] = [];
    try {
      const cam = ffmpegPublish(`${server.url('live7')}?pub=1`, { video: 'h264', seconds: 60 });
      running.push(cam);
      await server.waitForLog(/\[path live7\] stream is ready/, 20_000);
      const available = await envFile(server, /^available\.env$/, 'runOnAvailable');
      assert.equal(available.get('MTX_SOURCE_TYPE'), 'rtspSession');
      assert.equal(available.get('MTX_QUERY'), 'pub%3D1');
      assert.equal((await envFile(server, /^online\.env$/, 'runOnOnline')).get('MTX_SOURCE_ID'), available.get('MTX_SOURCE_ID'));

      // An RTMP reader with credentials in its query: it decodes, then its leaving runs runOnUnread and runOnDisconnect.
      const read = await ffmpegReadFrames(server.rtmpUrl('live7', { query: 'viewer=9&pass=s3cret' }), undefined, 1);
      assert.ok(read.frames >= 20, `RTMP read decodes: ${read.detail}\n${logTail(server)}`);
      const unread = await envFile(server, /^unread-.+\.env$/, 'runOnUnread');
      assert.equal(unread.get('MTX_PATH'), 'live7');
      assert.equal(unread.get('G1'), '7');
      assert.equal(unread.get('RTSP_PORT'), String(server.ports.rtsp));
      assert.equal(unread.get('MTX_READER_TYPE'), 'rtmpConn');
      assert.equal(unread.get('MTX_QUERY'), 'viewer%3D9%26pass%3Dxxxxx', 'the password is masked');
      const rtmpGone = await envFile(server, /^disconnect-rtmpConn-.+\.env$/, 'runOnDisconnect of the RTMP reader');
      assert.equal(rtmpGone.get('MTX_CONN_TYPE'), 'rtmpConn');
      assert.equal(rtmpGone.get('MTX_CONN_ID'), unread.get('MTX_READER_ID'), 'an RTMP connection reads as itself');
      assert.equal(rtmpGone.get('RTSP_PORT'), String(server.ports.rtsp));
      assert.equal(existsSync(join(server.dir, 'unavailable.env')), false, 'the stream is still there');

      await cam.stop();
      const unavailable = await envFile(server, /^unavailable\.env$/, 'runOnUnavailable');
      assert.equal(unavailable.get('MTX_SOURCE_ID'), available.get('MTX_SOURCE_ID'));
      assert.equal(unavailable.get('MTX_QUERY'), 'pub%3D1');
      assert.equal((await envFile(server, /^offline\.env$/, 'runOnOffline')).get('MTX_SOURCE_TYPE'), 'rtspSession');
      assert.equal((await envFile(server, /^disconnect-rtspConn-.+\.env$/, 'runOnDisconnect of the RTSP publisher')).get('MTX_CONN_TYPE'), 'rtspConn');
      await server.waitForLog(/runOnDisconnect command launched/);
      assert.doesNotMatch(allEnvText(server), /s3cret/, 'no hook saw the password');
    } finally {
      await Promise.all(running.map((p) => p.stop()));
      await server.stop();
    }
  });

  it('runs runOnUnDemand with the first reader\'s query once the on-demand publisher is not needed anymore', async () => {
    const server = await startServer((dir) => `paths:
  "~^ondemand(\\\\d+)$":
    runOnDemand: ffmpeg -nostdin -loglevel error -re -f lavfi -i testsrc2=size=320x240:rate=25 -c:v libx264 -preset ultrafast -tune zerolatency -g 25 -pix_fmt yuv420p -f rtsp rtsp://127.0.0.1:$RTSP_PORT/$MTX_PATH
    runOnDemandCloseAfter: 1s
    runOnUnDemand: ${saveEnv(dir, 'undemand')}
`);
    try {
      const r = await ffmpegReadFrames(`${server.url('ondemand3')}?who=me`, 'tcp', 2);
      assert.ok(r.frames >= 40, `on-demand stream decodes: ${r.detail}\n${logTail(server)}`);
      // runOnDemandCloseAfter has not passed yet.
      assert.equal(existsSync(join(server.dir, 'undemand.env')), false, 'runOnUnDemand ran while the stream was needed');
      const env = await envFile(server, /^undemand\.env$/, 'runOnUnDemand');
      assert.equal(env.get('MTX_PATH'), 'ondemand3');
      assert.equal(env.get('G1'), '3');
      assert.equal(env.get('MTX_QUERY'), 'who%3Dme');
      assert.equal(env.get('RTSP_PORT'), String(server.ports.rtsp));
      await server.waitForLog(/\[path ondemand3\] runOnDemand command stopped: not needed anymore/);
      await server.waitForLog(/\[path ondemand3\] runOnUnDemand command launched/, 5_000);
    } finally {
      await server.stop();
    }
  });
});
