import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RTCPeerConnection } from 'werift';
import { Logger } from '../../lib/index.ts';
import { h264Format, opusFormat } from '../../formats/index.ts';
import { Stream } from '../../stream/index.ts';
import { FakePathAccess } from '../../../test/support/fake-path-access.ts';
import { CHROMIUM_WHEP_OFFER } from '../../../test/support/webrtc-offers.ts';
import { makeSelfSignedCert } from '../../../test/support/tls.ts';
import { WebRtcServer } from './webrtc-server.ts';

const SPS = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xd9]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);

/** Sockets and timers of the process (Node's own count of what keeps the loop alive). */
function handles(): number {
  return (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
}

describe('WebRTC sessions that never connect (werift)', () => {
  it('are closed at the handshake deadline with their sockets, timers and path leases released', async () => {
    const paths = new FakePathAccess();
    paths.streams.set('cam', new Stream({ medias: [{ kind: 'video', formats: [h264Format(96, SPS, PPS)] }, { kind: 'audio', formats: [opusFormat(97, 2)] }] }));
    const server = await WebRtcServer.listen({
      address: '127.0.0.1:0', allowOrigin: '*', isTrustedProxy: () => false, iceServers: [], nat1To1Ips: [], readTimeoutMs: 5000,
      readBufferCount: 64, paths, log: Logger.create({ level: 'error', destinations: [], sink: () => undefined }), handshakeTimeoutMs: 2000,
    });
    try {
      const before = handles();
      const N = 20;
      const answers = await Promise.all(Array.from({ length: N }, () => fetch(`http://127.0.0.1:${server.port}/cam/whep`, {
        method: 'POST', headers: { 'Content-Type': 'application/sdp', Connection: 'close' }, body: CHROMIUM_WHEP_OFFER,
      }).then(async (r) => { await r.text(); return r.status; })));
      assert.deepEqual(answers, Array(N).fill(201));
      assert.ok(server.connections().length > 0 && handles() > before, 'the peers hold sockets while they wait');
      const t1 = Date.now();
      while (server.connections().length > 0 && Date.now() - t1 < 8000) await new Promise((r) => setTimeout(r, 100));
      assert.equal(server.connections().length, 0);
      assert.equal(paths.events.filter((e) => e === 'release reader cam').length, N);
      // Closing a werift peer ends its sockets asynchronously.
      const t0 = Date.now();
      while (handles() > before && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 100));
      assert.ok(handles() <= before, `handles: ${handles()} now, ${before} before`);
    } finally {
      await server.close();
    }
  });
});

describe('WebRTC server over HTTPS (webrtcEncryption)', () => {
  it('serves the pages over TLS with the configured key and certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-webrtc-tls-'));
    const { key, cert } = makeSelfSignedCert(dir);
    const server = await WebRtcServer.listen({
      address: '127.0.0.1:0', allowOrigin: '*', isTrustedProxy: () => false, iceServers: [], nat1To1Ips: [], readTimeoutMs: 5000,
      readBufferCount: 64, paths: new FakePathAccess(), log: Logger.create({ level: 'error', destinations: [], sink: () => undefined }),
      tls: { keyFile: key, certFile: cert },
    });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port: server.port, path: '/cam/publish', rejectUnauthorized: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); })
          .on('error', reject).end();
      });
      assert.equal(status, 200);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WebRTC server with webrtcICEUDPMuxAddress (werift on both sides, in process)', () => {
  it('carries two sessions at once on the one UDP port', async () => {
    const paths = new FakePathAccess();
    paths.streams.set('cam', new Stream({ medias: [{ kind: 'video', formats: [h264Format(96, SPS, PPS)] }, { kind: 'audio', formats: [opusFormat(97, 2)] }] }));
    // The clients gather before the mux replaces werift's transport factory, so they keep sockets of their own.
    const clients = [new RTCPeerConnection({ iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'] }), new RTCPeerConnection({ iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'] })];
    for (const c of clients) {
      c.addTransceiver('audio', { direction: 'recvonly' });
      await c.setLocalDescription(await c.createOffer());
    }
    const server = await WebRtcServer.listen({
      address: '127.0.0.1:0', allowOrigin: '*', isTrustedProxy: () => false, iceServers: [], nat1To1Ips: [], readTimeoutMs: 5000,
      readBufferCount: 64, paths, log: Logger.create({ level: 'error', destinations: [], sink: () => undefined }), udpMuxAddress: '127.0.0.1:0',
    });
    try {
      const ports = new Set<string>();
      for (const c of clients) {
        const r = await fetch(`http://127.0.0.1:${server.port}/cam/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: c.localDescription!.sdp });
        assert.equal(r.status, 201);
        const answer = await r.text();
        for (const m of answer.matchAll(/a=candidate:\S+ \d+ udp \d+ (\S+) (\d+) typ host/g)) ports.add(m[2]!);
        await c.setRemoteDescription({ type: 'answer', sdp: answer });
      }
      assert.equal(ports.size, 1, `one port in every answer: ${[...ports].join(', ')}`);
      const t0 = Date.now();
      while (server.connections().filter((c) => c.peerConnectionEstablished).length < 2 && Date.now() - t0 < 8000) await new Promise((r) => setTimeout(r, 100));
      assert.equal(server.connections().filter((c) => c.peerConnectionEstablished).length, 2, JSON.stringify(server.connections()));
      assert.ok(server.connections().every((c) => c.localCandidate.endsWith(`:${[...ports][0]}`)), JSON.stringify(server.connections()));
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    }
  });
});
