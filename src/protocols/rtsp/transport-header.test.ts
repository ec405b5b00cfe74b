import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseTransportHeader, serializeTransportSpec } from './transport-header.ts';
import { RtspParseError } from './rtsp-parse-error.ts';

describe('Transport header', () => {
  const vectors: [string, object][] = [
    ['RTP/AVP/UDP;unicast;client_port=5000-5001', { protocol: 'RTP/AVP', lowerTransport: 'udp', delivery: 'unicast', clientPorts: [5000, 5001] }],
    ['RTP/AVP;unicast;client_port=40000-40001;mode="PLAY"', { protocol: 'RTP/AVP', lowerTransport: 'udp', delivery: 'unicast', clientPorts: [40000, 40001], mode: 'play' }],
    ['RTP/AVP/TCP;unicast;interleaved=0-1;mode=record', { protocol: 'RTP/AVP', lowerTransport: 'tcp', delivery: 'unicast', interleaved: [0, 1], mode: 'record' }],
    ['RTP/AVP;multicast', { protocol: 'RTP/AVP', lowerTransport: 'udp', delivery: 'multicast' }],
    ['RTP/AVP;multicast;destination=224.1.0.1;port=8002-8003;ttl=16', { protocol: 'RTP/AVP', lowerTransport: 'udp', delivery: 'multicast', destination: '224.1.0.1', ports: [8002, 8003], ttl: 16 }],
  ];
  for (const [text, want] of vectors) {
    it(`parses ${text}`, () => assert.deepEqual(parseTransportHeader(text), [want]));
  }

  it('keeps the client order of alternatives', () => {
    const t = parseTransportHeader('RTP/AVP/TCP;unicast;interleaved=0-1, RTP/AVP;unicast;client_port=1-2');
    assert.deepEqual(t.map((x) => x.lowerTransport), ['tcp', 'udp']);
  });

  it('serialises what it parses (property)', () => {
    const port = fc.integer({ min: 1, max: 65534 });
    fc.assert(fc.property(port, fc.integer({ min: 0, max: 254 }), fc.boolean(), (p, ch, tcp) => {
      const spec = tcp
        ? { protocol: 'RTP/AVP', lowerTransport: 'tcp' as const, delivery: 'unicast' as const, interleaved: [ch, ch + 1] as const }
        : { protocol: 'RTP/AVP', lowerTransport: 'udp' as const, delivery: 'unicast' as const, clientPorts: [p, p + 1] as const };
      assert.deepEqual(parseTransportHeader(serializeTransportSpec(spec)), [spec]);
    }), { numRuns: 500 });
  });

  it('refuses malformed headers with RtspParseError only (property)', () => {
    for (const bad of ['', 'XYZ', 'RTP/AVP;client_port=70000-70001', 'RTP/AVP/TCP;interleaved=255-256', 'RTP/AVP;ttl=999']) {
      assert.throws(() => parseTransportHeader(bad), RtspParseError, bad);
    }
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => {
      try { parseTransportHeader(s); } catch (e) { if (!(e instanceof RtspParseError)) throw e; }
    }), { numRuns: 2000 });
  });
});
