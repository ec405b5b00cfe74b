import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IpList, IpListError, ipBytes } from './ip-list.ts';

// [entries, client ip, allowed]
const VECTORS: [string[], string, boolean][] = [
  [['127.0.0.1'], '127.0.0.1', true],
  [['127.0.0.1'], '127.0.0.2', false],
  [['192.168.1.0/24'], '192.168.1.77', true],
  [['192.168.1.0/24'], '192.168.2.1', false],
  [['10.0.0.0/8'], '10.255.255.255', true],
  [['10.1.2.3/8'], '10.9.9.9', true], // host bits in the entry are masked, as Go's ParseCIDR does
  [['172.16.0.0/12'], '172.31.0.1', true],
  [['172.16.0.0/12'], '172.32.0.1', false],
  [['192.168.1.128/25'], '192.168.1.127', false],
  [['192.168.1.128/25'], '192.168.1.128', true],
  [['0.0.0.0/0'], '8.8.8.8', true],
  [['1.2.3.4/32'], '1.2.3.4', true],
  [['::1'], '::1', true],
  [['::1'], '::2', false],
  [['::1'], '0:0:0:0:0:0:0:1', true],
  [['2001:db8::/32'], '2001:db8:ffff::1', true],
  [['2001:db8::/32'], '2001:db9::1', false],
  [['2001:db8::/33'], '2001:db8:7fff::1', true],
  [['2001:db8::/33'], '2001:db8:8000::1', false],
  [['fe80::/10'], 'fe80::1%eth0', true],
  [['::/0'], '2001:db8::1', true],
  [['::/0'], '1.2.3.4', false], // Go's IPNet does not put IPv4 inside ::/0 either
  // IPv4-mapped IPv6, as a dual-stack socket reports an IPv4 client.
  [['127.0.0.1'], '::ffff:127.0.0.1', true],
  [['127.0.0.1'], '::FFFF:127.0.0.1', true],
  [['127.0.0.1'], '::ffff:7f00:1', true],
  [['192.168.1.0/24'], '::ffff:192.168.1.9', true],
  [['192.168.1.0/24'], '::ffff:192.168.2.9', false],
  [['::ffff:10.0.0.0/104'], '10.20.30.40', true],
  [['::ffff:10.0.0.0/104'], '11.0.0.1', false],
  [['::ffff:1.2.3.4'], '1.2.3.4', true],
  // Several entries, mixed families.
  [['10.0.0.1', '2001:db8::/64'], '2001:db8::99', true],
  [['10.0.0.1', '2001:db8::/64'], '10.0.0.1', true],
  [['10.0.0.1', '2001:db8::/64'], '10.0.0.2', false],
  // Garbage client addresses never match.
  [['0.0.0.0/0'], '', false],
  [['0.0.0.0/0'], 'localhost', false],
  [['0.0.0.0/0'], '1.2.3.4.5', false],
  [['::/0'], ':::1', false],
];

describe('IpList', () => {
  it('matches addresses, CIDRs and IPv4-mapped IPv6 as Go net.IPNet does', () => {
    for (const [entries, ip, want] of VECTORS) {
      assert.equal(new IpList(entries).contains(ip), want, `${JSON.stringify(entries)} ∋ ${ip}`);
    }
  });

  it('rejects entries that are not an address or a CIDR with IpListError', () => {
    for (const bad of ['', 'foo', '1.2.3', '1.2.3.4/33', '::1/129', '1.2.3.4/', '1.2.3.4/-1', '1.2.3.4/8/8', '10.0.0.0/ 8', '300.1.1.1']) {
      assert.throws(() => new IpList([bad]), IpListError, bad);
    }
  });

  it('expands IPv6 addresses to 16 bytes and IPv4 (mapped or not) to 4', () => {
    assert.deepEqual([...ipBytes('1.2.3.4')!], [1, 2, 3, 4]);
    assert.deepEqual([...ipBytes('::ffff:1.2.3.4')!], [1, 2, 3, 4]);
    assert.deepEqual([...ipBytes('2001:db8::1')!], [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual([...ipBytes('::1.2.3.4')!], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    assert.equal(ipBytes('nope'), undefined);
  });

  it('puts every IPv4 address of a CIDR inside it and the first address after it outside (property)', () => {
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), fc.nat({ max: 0xffffffff }), (base, bits, offset) => {
      const size = 2 ** (32 - bits);
      const net = Math.floor(base / size) * size;
      const inside = net + (offset % size);
      const str = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
      const list = new IpList([`${str(net)}/${bits}`]);
      assert.equal(list.contains(str(inside)), true);
      assert.equal(list.contains(`::ffff:${str(inside)}`), true);
      if (net + size <= 0xffffffff) assert.equal(list.contains(str(net + size)), false);
    }), { numRuns: 1000 });
  });

  it('never throws on arbitrary client addresses (property)', () => {
    const list = new IpList(['10.0.0.0/8', '2001:db8::/32']);
    fc.assert(fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (ip) => {
      assert.equal(typeof list.contains(ip), 'boolean');
    }), { numRuns: 2000 });
  });

  it('accepts every IPv6 address fast-check generates and matches it exactly (property)', () => {
    fc.assert(fc.property(fc.ipV6(), (ip) => {
      assert.equal(new IpList([ip]).contains(ip), true);
    }), { numRuns: 1000 });
  });
});
