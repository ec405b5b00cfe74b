import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { waitFor } from '../support/process.ts';
import { RawRtspClient, rawPublish, rawRead, rtpPacket } from '../support/rtsp-raw-client.ts';
import { bindError } from '../support/ports.ts';

/** Sends raw bytes on a new connection; resolves with what came back when the server closes it (or after 3 s). */
function abuse(port: number, bytes: Buffer | string): Promise<{ closed: boolean; reply: string }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let reply = '';
    const t = setTimeout(() => { s.destroy(); resolve({ closed: false, reply }); }, 3000);
    s.on('data', (d: Buffer) => { reply += d.toString('latin1'); });
    s.on('close', () => { clearTimeout(t); resolve({ closed: true, reply }); });
    s.on('error', () => { /* reset by the server: reported by 'close' */ });
    s.write(bytes);
  });
}

describe('malformed input closes only the offending connection; other streams lose nothing', () => {
  let server: TestServer;
  before(async () => { server = await startServer('paths:\n  all:\n'); });
  after(async () => { await server.stop(); });

  it('keeps a canary stream gap-free while clients send garbage', async () => {
    const port = server.ports.rtsp;
    const pub = await rawPublish(port, 'canary');
    const reader = await rawRead(port, 'canary');
    const seqs: number[] = [];
    reader.onFrame = (ch, p) => { if (ch === 0) seqs.push(p.readUInt16BE(2)); };
    let seq = 0;
    const timer = setInterval(() => { for (let i = 0; i < 5; i++) pub.send(seq++); }, 5);

    const results = await Promise.all([
      abuse(port, 'ANNOUNCE rtsp://127.0.0.1/x RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 99999999999\r\n\r\n'),
      abuse(port, 'ANNOUNCE rtsp://127.0.0.1/x RTSP/1.0\r\nCSeq: 1\r\nContent-Length: -5\r\n\r\n'),
      abuse(port, 'OPTIONS rtsp://127.0.0.1/' + 'a'.repeat(1 << 20)),
      abuse(port, 'OPTIONS rtsp://127.0.0.1/x RTSP/1.0\r\n' + 'X-A: b\r\n'.repeat(20_000) + '\r\n'),
      abuse(port, Buffer.from([0x24, 5, 0, 4, 1, 2, 3, 4])),
      abuse(port, Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) & 0xff))),
    ]);
    results.forEach((r, i) => assert.ok(r.closed, `abusive connection ${i} left open for 3 s (reply: ${r.reply.slice(0, 80)})\n${logTail(server)}`));

    // Well-formed requests with bad content get a 4xx and the connection stays usable.
    const c = await RawRtspClient.connect(port);
    const badSdp = await c.request('ANNOUNCE', `rtsp://127.0.0.1:${port}/bad`, { 'Content-Type': 'application/sdp' }, 'v=0\r\nm=video 0 RTP/AVP 101\r\n');
    assert.equal(badSdp.status, 400, `ANNOUNCE with a broken SDP: ${badSdp.status} ${badSdp.body}`);
    const badTransport = await c.request('SETUP', `rtsp://127.0.0.1:${port}/canary/trackID=0`, { Transport: 'RTP/XYZ' });
    assert.equal(badTransport.status, 461, `SETUP with an unknown transport: ${badTransport.status} ${badTransport.body}`);
    const stolen = await c.request('PLAY', `rtsp://127.0.0.1:${port}/canary`, { Session: 'not-mine' });
    assert.equal(stolen.status, 454, `PLAY with another session: ${stolen.status} ${stolen.body}`);
    const traversal = await c.request('DESCRIBE', `rtsp://127.0.0.1:${port}/../../etc/passwd`);
    assert.equal(traversal.status, 400, `DESCRIBE of a path with '..': ${traversal.status} ${traversal.body}`);
    const options = await c.request('OPTIONS', `rtsp://127.0.0.1:${port}/`);
    assert.equal(options.status, 200, `OPTIONS on the same connection afterwards: ${options.status} ${options.body}`);
    c.close();

    // A publisher sending malformed RTP keeps its session; errors are counted, not fatal.
    const noisy = await rawPublish(port, 'noisy');
    for (const junk of [Buffer.from([1, 2, 3]), Buffer.alloc(12), Buffer.from([0x8f, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]), rtpPacket(1).fill(0xff, 0, 1)]) {
      noisy.client.sendFrame(0, junk);
    }
    noisy.send(2);
    // The server handles a connection's bytes in order, so an answer to a request sent after the junk means the junk
    // was handled, and the connection survived it.
    const alive = await noisy.client.request('OPTIONS', `rtsp://127.0.0.1:${port}/noisy`).catch((e: Error) => e);
    assert.ok(!(alive instanceof Error) && alive.status === 200, `a publisher sending bad RTP keeps its connection: OPTIONS after the junk got ${alive instanceof Error ? alive.message : alive.status}\n${logTail(server)}`);

    // Keep the canary running a while after the abuse: another 1000 packets (about a second), counted, not slept.
    const afterAbuse = seqs.length;
    await waitFor(() => seqs.length >= afterAbuse + 1000, { timeoutMs: 10_000, what: 'the canary to go on after the abuse', detail: () => `${seqs.length - afterAbuse} packets since\n${logTail(server)}` });
    clearInterval(timer);
    const sent = seq;
    await waitFor(() => seqs.length >= sent, { timeoutMs: 5000, what: 'the canary to receive every packet', detail: () => `received ${seqs.length} of ${sent}\n${logTail(server)}` });
    const lost = Array.from({ length: sent }, (_, i) => i & 0xffff).filter((x, i) => seqs[i] !== x).slice(0, 10);
    assert.deepEqual(seqs, Array.from({ length: sent }, (_, i) => i & 0xffff), `canary packets arrive complete and in order (${seqs.length} of ${sent}; first differences at sequence numbers ${lost.join(', ')})`);
    assert.equal(noisy.client.closed, false, `a publisher sending bad RTP is not disconnected\n${logTail(server)}`);
    assert.doesNotMatch(server.logs(), /unhandled|TypeError|RangeError|at .*\.ts:\d+/, logTail(server));
    noisy.client.close();
    pub.client.close();
    reader.close();
  });

  it('bounds slow readers: a reader that stops reading is dropped or discards, the publisher never waits', async () => {
    const port = server.ports.rtsp;
    const pub = await rawPublish(port, 'slow');
    const stalled = await rawRead(port, 'slow');
    stalled.socket.pause(); // never reads again: the kernel buffers fill, then the server's queue
    const healthy = await rawRead(port, 'slow');
    let got = 0;
    healthy.onFrame = (ch) => { if (ch === 0) got++; };
    // ~45 Mbit/s, paced like a live stream: 20 packets of 1400 bytes every 5 ms, 14 MB in all.
    const total = 10_000;
    let i = 0;
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        for (let k = 0; k < 20 && i < total; k++, i++) pub.client.sendFrame(0, rtpPacket(i, 1400));
        if (i >= total) { clearInterval(t); resolve(); }
      }, 5);
    });
    await waitFor(() => got >= total, { timeoutMs: 15_000, what: 'the healthy reader to get every packet', detail: () => `got ${got} of ${total}\n${logTail(server)}` });
    // MediaMTX words it "discarding N frames"; an RTSP reader's queue holds RTP packets, which the line may name.
    await waitFor(() => /reader is too slow, discarding \d+ (frames|packets)/.test(server.logs()), { timeoutMs: 5000, what: 'the discard log line', detail: () => logTail(server) });
    pub.client.close();
    stalled.close();
    healthy.close();
  });
});

describe('shutdown', () => {
  it('exits with code 0 within 5 s of SIGTERM with clients connected, and frees its ports', async () => {
    const server = await startServer('paths:\n  all:\n');
    const { rtsp, rtmp, rtp, rtcp } = server.ports;
    const listeners = [['tcp', rtsp], ['tcp', rtmp], ['udp', rtp], ['udp', rtcp]] as const;
    // These are the server's ports: while it runs, binding any of them fails.
    for (const [kind, port] of listeners) {
      assert.equal(await bindError(kind, port), 'EADDRINUSE', `${kind} ${port} is held by the server while it runs\n${logTail(server)}`);
    }
    const pub = await rawPublish(rtsp, 'x');
    const reader = await rawRead(rtsp, 'x');
    const t0 = Date.now();
    // SIGTERM, and no SIGKILL before 10 s, so that a slow shutdown shows as such instead of as a killed process.
    const code = await server.stop('SIGTERM', { killAfterMs: 10_000 });
    const ms = Date.now() - t0;
    // Right after the exit, this process binds every one of them. No retry is needed: the kernel closes a process's
    // sockets before its exit is reported, and a TCP listener binds with SO_REUSEADDR (as Node's, and so the server's
    // own, do), which the connections the server closed, still in TIME_WAIT on its port, do not block. Nothing else
    // can take the ports meanwhile: scripts/e2e.sh moves this namespace's ephemeral ports above the test blocks.
    const errors = await Promise.all(listeners.map(async ([kind, port]) => `${kind} ${port}: ${await bindError(kind, port) ?? 'free'}`));
    assert.equal(code, 0, `exit code after SIGTERM\n${logTail(server)}`);
    assert.ok(ms < 5000, `took ${ms} ms\n${logTail(server)}`);
    assert.deepEqual(errors, listeners.map(([kind, port]) => `${kind} ${port}: free`), `ports right after the exit\n${logTail(server)}`);
    await waitFor(() => pub.client.closed && reader.closed, { timeoutMs: 2000, what: 'clients to be disconnected', detail: () => `publisher closed: ${pub.client.closed}, reader closed: ${reader.closed}` });
  });
});
