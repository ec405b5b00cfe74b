import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish, ffmpegReadFrames } from '../support/media.ts';
import { rawRead } from '../support/rtsp-raw-client.ts';
import { describeRunning, waitFor, type Running } from '../support/process.ts';

const CLOSE_AFTER_S = 3;

/** True for an RTP packet of H264 that starts an IDR picture (RFC 6184 §5.6 single NAL, §5.7.1 STAP-A, §5.8 FU-A). */
function startsIdr(rtp: Buffer): boolean {
  const cc = rtp[0]! & 0x0f;
  const p = rtp.subarray(12 + cc * 4);
  const type = p[0]! & 0x1f;
  if (type === 5 || type === 7 || type === 24) return true; // IDR, SPS (sent right before an IDR), STAP-A of parameter sets
  return type === 28 && (p[1]! & 0x80) !== 0 && (p[1]! & 0x1f) === 5;
}

describe('on-demand sources (sourceOnDemand): pulled only while read', () => {
  let origin: TestServer;
  let edge: TestServer;
  let pub: Running;
  const readings = (): number => (origin.logs().match(/\[path cam\] rtspSession \S+ is reading/g) ?? []).length;
  const stopped = (): number => (origin.logs().match(/\[path cam\] rtspSession \S+ stopped reading/g) ?? []).length;

  before(async () => {
    origin = await startServer('paths:\n  all:\n');
    pub = ffmpegPublish(origin.url('cam'), { video: 'h264', audio: 'aac', seconds: 600 });
    await origin.waitForLog(/\[path cam\] stream is ready/, 20_000);
    edge = await startServer(`paths:
  cam:
    source: ${origin.url('cam')}
    sourceProtocol: tcp
    sourceOnDemand: yes
    sourceOnDemandCloseAfter: ${CLOSE_AFTER_S}s
  "~^proxy/(.+)$":
    source: rtsp://127.0.0.1:${origin.ports.rtsp}/$G1
    sourceOnDemand: yes
    sourceOnDemandStartTimeout: 3s
    sourceOnDemandCloseAfter: ${CLOSE_AFTER_S}s
`);
  });
  after(async () => { await pub?.stop(); await edge?.stop(); await origin?.stop(); });

  const context = (): string => `${describeRunning('publisher', pub)}\n${logTail(edge)}\n--- origin ---\n${logTail(origin, 800)}`;

  it('opens no upstream connection before the first reader, then plays it, and closes after the delay', async () => {
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(readings(), 0, `no upstream session without readers\n${context()}`);
    assert.doesNotMatch(edge.logs(), /RTSP source\] started/);
    // Time from the request to the first RTP packet and to the first IDR (the first frame a decoder can show).
    const t0 = Date.now();
    let firstPacket = 0;
    let firstIdr = 0;
    const client = await rawRead(edge.ports.rtsp, 'cam');
    client.onFrame = (ch, payload) => {
      if (ch !== 0) return;
      firstPacket ||= Date.now() - t0;
      if (!firstIdr && startsIdr(payload)) firstIdr = Date.now() - t0;
    };
    try {
      await waitFor(() => firstIdr > 0, { timeoutMs: 10_000, what: 'the first IDR through the on-demand path', detail: context });
    } finally {
      client.close();
    }
    console.log(`on-demand start: first RTP packet ${firstPacket} ms, first IDR ${firstIdr} ms after the reader's DESCRIBE`);
    assert.equal(readings(), 1, context());
    const left = Date.now();
    await edge.waitForLog(/\[path cam\] on-demand source stopped: not needed anymore/, (CLOSE_AFTER_S + 5) * 1000);
    const ms = Date.now() - left;
    await waitFor(() => stopped() === 1, { timeoutMs: 5000, what: 'the origin to see its reader leave', detail: context });
    assert.ok(ms >= (CLOSE_AFTER_S - 0.5) * 1000 && ms < (CLOSE_AFTER_S + 3) * 1000, `closed ${ms} ms after the reader left\n${context()}`);
  });

  it('makes readers that arrive while the source starts wait, and plays them all', async () => {
    const startsBefore = (edge.logs().match(/\[path cam\] on-demand source started/g) ?? []).length;
    const first = ffmpegReadFrames(edge.url('cam'), 'tcp');
    await edge.waitForLog(/\[path cam\] on-demand source started[\s\S]*\[path cam\] on-demand source started/, 10_000);
    const [a, b, c] = await Promise.all([first, ffmpegReadFrames(edge.url('cam'), 'tcp'), ffmpegReadFrames(edge.rtmpUrl('cam'), undefined)]);
    for (const r of [a, b, c]) assert.ok(r.frames >= 20, `${r.detail}\n${context()}`);
    const starts = (edge.logs().match(/\[path cam\] on-demand source started/g) ?? []).length - startsBefore;
    assert.equal(starts, 1, `one upstream session for the three readers\n${context()}`);
  });

  it('proxies any origin path through a regexp entry ($G1) on demand', async () => {
    const r = await ffmpegReadFrames(edge.url('proxy/cam'), 'tcp');
    assert.ok(r.frames >= 20, `${r.detail}\n${context()}`);
    await edge.waitForLog(/\[path proxy\/cam\] on-demand source started/, 5_000);
    const missing = await ffmpegReadFrames(edge.url('proxy/nothing'), 'tcp', 1);
    assert.equal(missing.frames, 0);
    await edge.waitForLog(/\[path proxy\/nothing\] \[RTSP source\] failed: DESCRIBE failed: 404/, 5_000);
  });
});
