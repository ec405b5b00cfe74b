import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { RTCPeerConnection } from 'werift';
import { Logger } from '../../lib/index.ts';
import { h264Format, opusFormat } from '../../formats/index.ts';
import { Stream } from '../../stream/index.ts';
import { FakePathAccess } from '../../../test/support/fake-path-access.ts';
import { WebRtcServer } from './webrtc-server.ts';
import { WeriftTcpMux } from './werift-tcp-mux.ts';

const SPS = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xd9]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);

/** Keeps only the candidate lines `keep` accepts (the other SDP lines unchanged). */
function filterCandidates(sdp: string, keep: (line: string) => boolean): string {
  return sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate:') || keep(l)).join('\r\n');
}

async function until(ok: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!ok() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 50));
}

describe('WebRTC server with webrtcICETCPMuxAddress (werift on both sides, in process)', () => {
  it('carries two sessions at once over ICE-TCP on the one TCP port, with no UDP candidate on either side', async () => {
    const paths = new FakePathAccess();
    paths.streams.set('cam', new Stream({ medias: [{ kind: 'video', formats: [h264Format(96, SPS, PPS)] }, { kind: 'audio', formats: [opusFormat(97, 2)] }] }));
    // The clients gather before the mux is open, so their own passive protocols listen on ports of their own.
    const clients = [0, 1].map(() => new RTCPeerConnection({ iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceUseTcp: true }));
    for (const c of clients) {
      c.addTransceiver('audio', { direction: 'recvonly' });
      await c.setLocalDescription(await c.createOffer());
    }
    const server = await WebRtcServer.listen({
      address: '127.0.0.1:0', allowOrigin: '*', isTrustedProxy: () => false, iceServers: [], nat1To1Ips: [], readTimeoutMs: 5000,
      readBufferCount: 64, paths, log: Logger.create({ level: 'error', destinations: [], sink: () => undefined }), tcpMuxAddress: '127.0.0.1:0',
    });
    try {
      const ports = new Set<string>();
      for (const c of clients) {
        // The server sees only the client's active TCP candidates (RFC 6544 §4.5: they connect, port 9).
        const offer = filterCandidates(c.localDescription!.sdp, (l) => / tcp .* tcptype active/.test(l) && l.includes(' 127.0.0.1 '));
        const r = await fetch(`http://127.0.0.1:${server.port}/cam/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: offer });
        assert.equal(r.status, 201);
        const answer = await r.text();
        for (const m of answer.matchAll(/a=candidate:\S+ \d+ tcp \d+ 127\.0\.0\.1 (\d+) typ host tcptype passive/g)) ports.add(m[1]!);
        // The client sees only the server's passive TCP candidates.
        await c.setRemoteDescription({ type: 'answer', sdp: filterCandidates(answer, (l) => l.includes(' tcptype passive')) });
      }
      assert.equal(ports.size, 1, `one TCP port in every answer: ${[...ports].join(', ')}`);
      const port = [...ports][0]!;
      await until(() => server.connections().filter((c) => c.peerConnectionEstablished).length === 2, 10_000);
      assert.equal(server.connections().filter((c) => c.peerConnectionEstablished).length, 2, JSON.stringify(server.connections()));
      assert.ok(server.connections().every((c) => c.localCandidate === `127.0.0.1:${port}`), JSON.stringify(server.connections()));
      for (const c of clients) {
        const pair = c.iceTransports[0]!.getSelectedCandidatePair()!;
        assert.equal(pair.remote.candidate.split(' ')[2]?.toLowerCase(), 'tcp', pair.remote.candidate);
      }
      // The handshake went over the mux: DTLS is done on both sides.
      await until(() => clients.every((c) => c.connectionState === 'connected'), 5000);
      assert.deepEqual(clients.map((c) => c.connectionState), ['connected', 'connected']);
      // Media goes over it too: Opus frames written to the stream arrive at both clients as SRTP in RFC 4571 frames.
      const received = [0, 0];
      clients.forEach((c, i) => c.getTransceivers()[0]!.receiver.tracks.forEach((t) => t.onReceiveRtp.subscribe(() => { received[i]!++; })));
      clients.forEach((c, i) => c.getTransceivers()[0]!.onTrack.subscribe((t) => t.onReceiveRtp.subscribe(() => { received[i]!++; })));
      const stream = paths.streams.get('cam')!;
      const audio = stream.description.medias[1]!;
      for (let n = 0; n < 20; n++) {
        stream.writeUnit(audio, audio.formats[0]!, { pts: n * 960, payload: [Buffer.from([0xfc, 0xff, 0xfe])], randomAccess: true });
        await new Promise((r) => setTimeout(r, 20));
      }
      await until(() => received.every((x) => x >= 15), 3000);
      assert.ok(received.every((x) => x >= 15), `RTP packets received: ${received.join(', ')}`);
      // Ending the sessions forgets their routes (werift closes their passive protocols).
      const mux = (server as unknown as { tcpMux: WeriftTcpMux }).tcpMux;
      assert.ok(mux.sessionCount > 0);
      for (const c of server.connections()) server.kick(c.id);
      await until(() => mux.sessionCount === 0, 3000);
      assert.equal(mux.sessionCount, 0);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    }
  });

  it('closes connections that do not start with a STUN request for a live session', async () => {
    const mux = await WeriftTcpMux.open('127.0.0.1:0');
    try {
      const closedAfter = async (data: Buffer): Promise<boolean> => new Promise((resolve) => {
        const s = connect(mux.port, '127.0.0.1', () => s.write(data));
        const t = setTimeout(() => { s.destroy(); resolve(false); }, 3000);
        s.on('close', () => { clearTimeout(t); resolve(true); });
        s.on('error', () => undefined);
      });
      // Not STUN (RFC 4571 frame of an RTP-looking packet).
      assert.equal(await closedAfter(Buffer.concat([Buffer.from([0, 12]), Buffer.alloc(12, 0x80)])), true);
      // A frame longer than a first STUN request can be.
      assert.equal(await closedAfter(Buffer.from([0xff, 0xff, 0, 1])), true);
      // A STUN Binding request whose USERNAME names no session.
      const user = Buffer.from('nosuch:peer');
      const attr = Buffer.alloc(4 + 12);
      attr.writeUInt16BE(0x0006, 0);
      attr.writeUInt16BE(user.length, 2);
      user.copy(attr, 4);
      const head = Buffer.alloc(20);
      head.writeUInt16BE(0x0001, 0);
      head.writeUInt16BE(attr.length, 2);
      head.writeUInt32BE(0x2112a442, 4);
      const msg = Buffer.concat([head, attr]);
      const frame = Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg]);
      assert.equal(await closedAfter(frame), true);
      await until(() => mux.pendingCount === 0, 1000);
      assert.equal(mux.pendingCount, 0);
    } finally {
      mux.close();
    }
  });
});
