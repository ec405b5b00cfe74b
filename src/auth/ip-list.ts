import { isIP } from 'node:net';

/** Thrown for entries that are neither an IP address nor a CIDR. */
export class IpListError extends Error {
  override readonly name = 'IpListError';
}

interface Net { bytes: Uint8Array; prefix: number }

function toBytes(ip: string): Uint8Array | undefined {
  const v = isIP(ip);
  if (v === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (v !== 6) return undefined;
  // IPv4-mapped IPv6 (`::ffff:1.2.3.4`) compares as IPv4.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return toBytes(mapped[1]!);
  const [head, tail] = ip.includes('::') ? ip.split('::') as [string, string] : [ip, undefined];
  const parse = (s: string | undefined): number[] => (s ? s.split(':').flatMap((g) => {
    if (g.includes('.')) { const b = toBytes(g)!; return [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!]; }
    return [parseInt(g, 16)];
  }) : []);
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { out[i * 2] = g >> 8; out[i * 2 + 1] = g & 0xff; });
  return out;
}

/** A parsed `publishIPs`/`readIPs` list (addresses and CIDRs, IPv4 and IPv6). */
export class IpList {
  private readonly nets: Net[];

  constructor(entries: readonly string[]) {
    this.nets = entries.map((e) => {
      const [addr, bits] = e.split('/');
      const bytes = toBytes(addr ?? '');
      if (!bytes) throw new IpListError(`invalid IP or CIDR '${e}'`);
      const prefix = bits === undefined ? bytes.length * 8 : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > bytes.length * 8) throw new IpListError(`invalid CIDR '${e}'`);
      return { bytes, prefix };
    });
  }

  /** True when `ip` is inside one of the entries. */
  contains(ip: string): boolean {
    const b = toBytes(ip);
    if (!b) return false;
    return this.nets.some((n) => {
      if (n.bytes.length !== b.length) return false;
      for (let bit = 0; bit < n.prefix; bit++) {
        const byte = bit >> 3;
        const mask = 0x80 >> (bit & 7);
        if ((n.bytes[byte]! & mask) !== (b[byte]! & mask)) return false;
      }
      return true;
    });
  }
}
