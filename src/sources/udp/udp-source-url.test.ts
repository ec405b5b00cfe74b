import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMulticastIpv4, parseUdpSourceUrl } from './udp-source-url.ts';

describe('udp:// source URL', () => {
  it('reads unicast, broadcast and multicast addresses with their options', () => {
    assert.deepEqual(parseUdpSourceUrl('udp://0.0.0.0:1234'), { host: '0.0.0.0', port: 1234, isMulticast: false });
    // MediaMTX v1.x's name for the same source.
    assert.deepEqual(parseUdpSourceUrl('udp+mpegts://238.0.0.1:1234'), { host: '238.0.0.1', port: 1234, isMulticast: true });
    assert.deepEqual(parseUdpSourceUrl('udp://255.255.255.255:5000'), { host: '255.255.255.255', port: 5000, isMulticast: false });
    assert.deepEqual(parseUdpSourceUrl('udp://238.0.0.1:1234?interface=eth0'), { host: '238.0.0.1', port: 1234, isMulticast: true, interfaceName: 'eth0' });
    assert.deepEqual(parseUdpSourceUrl('udp://232.1.2.3:1234?source=192.168.3.5'),
      { host: '232.1.2.3', port: 1234, isMulticast: true, source: '192.168.3.5' });
  });

  it('refuses what it can not listen on', () => {
    for (const bad of ['udp://host.example:1234', 'udp://1.2.3.4', 'udp://1.2.3.4:0', 'udp://1.2.3.4:1?source=x', 'rtsp://1.2.3.4:5', 'udp//']) {
      assert.throws(() => parseUdpSourceUrl(bad), /invalid UDP source URL/, bad);
    }
  });

  it('tells multicast addresses (224.0.0.0/4)', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => {
      assert.equal(isMulticastIpv4(ip), Number(ip.split('.')[0]) >= 224 && Number(ip.split('.')[0]) < 240);
    }));
  });

  it('never throws anything but an Error', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      try { parseUdpSourceUrl(`udp://${s}`); } catch (e) { assert.ok(e instanceof Error); }
    }));
  });
});
