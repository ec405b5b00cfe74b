import { isIP } from 'node:net';

/** Thrown for entries that are neither an IP address nor a CIDR. */
export class IpListError extends Error {
  override readonly name = 'IpListError';
}

interface Net { readonly bytes: Uint8Array; readonly prefix: number }

function parseV4(s: string): Uint8Array | undefined {
  if (isIP(s) !== 4) return undefined;
  return Uint8Array.from(s.split('.').map(Number));
}

function parseV6(s: string): Uint8Array | undefined {
  if (isIP(s) !== 6) return undefined;
  // A trailing dotted quad (`::ffff:1.2.3.4`, RFC 4291 §2.2 form 3) becomes two hex groups.
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const b = parseV4(tail);
    if (!b) return undefined;
    s = `${s.slice(0, lastColon + 1)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  const groups = (part: string | undefined): number[] => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const all = halves.length === 2 ? [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest] : head;
  if (all.length !== 8 || all.some((g) => !(g >= 0 && g <= 0xffff))) return undefined;
  const out = new Uint8Array(16);
  all.forEach((g, i) => { out[i * 2] = g >> 8; out[i * 2 + 1] = g & 0xff; });
  return out;
}

/** True for `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2), which dual-stack sockets report for IPv4 clients. */
function isV4Mapped(b: Uint8Array): boolean {
  if (b.length !== 16 || b[10] !== 0xff || b[11] !== 0xff) return false;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return true;
}

/** Address bytes: 4 for IPv4 and IPv4-mapped IPv6, 16 for other IPv6; a zone (`%eth0`) is ignored. */
export function ipBytes(ip: string): Uint8Array | undefined {
  const addr = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  const v4 = parseV4(addr);
  if (v4) return v4;
  const v6 = parseV6(addr);
  if (!v6) return undefined;
  return isV4Mapped(v6) ? v6.slice(12) : v6;
}

function parseEntry(entry: string): Net {
  const slash = entry.indexOf('/');
  const addr = slash < 0 ? entry : entry.slice(0, slash);
  const bits = slash < 0 ? undefined : entry.slice(slash + 1);
  const zoneless = addr.includes('%') ? addr.slice(0, addr.indexOf('%')) : addr;
  const full = parseV4(zoneless) ?? parseV6(zoneless);
  if (!full) throw new IpListError(`invalid IP or CIDR '${entry}'`);
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) throw new IpListError(`invalid CIDR '${entry}'`);
  let prefix = bits === undefined ? full.length * 8 : Number(bits);
  if (prefix > full.length * 8) throw new IpListError(`invalid CIDR '${entry}'`);
  if (!isV4Mapped(full)) return { bytes: full, prefix };
  // Like Go's net.IPNet, an IPv4-mapped entry is an IPv4 network: its prefix counts from bit 96.
  prefix = Math.max(0, prefix - 96);
  return { bytes: full.slice(12), prefix };
}

function inNet(n: Net, b: Uint8Array): boolean {
  if (n.bytes.length !== b.length) return false;
  const whole = n.prefix >> 3;
  for (let i = 0; i < whole; i++) if (n.bytes[i] !== b[i]) return false;
  const rem = n.prefix & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return (n.bytes[whole]! & mask) === (b[whole]! & mask);
}

/** A parsed `publishIPs`/`readIPs` list (addresses and CIDRs, IPv4 and IPv6). */
export class IpList {
  private readonly nets: readonly Net[];

  /** Throws IpListError for an entry that is not an address or CIDR. */
  constructor(entries: readonly string[]) {
    this.nets = entries.map(parseEntry);
  }

  /** True when `ip` is inside one of the entries; IPv4-mapped IPv6 addresses match IPv4 entries. */
  contains(ip: string): boolean {
    const b = ipBytes(ip);
    if (!b) return false;
    return this.nets.some((n) => inNet(n, b));
  }
}
