import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { negotiateTransport, transportAnswer, type TransportNegotiation, type TransportNegotiationContext } from './transport-negotiation.ts';
import { parseTransportHeader, serializeTransportSpec, type RtspTransportSpec } from './transport-header.ts';
import type { MediaTransport, TransportKind } from './media-transport.ts';

const CLIENT_IP = '10.0.0.5';

interface Setting {
  allowed?: TransportKind[];
  isSecure?: boolean;
  hasUdpListeners?: boolean;
  isPublishing?: boolean;
  sessionKind?: TransportKind;
  usedChannels?: number[];
  nextChannel?: number;
  takenPorts?: number[];
}

function context(s: Setting = {}): TransportNegotiationContext {
  return {
    allowed: new Set(s.allowed ?? ['udp', 'multicast', 'tcp']), isSecure: s.isSecure ?? false,
    hasUdpListeners: s.hasUdpListeners ?? true, isPublishing: s.isPublishing ?? false, sessionKind: s.sessionKind,
    remoteIp: CLIENT_IP, isChannelUsed: (ch) => (s.usedChannels ?? []).includes(ch), nextChannel: s.nextChannel ?? 0,
    isUdpPortTaken: (port) => (s.takenPorts ?? []).includes(port),
  };
}

/** The outcome without the offer it came from: the transport chosen, or the status and reason. */
function outcome(r: TransportNegotiation): MediaTransport | [number, string] {
  return r.kind === 'chosen' ? r.transport : [r.statusCode, r.reason];
}

const udp = (rtp: number, rtcp: number): MediaTransport => ({ kind: 'udp', clientIp: CLIENT_IP, clientRtpPort: rtp, clientRtcpPort: rtcp });
const tcp = (rtp: number, rtcp: number): MediaTransport => ({ kind: 'tcp', rtpChannel: rtp, rtcpChannel: rtcp });

// Transport header sent by the client (RFC 2326 §12.39) + what the server can do → the transport chosen, or the status.
const TABLE: [string, string, Setting, MediaTransport | [number, string]][] = [
  ['FFmpeg reading over UDP', 'RTP/AVP/UDP;unicast;client_port=5000-5001', {}, udp(5000, 5001)],
  ['FFmpeg reading over TCP', 'RTP/AVP/TCP;unicast;interleaved=2-3', {}, tcp(2, 3)],
  ['TCP without channels: the next free pair', 'RTP/AVP/TCP;unicast', { nextChannel: 4 }, tcp(4, 5)],
  ['VLC multicast', 'RTP/AVP;multicast', {}, { kind: 'multicast' }],
  ['a publisher over UDP', 'RTP/AVP;unicast;client_port=6000-6001;mode=record', { isPublishing: true }, udp(6000, 6001)],
  ['the first acceptable of several, in the client order', 'RTP/AVP/TCP;unicast;interleaved=0-1, RTP/AVP;unicast;client_port=5000-5001', {}, tcp(0, 1)],
  ['TCP after UDP under RTSPS', 'RTP/AVP;unicast;client_port=5000-5001, RTP/AVP/TCP;unicast;interleaved=0-1', { isSecure: true }, tcp(0, 1)],
  ['TCP after disabled UDP (GStreamer offers every transport)', 'RTP/AVP;unicast;client_port=5000-5001, RTP/AVP/TCP;unicast', { allowed: ['tcp'] }, tcp(0, 1)],
  ['UDP to the RTSP client address, whatever destination says', 'RTP/AVP;unicast;destination=192.0.2.9;client_port=5000-5001', {}, udp(5000, 5001)],
  ['UDP under RTSPS', 'RTP/AVP;unicast;client_port=5000-5001', { isSecure: true }, [461, 'only TCP is supported with RTSPS']],
  ['disabled UDP', 'RTP/AVP;unicast;client_port=5000-5001', { allowed: ['tcp', 'multicast'] }, [461, 'transport udp is disabled']],
  ['UDP without UDP listeners', 'RTP/AVP;unicast;client_port=5000-5001', { hasUdpListeners: false }, [461, 'UDP is not available']],
  ['multicast publishing', 'RTP/AVP;multicast;mode=record', { isPublishing: true }, [461, 'multicast publishing is not supported']],
  ['UDP in a TCP session', 'RTP/AVP;unicast;client_port=5000-5001', { sessionKind: 'tcp' }, [461, 'can\'t mix transports in one session']],
  ['nothing acceptable: the last reason', 'RTP/AVP/TCP;unicast, RTP/AVP;multicast', { allowed: ['udp'] }, [461, 'transport multicast is disabled']],
  ['channels not a pair', 'RTP/AVP/TCP;unicast;interleaved=0-2', {}, [400, 'invalid interleaved channels 0-2']],
  ['channels in use', 'RTP/AVP/TCP;unicast;interleaved=0-1', { usedChannels: [0, 1] }, [400, 'interleaved channels 0-1 already in use']],
  ['TCP with no channel pair left', 'RTP/AVP/TCP;unicast', { nextChannel: 255 }, [400, 'invalid interleaved channels 255-256']],
  ['UDP without client_port', 'RTP/AVP;unicast', {}, [400, 'Transport header lacks client_port']],
  ['UDP to port 0', 'RTP/AVP;unicast;client_port=0-1', {}, [400, 'invalid client_port']],
  ['UDP ports another session of the address claimed', 'RTP/AVP;unicast;client_port=5000-5001', { takenPorts: [5001] }, [400, 'client_port already in use']],
];

describe('negotiateTransport', () => {
  for (const [name, header, setting, want] of TABLE) {
    it(`${name}: ${header}`, () => assert.deepEqual(outcome(negotiateTransport(parseTransportHeader(header), context(setting))), want));
  }

  it('answers with the offer it chose', () => {
    const offers = parseTransportHeader('RTP/AVP;unicast;client_port=5000-5001, RTP/AVP/TCP;unicast;interleaved=0-1;mode=record');
    const r = negotiateTransport(offers, context({ allowed: ['tcp'] }));
    assert.equal(r.kind === 'chosen' && r.spec, offers[1]);
  });

  it('chooses only an allowed transport of the session family, or refuses with 400 or 461 (property)', () => {
    const kinds = fc.subarray(['udp', 'multicast', 'tcp'] as TransportKind[]);
    const spec: fc.Arbitrary<RtspTransportSpec> = fc.record({
      protocol: fc.constant('RTP/AVP'), lowerTransport: fc.constantFrom('udp' as const, 'tcp' as const),
      delivery: fc.constantFrom('unicast' as const, 'multicast' as const, undefined),
      clientPorts: fc.option(fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })), { nil: undefined }),
      interleaved: fc.option(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })), { nil: undefined }),
    }, { requiredKeys: ['protocol', 'lowerTransport'] });
    const setting = fc.record({
      allowed: kinds, isSecure: fc.boolean(), hasUdpListeners: fc.boolean(), isPublishing: fc.boolean(),
      sessionKind: fc.constantFrom('udp' as const, 'multicast' as const, 'tcp' as const, undefined),
      usedChannels: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }), nextChannel: fc.integer({ min: 0, max: 254 }),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.array(spec, { maxLength: 4 }), setting, (specs, s) => {
      const r = negotiateTransport(specs, context(s));
      if (r.kind === 'refused') { assert.ok(r.statusCode === 400 || r.statusCode === 461); return; }
      assert.ok(context(s).allowed.has(r.transport.kind));
      assert.ok(s.sessionKind === undefined || r.transport.kind === s.sessionKind);
      assert.ok(!s.isSecure || r.transport.kind === 'tcp');
    }), { numRuns: 1000 });
  });
});

describe('transportAnswer', () => {
  const opts = { udpServerPorts: [8000, 8001] as const, multicastPorts: [8002, 8003] as const, multicastGroup: '224.1.0.1', multicastTtl: 16 };
  const answers: [string, MediaTransport, string][] = [
    ['RTP/AVP;unicast;client_port=5000-5001', udp(5000, 5001), 'RTP/AVP;unicast;client_port=5000-5001;server_port=8000-8001'],
    ['RTP/AVP/TCP;unicast;interleaved=0-1;mode=record', tcp(0, 1), 'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record'],
    ['RTP/AVP/TCP', tcp(2, 3), 'RTP/AVP/TCP;unicast;interleaved=2-3'],
    ['RTP/AVP;multicast', { kind: 'multicast' }, 'RTP/AVP;multicast;destination=224.1.0.1;port=8002-8003;ttl=16'],
  ];
  for (const [offer, chosen, want] of answers) {
    it(`answers ${offer} with ${want}`, () => {
      assert.equal(serializeTransportSpec(transportAnswer(parseTransportHeader(offer)[0]!, chosen, opts)), want);
    });
  }
});
