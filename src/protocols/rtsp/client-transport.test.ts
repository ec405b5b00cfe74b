import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSessionHeader, readTransportAnswer, transportOfferHeader } from './client-transport.ts';
import { parseTransportHeader } from './transport-header.ts';
import { negotiateTransport, transportAnswer, type TransportNegotiationContext } from './transport-negotiation.ts';
import { serializeTransportSpec } from './transport-header.ts';
import { RtspParseError } from './rtsp-parse-error.ts';

describe('client transport negotiation', () => {
  it('offers what RFC 2326 §12.39 spells for each transport', () => {
    assert.equal(transportOfferHeader({ kind: 'udp', rtpPort: 60000, rtcpPort: 60001 }), 'RTP/AVP;unicast;client_port=60000-60001');
    assert.equal(transportOfferHeader({ kind: 'multicast' }), 'RTP/AVP;multicast');
    assert.equal(transportOfferHeader({ kind: 'tcp', rtpChannel: 2 }), 'RTP/AVP/TCP;unicast;interleaved=2-3');
  });

  const answers: [Parameters<typeof readTransportAnswer>[0], string | undefined, ReturnType<typeof readTransportAnswer>][] = [
    ['udp', 'RTP/AVP;unicast;client_port=60000-60001;server_port=8000-8001;ssrc=1234ABCD', { kind: 'accepted', transport: { kind: 'udp', serverPorts: [8000, 8001] } }],
    ['udp', 'RTP/AVP;unicast;client_port=60000-60001;source=10.0.0.9', { kind: 'accepted', transport: { kind: 'udp', source: '10.0.0.9' } }],
    ['udp', 'RTP/AVP;unicast;source=evil.example', { kind: 'accepted', transport: { kind: 'udp' } }],
    ['udp', 'RTP/AVP/TCP;unicast;interleaved=0-1', { kind: 'wantsTcp' }],
    ['multicast', 'RTP/AVP/TCP;unicast;interleaved=0-1', { kind: 'wantsTcp' }],
    ['udp', 'RTP/AVP;multicast;destination=224.1.0.1;port=8002-8003', { kind: 'refused', reason: 'the server answered a unicast offer with multicast' }],
    ['multicast', 'RTP/AVP;multicast;destination=224.1.0.1;port=8002-8003;ttl=16', { kind: 'accepted', transport: { kind: 'multicast', group: '224.1.0.1', ports: [8002, 8003] } }],
    ['multicast', 'RTP/AVP;multicast;port=8002-8003', { kind: 'refused', reason: "invalid multicast destination ''" }],
    ['multicast', 'RTP/AVP;multicast;destination=10.0.0.1;port=8002-8003', { kind: 'refused', reason: "invalid multicast destination '10.0.0.1'" }],
    ['multicast', 'RTP/AVP;multicast;destination=224.1.0.1', { kind: 'refused', reason: 'the Transport header has no multicast ports' }],
    ['tcp', 'RTP/AVP/TCP;unicast;interleaved=4-5', { kind: 'accepted', transport: { kind: 'tcp', rtpChannel: 4, rtcpChannel: 5 } }],
    ['tcp', 'RTP/AVP/TCP;unicast;interleaved=3-4', { kind: 'refused', reason: 'invalid interleaved channels 3-4' }],
    ['tcp', 'RTP/AVP/TCP;unicast', { kind: 'refused', reason: 'the Transport header has no interleaved channels' }],
    ['tcp', 'RTP/AVP;unicast;server_port=1-2', { kind: 'refused', reason: 'the server answered a TCP offer with UDP' }],
    ['tcp', undefined, { kind: 'refused', reason: 'the SETUP answer has no Transport header' }],
  ];
  for (const [offered, header, want] of answers) {
    it(`reads a ${offered} answer: ${header ?? '(none)'}`, () => assert.deepEqual(readTransportAnswer(offered, header), want));
  }

  it('accepts what this server answers to each offer (both sides of transport-negotiation)', () => {
    const ctx: TransportNegotiationContext = {
      allowed: new Set(['udp', 'multicast', 'tcp']), isSecure: false, hasUdpListeners: true, isPublishing: false, sessionKind: undefined,
      remoteIp: '127.0.0.1', isChannelUsed: () => false, nextChannel: 0, isUdpPortTaken: () => false,
    };
    const answerOpts = { udpServerPorts: [8000, 8001] as const, multicastPorts: [8002, 8003] as const, multicastGroup: '224.1.0.7', multicastTtl: 16 };
    for (const offer of [{ kind: 'udp', rtpPort: 60000, rtcpPort: 60001 }, { kind: 'multicast' }, { kind: 'tcp', rtpChannel: 0 }] as const) {
      const n = negotiateTransport(parseTransportHeader(transportOfferHeader(offer)), ctx);
      assert.equal(n.kind, 'chosen');
      if (n.kind !== 'chosen') continue;
      const header = serializeTransportSpec(transportAnswer(n.spec, n.transport, answerOpts));
      const read = readTransportAnswer(offer.kind, header);
      assert.equal(read.kind, 'accepted', header);
      if (read.kind === 'accepted') assert.equal(read.transport.kind, offer.kind);
    }
  });

  it('parses Session headers', () => {
    assert.deepEqual(parseSessionHeader('12345678;timeout=60'), { id: '12345678', timeoutS: 60 });
    assert.deepEqual(parseSessionHeader('abc'), { id: 'abc' });
    assert.deepEqual(parseSessionHeader('abc; Timeout = 30'), { id: 'abc', timeoutS: 30 });
    assert.throws(() => parseSessionHeader(''), RtspParseError);
    assert.throws(() => parseSessionHeader('a b'), RtspParseError);
  });

  it('never throws anything but RtspParseError on any answer (property)', () => {
    fc.assert(fc.property(fc.constantFrom('udp', 'multicast', 'tcp'), fc.string({ maxLength: 120 }), (kind, s) => {
      readTransportAnswer(kind, s);
      try { parseSessionHeader(s); } catch (e) { if (!(e instanceof RtspParseError)) throw e; }
    }), { numRuns: 2000 });
  });
});
