import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { watchPackageImports } from '../../../test/support/module-resolutions.ts';

// Watched before the server's modules load (hence the dynamic imports below): whoever imports werift is seen.
const imports = watchPackageImports(['werift']);
const { Logger } = await import('../../lib/index.ts');
const { h264Format, opusFormat } = await import('../../formats/index.ts');
const { Stream } = await import('../../stream/index.ts');
const { FakePathAccess } = await import('../../../test/support/fake-path-access.ts');
const { CHROMIUM_WHEP_OFFER } = await import('../../../test/support/webrtc-offers.ts');
const { WebRtcServer } = await import('./webrtc-server.ts');

describe('WebRTC server with shared ICE ports (webrtcLocalUDPAddress, webrtcLocalTCPAddress)', () => {
  it('opens both ports at start without loading werift (~8 MiB of an idle server), and answers the first session with candidates on them', async () => {
    const paths = new FakePathAccess();
    paths.streams.set('cam', new Stream({ medias: [{ kind: 'video', formats: [h264Format(96, Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xd9]), Buffer.from([0x68, 0xce, 0x3c, 0x80]))] }, { kind: 'audio', formats: [opusFormat(97, 2)] }] }));
    const server = await WebRtcServer.listen({
      address: '127.0.0.1:0', allowOrigin: '*', isTrustedProxy: () => false, iceServers: [], nat1To1Ips: [], readTimeoutMs: 5000,
      readBufferCount: 64, paths, log: Logger.create({ level: 'error', destinations: [], sink: () => undefined }),
      udpMuxAddress: '127.0.0.1:0', tcpMuxAddress: '127.0.0.1:0', handshakeTimeoutMs: 2000,
    });
    try {
      const { udpMux, tcpMux } = server as unknown as { udpMux?: { port: number }; tcpMux?: { port: number } };
      assert.ok(udpMux && udpMux.port > 0 && tcpMux && tcpMux.port > 0, 'both shared ports are bound at start');
      await imports.settle();
      assert.deepEqual(imports.seen(), [], 'werift is not imported until a session needs it');

      const r = await fetch(`http://127.0.0.1:${server.port}/cam/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: CHROMIUM_WHEP_OFFER });
      const answer = await r.text();
      assert.equal(r.status, 201, answer);
      await imports.settle();
      assert.ok(imports.seen().includes('werift'), `werift is imported for the first session: ${imports.seen().join(', ')}`);
      // werift gathered on the shared ports, which it was pointed at only now.
      assert.match(answer, new RegExp(`a=candidate:\\S+ \\d+ udp \\d+ 127\\.0\\.0\\.1 ${udpMux.port} typ host`), answer);
      assert.match(answer, new RegExp(`a=candidate:\\S+ \\d+ tcp \\d+ 127\\.0\\.0\\.1 ${tcpMux.port} typ host tcptype passive`), answer);
    } finally {
      await server.close();
    }
  });
});
