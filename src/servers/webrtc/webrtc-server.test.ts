import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../lib/index.ts';
import { h264Format, opusFormat, type Description, type RtpPacket } from '../../formats/index.ts';
import { Stream } from '../../stream/index.ts';
import { CHROMIUM_WHEP_OFFER, CHROMIUM_WHIP_OFFER } from '../../../test/support/webrtc-offers.ts';
import { FakePathAccess } from '../../../test/support/fake-path-access.ts';
import { WebRtcServer } from './webrtc-server.ts';
import { EMPTY_PEER_STATS, type PeerState, type WebRtcPeer, type WebRtcPeerOptions, type WebRtcPeerStats } from './webrtc-peer.ts';

/** A peer that answers at once and records what it was given; `connect()` plays the ICE/DTLS success. */
class FakePeer implements WebRtcPeer {
  static all: FakePeer[] = [];
  readonly candidatesAdded: string[] = [];
  readonly sent: [number, RtpPacket][] = [];
  isClosed = false;
  bytesSent = 0;
  bytesReceived = 0;
  constructor(readonly opts: WebRtcPeerOptions) { FakePeer.all.push(this); }
  async answer(offer: string): Promise<string> { return offer.replace(/a=(recvonly|sendonly)/g, (_m, d: string) => `a=${d === 'recvonly' ? 'sendonly' : 'recvonly'}`); }
  sendRtp(track: number, p: RtpPacket): void { this.sent.push([track, p]); this.bytesSent += p.raw.length; }
  keyframeRequests = 0;
  requestKeyframe(): void { this.keyframeRequests++; }
  async addCandidate(c: { candidate: string }): Promise<void> { this.candidatesAdded.push(c.candidate); }
  candidates(): { local: string; remote: string } | undefined { return { local: '127.0.0.1:1', remote: '127.0.0.1:2' }; }
  async close(): Promise<void> { this.isClosed = true; }
  stats(): WebRtcPeerStats { return { ...EMPTY_PEER_STATS, rtpPacketsSent: this.sent.length }; }
  connect(s: PeerState = 'connected'): void { this.opts.onState(s); }
}

const SPS = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xd9]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
const DESC: Description = { medias: [{ kind: 'video', formats: [h264Format(96, SPS, PPS)] }, { kind: 'audio', formats: [opusFormat(97, 2)] }] };

describe('WebRtcServer (WHEP/WHIP signaling over HTTP)', () => {
  let server: WebRtcServer;
  let paths: FakePathAccess;
  let base: string;
  const lines: string[] = [];
  const log = Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) });

  before(async () => {
    paths = new FakePathAccess();
    server = await WebRtcServer.listen({
      address: '127.0.0.1:0', allowOrigin: '*', isTrustedProxy: () => false, iceServers: ['stun:stun.example.com:3478', 'turn:u:p:turn.example.com:3478'],
      nat1To1Ips: [], readTimeoutMs: 5000, readBufferCount: 64, paths, log, createPeer: (o) => new FakePeer(o), handshakeTimeoutMs: 300,
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => { await server.close(); });
  beforeEach(() => {
    FakePeer.all = [];
    for (const s of paths.streams.values()) s.close();
    paths.streams.clear();
    paths.protectedPaths.clear();
  });

  const post = (path: string, body: string, type = 'application/sdp'): Promise<Response> =>
    fetch(`${base}/${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });
  const ready = (path: string): void => { paths.streams.set(path, new Stream(DESC)); };

  it('answers a WHEP offer with 201, the answer, a Location and the ICE servers', async () => {
    ready('cam');
    const r = await post('cam/whep', CHROMIUM_WHEP_OFFER);
    assert.equal(r.status, 201, await r.clone().text());
    assert.equal(r.headers.get('content-type'), 'application/sdp');
    assert.match(r.headers.get('location') ?? '', /^\/cam\/whep\/[0-9a-f-]{36}$/);
    assert.equal(r.headers.get('accept-patch'), 'application/trickle-ice-sdpfrag');
    assert.match(r.headers.get('access-control-expose-headers') ?? '', /Accept-Patch/);
    assert.equal(r.headers.get('link'), '<stun:stun.example.com:3478>; rel="ice-server", <turn:turn.example.com:3478>; rel="ice-server"; username="u"; credential="p"; credential-type="password"');
    const answer = await r.text();
    assert.match(answer, /m=video 9 UDP\/TLS\/RTP\/SAVPF 106\r\n/);
    assert.match(answer, /m=audio 9 UDP\/TLS\/RTP\/SAVPF 111\r\n/);
    assert.equal(server.connections().length, 1);
    assert.equal(server.connections()[0]!.peerConnectionEstablished, false);
    FakePeer.all[0]!.connect();
    assert.equal(server.connections()[0]!.peerConnectionEstablished, true);
    assert.equal(server.connections()[0]!.path, 'cam');
    assert.ok(server.kick(server.connections()[0]!.id));
    assert.equal(server.connections().length, 0);
    assert.ok(FakePeer.all[0]!.isClosed);
  });

  it('sends the GOP cache at once to a viewer that connects, from its key frame, packetized once for every viewer', async () => {
    ready('cam');
    const stream = paths.streams.get('cam')!;
    const [v] = DESC.medias;
    stream.writeUnit(v!, v!.formats[0]! as ReturnType<typeof h264Format>, { pts: 0, payload: [Buffer.from([0x65, 1, 2, 3])], randomAccess: true });
    stream.writeUnit(v!, v!.formats[0]! as ReturnType<typeof h264Format>, { pts: 3000, payload: [Buffer.from([0x41, 1, 2, 3])] });
    assert.equal((await post('cam/whep', CHROMIUM_WHEP_OFFER)).status, 201);
    FakePeer.all[0]!.connect();
    await new Promise((r) => setTimeout(r, 50));
    // SPS and PPS are put before the IDR by the stream: one STAP-A or several packets, then the P frame.
    const sent = FakePeer.all[0]!.sent;
    assert.ok(sent.length >= 2, `packets sent: ${sent.length}`);
    assert.ok(sent.every(([track, p]) => track === 0 && p.raw.length <= 1212));
    // A second viewer gets the very same packets: each unit is packetized once for all viewers.
    assert.equal((await post('cam/whep', CHROMIUM_WHEP_OFFER)).status, 201);
    FakePeer.all[1]!.connect();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(FakePeer.all[1]!.sent.map(([, p]) => p), sent.map(([, p]) => p));
    assert.ok(FakePeer.all[1]!.sent.every(([, p], i) => p === sent[i]![1]));
    for (const c of server.connections()) server.kick(c.id);
  });

  it('refuses a WHEP offer that shares no codec with the stream, saying why', async () => {
    ready('cam');
    const r = await post('cam/whep', CHROMIUM_WHEP_OFFER.replace(/a=rtpmap:\d+ (H264|opus)\/.*\r\n/g, '').replace(/m=video 9 UDP\/TLS\/RTP\/SAVPF [0-9 ]+/, 'm=video 9 UDP/TLS/RTP/SAVPF 96').replace(/m=audio 9 UDP\/TLS\/RTP\/SAVPF [0-9 ]+/, 'm=audio 9 UDP/TLS/RTP/SAVPF 0'));
    assert.equal(r.status, 400);
    assert.match(await r.text(), /stream's codecs \(H264, Opus\) are not among the offered ones \(VP8, G711 µ-law\)/);
    assert.equal(server.connections().length, 0);
    assert.deepEqual(paths.events.slice(-2), ['read cam', 'release reader cam']);
  });

  it('answers 404 without a stream, 401 with the Basic challenge, 415 for another type, 400 for bad SDP, 413 for a huge body', async () => {
    assert.equal((await post('nobody/whep', CHROMIUM_WHEP_OFFER)).status, 404);
    ready('secret');
    paths.protectedPaths.add('secret');
    const r = await post('secret/whep', CHROMIUM_WHEP_OFFER);
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), 'Basic realm="mediamtx"');
    assert.equal(paths.requests.at(-1)!.protocol, 'webrtc');
    ready('cam');
    assert.equal((await post('cam/whep', CHROMIUM_WHEP_OFFER, 'text/plain')).status, 415);
    assert.equal((await post('cam/whep', 'not sdp')).status, 400);
    assert.equal((await post('cam/whep', 'v=0\r\n' + 'a=x\r\n'.repeat(40_000))).status, 413);
    assert.equal(server.connections().length, 0);
  });

  it('takes trickle candidates with PATCH, ends the session with DELETE, 404 for unknown sessions', async () => {
    ready('cam');
    const r = await post('cam/whep', CHROMIUM_WHEP_OFFER);
    const location = r.headers.get('location')!;
    const frag = 'a=ice-ufrag:abcd\r\na=ice-pwd:x\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\n';
    const p = await fetch(`${base}${location}`, { method: 'PATCH', headers: { 'Content-Type': 'application/trickle-ice-sdpfrag' }, body: frag });
    assert.equal(p.status, 204);
    assert.deepEqual(FakePeer.all[0]!.candidatesAdded, ['candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host']);
    assert.equal((await fetch(`${base}${location}`, { method: 'PATCH', headers: { 'Content-Type': 'text/plain' }, body: frag })).status, 415);
    assert.equal((await fetch(`${base}${location}`, { method: 'DELETE' })).status, 200);
    assert.equal(server.connections().length, 0);
    assert.equal((await fetch(`${base}${location}`, { method: 'DELETE' })).status, 404);
    assert.equal((await fetch(`${base}/cam/whep/00000000-0000-0000-0000-000000000000`, { method: 'PATCH', headers: { 'Content-Type': 'application/trickle-ice-sdpfrag' }, body: frag })).status, 404);
  });

  it('answers OPTIONS with CORS and, outside a preflight, the ICE servers', async () => {
    const pre = await fetch(`${base}/cam/whep`, { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'POST', Origin: 'https://x.example' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    assert.equal(pre.headers.get('access-control-allow-methods'), 'OPTIONS, POST');
    assert.equal(pre.headers.get('link'), null);
    const plain = await fetch(`${base}/cam/whip`, { method: 'OPTIONS' });
    assert.match(plain.headers.get('link') ?? '', /<stun:stun.example.com:3478>; rel="ice-server"/);
  });

  it('closes a session whose peer never connects, releasing the path', async () => {
    ready('cam');
    assert.equal((await post('cam/whep', CHROMIUM_WHEP_OFFER)).status, 201);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(server.connections().length, 0);
    assert.ok(FakePeer.all[0]!.isClosed);
    assert.equal(paths.events.at(-1), 'release reader cam');
  });

  it('publishes with WHIP: the stream is ready once the peer connects, with the offered formats', async () => {
    const r = await post('pub/whip', CHROMIUM_WHIP_OFFER);
    assert.equal(r.status, 201);
    assert.match(r.headers.get('location') ?? '', /^\/pub\/whip\//);
    assert.equal(paths.streams.has('pub'), false);
    FakePeer.all[0]!.connect();
    const s = paths.streams.get('pub');
    assert.ok(s);
    assert.deepEqual(s.description.medias.map((m) => m.formats.map((f) => `${f.encoding}/${f.payloadType}`)), [['VP8/96'], ['opus/111']]);
    FakePeer.all[0]!.connect('failed');
    assert.equal(paths.streams.has('pub'), false);
    assert.equal(server.connections().length, 0);
  });

  it('ends a session whose peer stays disconnected for the handshake time', async () => {
    ready('cam');
    assert.equal((await post('cam/whep', CHROMIUM_WHEP_OFFER)).status, 201);
    FakePeer.all[0]!.connect();
    FakePeer.all[0]!.connect('disconnected');
    assert.equal(server.connections().length, 1);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(server.connections().length, 0);
    assert.ok(lines.some((l) => /closed: peer connection disconnected/.test(l)));
  });

  it('asks a WHIP publisher for a key frame when a viewer joins without a GOP cached, and forwards viewers\' PLIs, rate-limited', async () => {
    assert.equal((await post('live/whip', CHROMIUM_WHIP_OFFER)).status, 201);
    const publisher = FakePeer.all[0]!;
    publisher.connect();
    assert.equal((await post('live/whep', CHROMIUM_WHEP_OFFER)).status, 201);
    const viewer = FakePeer.all[1]!;
    viewer.connect();
    assert.equal(publisher.keyframeRequests, 1, 'asked once the viewer connected (no GOP cached)');
    viewer.opts.onKeyframeRequest?.(0);
    assert.equal(publisher.keyframeRequests, 1, 'a PLI 0 ms later is held back (at most one every 500 ms)');
    await new Promise((r) => setTimeout(r, 550));
    viewer.opts.onKeyframeRequest?.(0);
    assert.equal(publisher.keyframeRequests, 2, 'a later PLI is forwarded');
    for (const c of server.connections()) server.kick(c.id);
  });

  it('serves the reader page at /path/ (redirecting /path), the publish page, 404 elsewhere', async () => {
    const redirect = await fetch(`${base}/cam?token=1`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/cam/?token=1');
    const page = await fetch(`${base}/cam/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /'whep'/);
    const pub = await fetch(`${base}/cam/publish`);
    assert.match(await pub.text(), /'whip'/);
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/a%2Fb/`)).status, 400);
    assert.equal((await fetch(`${base}/cam/whep`)).status, 405);
  });
});

describe('WebRtcServer, a session closed while its peer answers', () => {
  it('answers no 201 for it and releases its path (WHEP and WHIP)', async () => {
    const paths = new FakePathAccess();
    paths.streams.set('cam', new Stream(DESC));
    let open: () => void = () => undefined;
    const gate = new Promise<void>((r) => { open = r; });
    let answering = 0;
    const server = await WebRtcServer.listen({
      address: '127.0.0.1:0', allowOrigin: '*', isTrustedProxy: () => false, iceServers: [], nat1To1Ips: [], readTimeoutMs: 5000,
      readBufferCount: 64, paths, log: Logger.create({ level: 'error', destinations: [], sink: () => undefined }),
      createPeer: (o) => {
        const p = new FakePeer(o);
        p.answer = async (offer) => { answering++; await gate; return offer; };
        return p;
      },
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const posts = ['cam/whep', 'pub/whip'].map((u) => fetch(`${base}/${u}`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: u.endsWith('whep') ? CHROMIUM_WHEP_OFFER : CHROMIUM_WHIP_OFFER }));
      while (answering < 2) await new Promise((r) => setTimeout(r, 5));
      // Kicked through the API (or its path closed) before the answer was made.
      for (const c of server.connections()) server.kick(c.id);
      open();
      const statuses = await Promise.all(posts.map(async (p) => { const r = await p; await r.text(); return r.status; }));
      assert.ok(statuses.every((s) => s !== 201), `statuses: ${statuses.join(', ')}`);
      assert.equal(server.connections().length, 0);
      assert.ok(paths.events.includes('release reader cam') && paths.events.includes('release publisher pub'), paths.events.join(', '));
    } finally {
      await server.close();
    }
  });
});
