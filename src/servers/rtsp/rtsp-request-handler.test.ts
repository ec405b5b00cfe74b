import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../lib/index.ts';
import type { AccessRequest, Action } from '../../core/index.ts';
import { Stream } from '../../stream/index.ts';
import { buildRtpPacket, parseSdp, sdpToDescription, type Description } from '../../formats/index.ts';
import { RtspHeaders, type RtspRequest } from '../../protocols/rtsp/index.ts';
import { FakePathAccess } from '../../../test/support/fake-path-access.ts';
import { RtspServerHandler } from './rtsp-request-handler.ts';
import { RtspSession, type RtspSessionHost } from './rtsp-session.ts';
import { RtspSessionRegistry, type RtspSessionOwner } from './rtsp-session-registry.ts';
import { credentialsFromRequest } from './rtsp-credentials.ts';
import type { RtspConnContext, RtspHandled } from './rtsp-conn-context.ts';
import type { InterleavedWriter } from './rtsp-session-types.ts';
import type { RtspUdpListener } from './rtsp-udp-listener.ts';

const SDP = [
  'v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=cam', 'c=IN IP4 0.0.0.0', 't=0 0',
  'm=video 0 RTP/AVP 96', 'a=rtpmap:96 H264/90000', 'a=fmtp:96 packetization-mode=1', 'a=control:trackID=0',
  'm=audio 0 RTP/AVP 0', 'a=control:trackID=1', '',
].join('\r\n');
const DESCRIPTION: Description = sdpToDescription(parseSdp(SDP)).description;
const URL = 'rtsp://127.0.0.1:8554/cam';

/** The connection as the handler sees it, without a socket. */
class FakeConn implements RtspConnContext, RtspSessionOwner {
  readonly remoteIp = '10.0.0.5';
  readonly remoteAddr = '10.0.0.5:5000';
  readonly isSecure = false;
  readonly nonce = '0123abcd';
  readonly log = Logger.silent();
  readonly frames: [number, Buffer][] = [];
  /** What the session asked of the connection's write batching, in order: `hold`, `frame` (end of a frame: sent now), `later`. */
  readonly batching: string[] = [];
  readonly interleaved: InterleavedWriter = {
    writeInterleaved: (ch, p) => { this.frames.push([ch, p]); },
    writeInterleavedPackets: (ch, packets) => { for (const p of packets) this.frames.push([ch, p.raw]); },
    holdWrites: () => { this.batching.push('hold'); },
    endBatch: (isFrameEnd) => { this.batching.push(isFrameEnd ? 'frame' : 'later'); },
    flushWrites() {}, writableLength: 0, onceDrain() {},
  };
  timeoutUpdates = 0;

  constructor(private readonly sessions: RtspSessionRegistry) {}

  accessRequest(req: RtspRequest, pathName: string, query: string, action: Action): AccessRequest {
    return { pathName, query, protocol: 'rtsp', action, ip: this.remoteIp, credentials: credentialsFromRequest(req, this.nonce) };
  }
  session(id: string): RtspSession | undefined { return this.sessions.getOwned(this, id); }
  latestSession(): RtspSession | undefined { return this.sessions.latestOf(this); }
  createSession(): RtspSession { return this.sessions.open(this); }
  updateTimeout(): void { this.timeoutUpdates++; }
  onSessionClosed(): void {}
}

const host: RtspSessionHost = {
  udpRtp: undefined, udpRtcp: undefined, readBufferCount: 16, udpMaxPayloadSize: 1452, readTimeoutMs: 10_000, writeTimeoutMs: 10_000,
  acquireMulticast: () => { throw new Error('no multicast here'); },
};

const registries: RtspSessionRegistry[] = [];
afterEach(() => {
  for (const r of registries.splice(0)) for (const s of r.list()) s.close();
});

function harness(sessionHost: RtspSessionHost = host) {
  const paths = new FakePathAccess();
  const registry = new RtspSessionRegistry((seed) => new RtspSession({ ...seed, secure: false, host: sessionHost }));
  registries.push(registry);
  const handler = new RtspServerHandler({
    paths, allowed: new Set(['udp', 'multicast', 'tcp']), authMethods: ['basic', 'digest'], hasUdpListeners: true,
    udpServerPorts: [8000, 8001], multicastPorts: [8002, 8003],
    multicastGroups: () => [], isUdpClientPortTaken: () => false,
  });
  const conn = new FakeConn(registry);
  const send = (method: string, url: string, headers: Record<string, string> = {}, body = '', via: FakeConn = conn): Promise<RtspHandled> => {
    const h = new RtspHeaders();
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    return handler.handle(via, { method, url, headers: h, body: Buffer.from(body) });
  };
  return { paths, registry, conn, other: new FakeConn(registry), send };
}

/** The session id of a response's Session header. */
function sessionId(r: RtspHandled): string {
  const v = r.response.headers.get('Session');
  assert.ok(v, `no Session header in ${r.response.statusCode} response`);
  assert.match(v, /;timeout=55$/, 'the stated timeout leaves 5 s to clients that keep alive exactly at it');
  return v.split(';')[0]!;
}

async function announced(h: ReturnType<typeof harness>, sdp = SDP): Promise<string> {
  const r = await h.send('ANNOUNCE', URL, { 'Content-Type': 'application/sdp' }, sdp);
  assert.equal(r.response.statusCode, 200);
  return sessionId(r);
}

/** The stream the harness's path `cam` serves. */
const stream = (h: ReturnType<typeof harness>): Stream => h.paths.streams.get('cam')!;

async function setUpReader(h: ReturnType<typeof harness>): Promise<string> {
  h.paths.streams.set('cam', new Stream(DESCRIPTION));
  const r = await h.send('SETUP', `${URL}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
  assert.equal(r.response.statusCode, 200);
  return sessionId(r);
}

describe('RtspServerHandler', () => {
  it('publishes with ANNOUNCE, SETUP per media and RECORD, making the path ready only after the RECORD response', async () => {
    const h = harness();
    const id = await announced(h);
    assert.deepEqual(h.paths.events, ['publish cam']);
    const s0 = await h.send('SETUP', `${URL}/trackID=0`, { Session: id, Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record' });
    assert.equal(s0.response.statusCode, 200);
    assert.equal(s0.response.headers.get('Transport'), 'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record');
    const s1 = await h.send('SETUP', `${URL}/trackID=1`, { Session: id, Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3;mode=record' });
    assert.equal(sessionId(s1), id);
    const rec = await h.send('RECORD', URL, { Session: id });
    assert.equal(rec.response.statusCode, 200);
    const session = h.conn.session(id)!;
    assert.equal(session.state, 'preRecord', 'nothing starts before the response is sent');
    assert.deepEqual(h.paths.events, ['publish cam']);
    rec.afterSend!();
    assert.equal(session.state, 'record');
    assert.deepEqual(h.paths.events, ['publish cam', 'start cam']);
    assert.ok(h.conn.timeoutUpdates > 0);
    assert.equal((await h.send('TEARDOWN', URL, { Session: id })).response.statusCode, 200);
    assert.equal(session.isClosed, true);
    assert.deepEqual(h.paths.events.at(-1), 'release publisher cam');
    assert.equal(h.registry.size, 0);
  });

  it('reads with DESCRIBE, SETUP and PLAY, starting the media only after the PLAY response', async () => {
    const h = harness();
    h.paths.streams.set('cam', new Stream(DESCRIPTION));
    const d = await h.send('DESCRIBE', URL);
    assert.equal(d.response.statusCode, 200);
    assert.equal(d.response.headers.get('Content-Base'), `${URL}/`);
    assert.equal(d.response.headers.get('Content-Type'), 'application/sdp');
    assert.match(d.response.body.toString(), /m=video 0 RTP\/AVP 96[^]*a=control:trackID=0[^]*m=audio[^]*a=control:trackID=1/);
    const s0 = await h.send('SETUP', `${URL}/trackID=0`, { Transport: 'RTP/AVP;unicast;client_port=5000-5001' });
    assert.equal(s0.response.headers.get('Transport'), 'RTP/AVP;unicast;client_port=5000-5001;server_port=8000-8001');
    const id = sessionId(s0);
    assert.deepEqual(h.paths.events, ['read cam']);
    const s1 = await h.send('SETUP', `${URL}/trackID=1`, { Session: id, Transport: 'RTP/AVP;unicast;client_port=5002-5003' });
    assert.equal(sessionId(s1), id);
    const play = await h.send('PLAY', `${URL}/`, { Session: id });
    assert.equal(play.response.statusCode, 200);
    assert.equal(play.response.headers.get('Range'), 'npt=0.000-');
    const session = h.conn.session(id)!;
    assert.equal(session.state, 'prePlay');
    play.afterSend!();
    assert.equal(session.state, 'play');
    const again = await h.send('PLAY', URL, { Session: id });
    assert.equal(again.response.statusCode, 200);
    again.afterSend!();
    assert.equal(session.state, 'play');
    assert.equal((await h.send('PAUSE', URL, { Session: id })).response.statusCode, 200);
    assert.equal(session.state, 'prePlay');
  });

  it('sends a TCP reader\'s video frame in one batch when its last packet (the marker bit) arrives', async () => {
    const h = harness();
    const id = await setUpReader(h);
    const stream = h.paths.streams.get('cam')!;
    const play = await h.send('PLAY', URL, { Session: id });
    play.afterSend!();
    const [video] = DESCRIPTION.medias;
    const drained = (): Promise<void> => new Promise((r) => setImmediate(r));
    const written: string[] = [];
    // A frame in three packets, each arriving in a read of its own (its own batch), then the next frame's first packet.
    for (const [seq, marker] of [[1, false], [2, false], [3, true], [4, false]] as const) {
      const pkt = buildRtpPacket({ marker, payloadType: 96, sequenceNumber: seq, timestamp: seq < 4 ? 3000 : 6000, ssrc: 1, payload: Buffer.from([0x41, seq]) });
      assert.equal(stream.writeRtpPacket(video!, video!.formats[0]!, pkt, new Date()), undefined);
      await drained();
      written.push(`${h.conn.frames.filter(([ch]) => ch === 0).length}:${h.conn.batching.at(-1)}`);
    }
    // The stream hands the reader the frame's packets together (ReaderRtp.frames); the next frame's first one waits.
    assert.deepEqual(written, ['0:undefined', '0:undefined', '3:frame', '3:frame'], 'a frame is written when its last packet arrives, and sent at once');
    assert.deepEqual(h.conn.frames.map(([ch]) => ch), [1, 0, 0, 0], 'a Sender Report before the first packet, then RTP, on the interleaved channels of SETUP');
    assert.deepEqual(h.conn.frames.slice(1).map(([, p]) => p.readUInt16BE(2)), [1, 2, 3], 'the frame\'s packets in order');
  });

  it('sends a UDP reader\'s video frame as its datagrams when its last packet arrives', async () => {
    const sent: [number, number][] = [];
    // Only what a reading session uses of the server's RTP and RTCP sockets: send, and register for receiver reports.
    const udp = { send: (msg: Buffer, port: number) => { sent.push([port, msg.readUInt16BE(2)]); }, register: () => () => undefined };
    const h = harness({ ...host, udpRtp: udp as unknown as RtspUdpListener, udpRtcp: { ...udp, send: () => undefined } as unknown as RtspUdpListener });
    h.paths.streams.set('cam', new Stream(DESCRIPTION));
    const setup = await h.send('SETUP', `${URL}/trackID=0`, { Transport: 'RTP/AVP;unicast;client_port=5000-5001' });
    const play = await h.send('PLAY', URL, { Session: sessionId(setup) });
    play.afterSend!();
    const [video] = DESCRIPTION.medias;
    const counts: number[] = [];
    for (const [seq, marker] of [[1, false], [2, false], [3, true], [4, false]] as const) {
      const pkt = buildRtpPacket({ marker, payloadType: 96, sequenceNumber: seq, timestamp: seq < 4 ? 3000 : 6000, ssrc: 1, payload: Buffer.from([0x41, seq]) });
      stream(h).writeRtpPacket(video!, video!.formats[0]!, pkt, new Date());
      await new Promise((r) => setImmediate(r));
      counts.push(sent.length);
    }
    assert.deepEqual(counts, [0, 0, 3, 3], 'the frame goes when its last packet arrives; the next one waits');
    assert.deepEqual(sent, [[5000, 1], [5000, 2], [5000, 3]], 'to the client\'s RTP port, in order');
  });

  it('registers a UDP session\'s client ports once, however often it is paused and resumed', async () => {
    let live = 0;
    const udp = { send: () => undefined, register: () => { live++; let done = false; return () => { if (!done) { done = true; live--; } }; } };
    const h = harness({ ...host, udpRtp: udp as unknown as RtspUdpListener, udpRtcp: udp as unknown as RtspUdpListener });
    h.paths.streams.set('cam', new Stream(DESCRIPTION));
    const reader = sessionId(await h.send('SETUP', `${URL}/trackID=0`, { Transport: 'RTP/AVP;unicast;client_port=5000-5001' }));
    for (let i = 0; i < 50; i++) {
      (await h.send('PLAY', URL, { Session: reader })).afterSend!();
      assert.equal((await h.send('PAUSE', URL, { Session: reader })).response.statusCode, 200);
    }
    assert.equal(live, 1, 'one RTCP route for the reader\'s one media, not one per PLAY');
    h.conn.session(reader)!.close();
    assert.equal(live, 0);
    const h2 = harness({ ...host, udpRtp: udp as unknown as RtspUdpListener, udpRtcp: udp as unknown as RtspUdpListener });
    const id = await announced(h2, SDP.replace(/m=audio[^]*$/, ''));
    await h2.send('SETUP', `${URL}/trackID=0`, { Session: id, Transport: 'RTP/AVP;unicast;client_port=5004-5005;mode=record' });
    for (let i = 0; i < 50; i++) {
      (await h2.send('RECORD', URL, { Session: id })).afterSend!();
      assert.equal((await h2.send('PAUSE', URL, { Session: id })).response.statusCode, 200);
    }
    assert.equal(live, 2, 'one RTP and one RTCP route for the publisher\'s one media, not a pair per RECORD');
    h2.conn.session(id)!.close();
    assert.equal(live, 0);
  });

  it('leaves the session as it was when a multicast SETUP fails, so the client can fall back to TCP', async () => {
    const h = harness(); // its host has no multicast group to give
    h.paths.streams.set('cam', new Stream(DESCRIPTION));
    assert.notEqual((await h.send('SETUP', `${URL}/trackID=0`, { Transport: 'RTP/AVP;multicast' })).response.statusCode, 200);
    const tcp = await h.send('SETUP', `${URL}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    assert.equal(tcp.response.statusCode, 200);
    assert.equal(h.conn.session(sessionId(tcp))!.transportKind, 'tcp');
  });

  it('continues the connection\'s session when SETUP and RECORD carry no Session header', async () => {
    const h = harness();
    const id = await announced(h);
    const s = await h.send('SETUP', `${URL}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record' });
    assert.equal(sessionId(s), id);
    await h.send('SETUP', `${URL}/trackID=1`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3;mode=record' });
    const rec = await h.send('RECORD', URL);
    assert.equal(rec.response.statusCode, 200);
    rec.afterSend!();
    assert.equal(h.conn.session(id)!.state, 'record');
  });

  it('answers 454 to a session id it does not know, and to a session another connection created', async () => {
    const h = harness();
    const id = await setUpReader(h);
    assert.equal((await h.send('PLAY', URL, { Session: 'nope' })).response.statusCode, 454);
    assert.equal((await h.send('PLAY', URL, { Session: id }, '', h.other)).response.statusCode, 454);
    assert.equal((await h.send('PLAY', URL, {}, '', h.other)).response.statusCode, 454, 'the other connection has no session');
    assert.equal((await h.send('GET_PARAMETER', URL, { Session: `${id};timeout=60` })).response.statusCode, 200);
  });

  it('answers 455 to requests the session state does not allow', async () => {
    const h = harness();
    const pub = await announced(h);
    const status = async (method: string, url: string, headers: Record<string, string>): Promise<number> => (await h.send(method, url, headers)).response.statusCode;
    assert.equal(await status('PLAY', URL, { Session: pub }), 455, 'PLAY in a publishing session');
    assert.equal(await status('RECORD', URL, { Session: pub }), 455, 'RECORD before any SETUP');
    const tcp = 'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record';
    assert.equal(await status('SETUP', `${URL}/trackID=0`, { Session: pub, Transport: tcp }), 200);
    assert.equal(await status('SETUP', `${URL}/trackID=0`, { Session: pub, Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3' }), 455, 'a media twice');
    assert.equal(await status('SETUP', `${URL}/trackID=1`, { Session: pub, Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3;mode=record' }), 200);
    (await h.send('RECORD', URL, { Session: pub })).afterSend!();
    assert.equal(await status('SETUP', `${URL}/trackID=1`, { Session: pub, Transport: tcp }), 455, 'SETUP while recording');
    const h2 = harness();
    const reader = await setUpReader(h2);
    assert.equal((await h2.send('RECORD', URL, { Session: reader })).response.statusCode, 455, 'RECORD in a reading session');
  });

  it('answers 461 to SETUP without a Transport header, with one it can\'t parse, or with none it accepts', async () => {
    const h = harness();
    const id = await announced(h);
    const setup = async (headers: Record<string, string>) => (await h.send('SETUP', `${URL}/trackID=0`, { Session: id, ...headers })).response.statusCode;
    assert.equal(await setup({}), 461);
    assert.equal(await setup({ Transport: 'RTP/AVP;unicast;client_port=abc' }), 461);
    assert.equal(await setup({ Transport: 'RAW/RAW/UDP;unicast' }), 461);
    assert.equal(await setup({ Transport: 'RTP/AVP;multicast;mode=record' }), 461, 'multicast publishing');
    assert.equal(await setup({ Transport: 'RTP/AVP;unicast;client_port=5000-5001;mode=record' }), 200);
    assert.equal((await h.send('SETUP', `${URL}/trackID=1`, { Session: id, Transport: 'RTP/AVP/TCP;unicast;mode=record' })).response.statusCode, 461, 'mixed transports');
  });

  it('refuses PLAY, RECORD and SETUP naming another path than the session\'s', async () => {
    const h = harness();
    const reader = await setUpReader(h);
    assert.equal((await h.send('PLAY', 'rtsp://127.0.0.1:8554/other', { Session: reader })).response.statusCode, 400);
    assert.equal((await h.send('SETUP', 'rtsp://127.0.0.1:8554/other/trackID=1', { Session: reader, Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3' })).response.statusCode, 400);
    assert.equal((await h.send('PLAY', 'rtsp://127.0.0.1:8554/', { Session: reader })).response.statusCode, 200, 'the base URL names no path');
    const h2 = harness();
    const pub = await announced(h2);
    assert.equal((await h2.send('SETUP', 'rtsp://127.0.0.1:8554/other/trackID=0', { Session: pub, Transport: 'RTP/AVP/TCP;unicast;mode=record' })).response.statusCode, 400);
    await h2.send('SETUP', `${URL}/trackID=0`, { Session: pub, Transport: 'RTP/AVP/TCP;unicast;mode=record' });
    assert.equal((await h2.send('RECORD', 'rtsp://127.0.0.1:8554/other', { Session: pub })).response.statusCode, 400);
  });

  it('answers 404 for a path nobody publishes and 401 with a challenge per method when credentials are needed', async () => {
    const h = harness();
    assert.equal((await h.send('DESCRIBE', URL)).response.statusCode, 404);
    const setup = await h.send('SETUP', `${URL}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast' });
    assert.equal(setup.response.statusCode, 404);
    assert.equal(h.registry.size, 0, 'the session the failed SETUP created is gone');
    h.paths.streams.set('cam', new Stream(DESCRIPTION));
    h.paths.protectedPaths.add('cam');
    const r = await h.send('DESCRIBE', URL);
    assert.equal(r.response.statusCode, 401);
    assert.deepEqual(r.response.headers.getAll('WWW-Authenticate'), ['Basic realm="mediamtx"', 'Digest realm="mediamtx", nonce="0123abcd"']);
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
    assert.equal((await h.send('DESCRIBE', URL, { Authorization: basic })).response.statusCode, 200);
  });

  it('closes the session it created when the path refuses a publisher, and refuses controls that climb out of the URL', async () => {
    const h = harness();
    h.paths.busyPaths.add('cam');
    const busy = await h.send('ANNOUNCE', URL, { 'Content-Type': 'application/sdp' }, SDP);
    assert.equal(busy.response.statusCode, 400);
    assert.equal(h.registry.size, 0);
    const climbing = SDP.replace('a=control:trackID=1', 'a=control:../other');
    assert.equal((await h.send('ANNOUNCE', 'rtsp://127.0.0.1:8554/free', { 'Content-Type': 'application/sdp' }, climbing)).response.statusCode, 400);
    assert.equal((await h.send('ANNOUNCE', 'rtsp://127.0.0.1:8554/free', { 'Content-Type': 'text/plain' }, SDP)).response.statusCode, 400);
    assert.deepEqual(h.paths.events, []);
  });

  it('sets up a publisher\'s medias by absolute control URLs, on the path of its ANNOUNCE', async () => {
    const h = harness();
    const absolute = SDP.replace('a=control:trackID=0', `a=control:${URL}/video`).replace('a=control:trackID=1', `a=control:${URL}/audio`);
    const id = await announced(h, absolute);
    const tcp = (n: number): Record<string, string> => ({ Session: id, Transport: `RTP/AVP/TCP;unicast;interleaved=${n}-${n + 1};mode=record` });
    assert.equal((await h.send('SETUP', `${URL}/audio`, tcp(0))).response.statusCode, 200);
    assert.equal((await h.send('SETUP', `${URL}/video`, tcp(2))).response.statusCode, 200);
    assert.deepEqual([...h.conn.session(id)!.medias.keys()], [1, 0]);
    const rec = await h.send('RECORD', URL, { Session: id });
    assert.equal(rec.response.statusCode, 200);
  });

  it('answers 400 to RECORD before every announced media is set up, as gortsplib does', async () => {
    const h = harness();
    const id = await announced(h);
    assert.equal((await h.send('SETUP', `${URL}/trackID=0`, { Session: id, Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record' })).response.statusCode, 200);
    assert.equal((await h.send('RECORD', URL, { Session: id })).response.statusCode, 400, 'the audio media was announced but not set up');
    assert.equal((await h.send('SETUP', `${URL}/trackID=1`, { Session: id, Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3;mode=record' })).response.statusCode, 200);
    assert.equal((await h.send('RECORD', URL, { Session: id })).response.statusCode, 200);
  });

  it('answers OPTIONS with its methods and 501 to methods it does not know', async () => {
    const h = harness();
    const o = await h.send('OPTIONS', URL);
    assert.equal(o.response.statusCode, 200);
    assert.match(o.response.headers.get('Public')!, /^OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE/);
    const r = await h.send('REDIRECT', URL);
    assert.deepEqual([r.response.statusCode, r.response.statusMessage], [501, 'Not Implemented']);
  });
});
