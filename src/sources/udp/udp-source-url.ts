import { isIP } from 'node:net';

/** What a `udp://host:port[?source=ip][&interface=name]` source value says (MediaMTX's UDP MPEG-TS source). */
export interface UdpSourceUrl {
  /** Address to listen on: a unicast address of this host, 0.0.0.0, a broadcast address or a multicast group. */
  readonly host: string;
  readonly port: number;
  readonly isMulticast: boolean;
  /** `source=`: only datagrams from this address are taken; with a group, a source-specific join (RFC 4607). */
  readonly source?: string;
  /** `interface=`: name of the network interface to join the group on (the system's default otherwise). */
  readonly interfaceName?: string;
}

/** True for IPv4 multicast addresses (224.0.0.0/4, RFC 5771). */
export function isMulticastIpv4(ip: string): boolean {
  const first = Number(ip.split('.')[0]);
  return isIP(ip) === 4 && first >= 224 && first <= 239;
}

/** Parses a `udp://` source value; throws an Error saying what is wrong. IPv4 literals only, as MediaMTX v0.22. */
export function parseUdpSourceUrl(value: string): UdpSourceUrl {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error(`invalid UDP source URL '${value}'`);
  }
  // MediaMTX v1.x spells the same source `udp+mpegts://`.
  if (u.protocol !== 'udp:' && u.protocol !== 'udp+mpegts:') throw new Error(`invalid UDP source URL '${value}': the scheme must be udp:// or udp+mpegts://`);
  const host = u.hostname;
  if (isIP(host) !== 4) throw new Error(`invalid UDP source URL '${value}': the host must be an IPv4 address`);
  const port = Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || u.port === '') throw new Error(`invalid UDP source URL '${value}': a port is needed`);
  const source = u.searchParams.get('source') ?? undefined;
  if (source !== undefined && isIP(source) !== 4) throw new Error(`invalid UDP source URL '${value}': source= must be an IPv4 address`);
  const interfaceName = u.searchParams.get('interface') ?? undefined;
  return {
    host, port, isMulticast: isMulticastIpv4(host),
    ...(source !== undefined ? { source } : {}), ...(interfaceName ? { interfaceName } : {}),
  };
}
