import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { parseRtcpPackets } from '../../protocols/rtsp/index.ts';
import { RtspSource } from './rtsp-source.ts';
import { cameraBehaviour, cameraUdpSocket, startFakeRtspServer, type FakeRtspServer } from '../../../test/support/fake-rtsp-server.ts';
import { fakeSourceContext, until } from '../../../test/support/source-context.ts';

const settings = { readTimeoutMs: 1000, writeTimeoutMs: 1000 };
const servers: FakeRtspServer[] = [];
async function server(o: Parameters<typeof startFakeRtspServer>[0]): Promise<FakeRtspServer> {
  const s = await startFakeRtspServer(o);
  servers.push(s);
  return s;
}
after(async () => { await Promise.all(servers.map((s) => s.close())); });

/** Runs the source until `cond` holds, then stops it; returns what the path saw and how the run ended. */
async function play(url: string, yaml: string, cond: (r: ReturnType<typeof fakeSourceContext>['record']) => boolean, what: string) {
  const { ctx, record, abort } = fakeSourceContext(url, yaml);
  const run = new RtspSource(settings).run(ctx);
  let failure: unknown;
  run.catch((e) => { failure = e; });
  try {
    await until(() => cond(record) || failure !== undefined, what, 8000);
  } finally {
    abort.abort();
  }
  await run.catch(() => {});
  return { record, failure: failure as Error | undefined };
}

const gotBoth = (r: ReturnType<typeof fakeSourceContext>['record']): boolean => (r.rtp.get(96)?.length ?? 0) >= 5 && (r.rtp.get(97)?.length ?? 0) >= 5;

describe('RTSP source (client state machine against a fake camera)', () => {
  it('plays over TCP: both tracks, the description of the SDP, and TEARDOWN when stopped', async () => {
    const cam = await server({ behaviour: cameraBehaviour() });
    const { record, failure } = await play(`rtsp://127.0.0.1:${cam.port}/live`, 'sourceProtocol: tcp', gotBoth, 'packets of both tracks');
    assert.equal(failure, undefined, failure?.message);
    assert.equal(record.readies.length, 1);
    assert.deepEqual(record.readies[0]!.medias.map((m) => m.formats[0]!.codec), ['h264', 'mpeg4Audio']);
    const c = cam.conns[0]!;
    await until(() => c.requests.some((r) => r.method === 'TEARDOWN'), 'TEARDOWN');
    assert.deepEqual(c.requests.map((r) => r.method), ['OPTIONS', 'DESCRIBE', 'SETUP', 'SETUP', 'PLAY', 'TEARDOWN']);
    assert.deepEqual(c.setups, ['RTP/AVP/TCP;unicast;interleaved=0-1', 'RTP/AVP/TCP;unicast;interleaved=2-3']);
    assert.deepEqual(c.requests.slice(2, 4).map((r) => r.url), [`rtsp://127.0.0.1:${cam.port}/live/trackID=0`, `rtsp://127.0.0.1:${cam.port}/live/trackID=1`]);
    assert.equal(c.requests[4]!.headers.get('Session'), '12345678');
  });

  it('plays over UDP from the server ports only, and sends receiver reports there', async () => {
    const udp = await cameraUdpSocket();
    const rtcp = createSocket('udp4');
    await new Promise<void>((r) => rtcp.bind(udp.address().port + 1, '127.0.0.1', r));
    const reports: Buffer[] = [];
    rtcp.on('message', (m) => reports.push(m));
    try {
      const cam = await server({ behaviour: cameraBehaviour({ sendsUdp: true, udp }) });
      // Receiver reports go every 5 s: the run lasts until the first one.
      const { failure } = await play(`rtsp://127.0.0.1:${cam.port}/live`, 'sourceProtocol: udp', (r) => gotBoth(r) && reports.length > 0, 'UDP packets and a receiver report');
      assert.equal(failure, undefined, failure?.message);
      const [rtpPort, rtcpPort] = /^RTP\/AVP;unicast;client_port=(\d+)-(\d+)$/.exec(cam.conns[0]!.setups[0]!)!.slice(1).map(Number);
      assert.equal(rtpPort! % 2, 0);
      assert.equal(rtcpPort, rtpPort! + 1);
      const rr = parseRtcpPackets(reports[0]!)[0]!;
      assert.equal(rr.type, 'rr');
    } finally {
      udp.close();
      rtcp.close();
    }
  });

  it('drops UDP packets that come from another port than server_port', async () => {
    const announced = await cameraUdpSocket();
    const spoofer = await cameraUdpSocket();
    try {
      const cam = await server({ behaviour: cameraBehaviour({ sendsUdp: true, udp: spoofer, announcedPort: announced.address().port }) });
      const { record, failure } = await play(`rtsp://127.0.0.1:${cam.port}/live`, 'sourceProtocol: udp', () => false, 'a failure');
      assert.match(failure?.message ?? '', /no UDP packets received in 1s/);
      assert.equal(record.readies.length, 0, 'no spoofed packet made the path ready');
    } finally {
      announced.close();
      spoofer.close();
    }
  });

  it('accepts packets from any port of the server with sourceAnyPortEnable', async () => {
    const udp = await cameraUdpSocket();
    try {
      const cam = await server({ behaviour: cameraBehaviour({ sendsUdp: true, udp, announcedPort: 'none' }) });
      const { failure } = await play(`rtsp://127.0.0.1:${cam.port}/live`, 'sourceProtocol: udp\nsourceAnyPortEnable: yes', gotBoth, 'packets from any port');
      assert.equal(failure, undefined, failure?.message);
      const refused = await play(`rtsp://127.0.0.1:${cam.port}/live`, 'sourceProtocol: udp', () => false, 'a failure');
      assert.match(refused.failure?.message ?? '', /did not give its UDP ports/);
    } finally {
      udp.close();
    }
  });

  it('in automatic mode, switches to TCP when UDP brings nothing, and when the server answers 461', async () => {
    const silent = await server({ behaviour: cameraBehaviour({ sendsUdp: false }) });
    const t0 = Date.now();
    const a = await play(`rtsp://127.0.0.1:${silent.port}/live`, 'sourceProtocol: automatic', gotBoth, 'TCP packets after the switch');
    assert.equal(a.failure, undefined, a.failure?.message);
    assert.ok(Date.now() - t0 >= 3000, 'UDP was given 3 s');
    assert.ok(a.record.lines.some((l) => /no UDP packets received, switching to TCP/.test(l)), a.record.lines.join('\n'));
    assert.match(silent.conns[1]!.setups[0]!, /TCP/);
    const tcpOnly = await server({ behaviour: cameraBehaviour({ transports: ['tcp'] }) });
    const b = await play(`rtsp://127.0.0.1:${tcpOnly.port}/live`, '', gotBoth, 'TCP packets after 461');
    assert.equal(b.failure, undefined, b.failure?.message);
    assert.ok(b.record.lines.some((l) => /refused UDP, switching to TCP/.test(l)), b.record.lines.join('\n'));
  });

  it('sends Digest and Basic credentials of the URL, and fails clearly on a wrong password', async () => {
    for (const scheme of ['digest', 'basic'] as const) {
      const cam = await server({ behaviour: cameraBehaviour({ auth: { scheme, user: 'admin', pass: 'p@ss w' } }) });
      const ok = await play(`rtsp://admin:p%40ss%20w@127.0.0.1:${cam.port}/live`, 'sourceProtocol: tcp', gotBoth, `${scheme} playback`);
      assert.equal(ok.failure, undefined, ok.failure?.message);
      assert.ok(cam.conns[0]!.requests.every((r) => !r.url.includes('p@ss')), 'no password in request lines');
      const bad = await play(`rtsp://admin:nope@127.0.0.1:${cam.port}/live`, 'sourceProtocol: tcp', () => false, 'a failure');
      assert.match(bad.failure?.message ?? '', /OPTIONS failed: 401/);
    }
  });

  it('follows a redirect, keeping the credentials only for the same server', async () => {
    const target = await server({ behaviour: cameraBehaviour() });
    const redirector = await server({
      behaviour: (req) => (req.method === 'DESCRIBE' ? { status: 302, headers: { Location: `rtsp://127.0.0.1:${target.port}/other` } } : { status: 200 }),
    });
    const { failure } = await play(`rtsp://u:secret@127.0.0.1:${redirector.port}/live`, 'sourceProtocol: tcp', gotBoth, 'packets after the redirect');
    assert.equal(failure, undefined, failure?.message);
    assert.equal(target.conns[0]!.requests[1]!.url, `rtsp://127.0.0.1:${target.port}/other`);
    assert.ok(target.conns[0]!.requests.every((r) => r.headers.get('Authorization') === undefined), 'credentials not sent to another server');
  });

  it('stops following a redirection loop without writing the password of its Location in the error', async () => {
    const loop: FakeRtspServer = await server({
      behaviour: (req) => (req.method === 'DESCRIBE' ? { status: 302, headers: { Location: `rtsp://admin:hunter2@127.0.0.1:${loop.port}/again` } } : { status: 200 }),
    });
    const { failure } = await play(`rtsp://127.0.0.1:${loop.port}/live`, 'sourceProtocol: tcp', () => false, 'a failure');
    assert.match(failure?.message ?? '', /^redirected to rtsp:\/\/.*127\.0\.0\.1:\d+\/again$/);
    assert.doesNotMatch(failure!.message, /hunter2/);
    assert.equal(loop.accepted(), 6, 'the first connection and five redirections');
  });

  it('keeps the session alive with GET_PARAMETER when the server lists it, at 80 % of its timeout', async () => {
    const cam = await server({ behaviour: cameraBehaviour({ session: 'abc;timeout=1', publicMethods: 'OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER' }) });
    const { failure } = await play(`rtsp://127.0.0.1:${cam.port}/live`, 'sourceProtocol: tcp',
      () => cam.conns[0]?.requests.filter((r) => r.method === 'GET_PARAMETER').length === 2, 'two keep-alives');
    assert.equal(failure, undefined, failure?.message);
    assert.equal(cam.conns[0]!.requests.find((r) => r.method === 'GET_PARAMETER')!.headers.get('Session'), 'abc');
  });

  it('ends a session whose server goes silent (TCP timeout = readTimeout)', async () => {
    const cam = await server({ behaviour: cameraBehaviour({ packetEveryMs: 60_000 }) });
    const t0 = Date.now();
    const { failure } = await play(`rtsp://127.0.0.1:${cam.port}/live`, 'sourceProtocol: tcp', () => false, 'a failure');
    assert.match(failure?.message ?? '', /no data received in 1s/);
    assert.ok(Date.now() - t0 < 3000);
  });

  it('fails fast and bounded on hostile servers: refusal, silence, garbage, a 100 MB SDP, a drop after PLAY', async () => {
    const closed = await server({ behaviour: () => ({ status: 200 }) });
    const closedPort = closed.port;
    await closed.close();
    const hang = await server({ behaviour: () => 'hang' });
    const garbage = await server({ onRaw: (s) => s.write(Buffer.alloc(70_000, 0x5a)) });
    let sdpBytesSent = 0;
    const hugeSdp = await server({
      onRaw: (s) => s.once('data', () => {
        s.write('RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Type: application/sdp\r\nContent-Length: 104857600\r\n\r\n');
        const chunk = Buffer.alloc(1 << 20, 0x61);
        const pump = (): void => { while (!s.destroyed && sdpBytesSent < 100 << 20 && s.write(chunk)) sdpBytesSent += chunk.length; };
        s.on('drain', pump);
        pump();
      }),
    });
    const dropper = await server({ behaviour: (req, conn) => (req.method === 'PLAY' ? 'close' : cameraBehaviour()(req, conn)) });
    const cases: [string, number, RegExp][] = [
      ['refused', closedPort, /ECONNREFUSED/],
      ['silent', hang.port, /no answer to OPTIONS within 1s/],
      ['garbage', garbage.port, /invalid data from the server/],
      ['100 MB SDP', hugeSdp.port, /invalid data from the server: invalid Content-Length/],
      ['drop after PLAY', dropper.port, /the server closed the connection/],
    ];
    for (const [name, port, re] of cases) {
      const t0 = Date.now();
      const { failure } = await play(`rtsp://127.0.0.1:${port}/live`, 'sourceProtocol: tcp', () => false, name);
      assert.match(failure?.message ?? '(none)', re, name);
      assert.ok(Date.now() - t0 < 2500, `${name} took ${Date.now() - t0} ms`);
    }
    assert.ok(sdpBytesSent < 8 << 20, `the huge SDP was not read: ${sdpBytesSent} bytes pushed`);
  });

  it('refuses an SDP that is not one', async () => {
    const cam = await server({ behaviour: (req, conn) => (req.method === 'DESCRIBE' ? { status: 200, headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\nm=video\r\n' } : cameraBehaviour()(req, conn)) });
    const { failure } = await play(`rtsp://127.0.0.1:${cam.port}/live`, 'sourceProtocol: tcp', () => false, 'a failure');
    assert.match(failure?.message ?? '', /invalid SDP/);
  });
});
