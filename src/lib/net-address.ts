/** A listen address split into host and port (`:8554` → all interfaces). */
export interface ListenAddress { readonly host: string | undefined; readonly port: number }

/** Thrown for listen addresses that are not `[host]:port`. */
export class AddressError extends Error {
  override readonly name = 'AddressError';
}

/** Parses MediaMTX listen addresses: `:8554`, `127.0.0.1:8554`, `[::1]:8554`, `localhost:8554`. */
export function parseListenAddress(addr: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(addr);
  if (!m) throw new AddressError(`invalid address '${addr}': expected [host]:port`);
  const port = Number(m[3]);
  if (port > 65535) throw new AddressError(`invalid address '${addr}': port out of range`);
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port };
}

/** Removes the IPv4-mapped IPv6 prefix that dual-stack sockets report (`::ffff:1.2.3.4` → `1.2.3.4`). */
export function normalizeIp(ip: string | undefined): string {
  if (!ip) return '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
