import { isIP } from 'node:net';
import { splitIceServerEntry } from '../lib/index.ts';
import type { Conf } from './conf-types.ts';
import { ConfError } from './conf-error.ts';
import type { KeyLocator } from './conf-error.ts';

/**
 * True for an IP address or a CIDR (`10.0.0.0/8`, `::1/128`). Prefix lengths have at most 3 digits, as the
 * server's IpList reads them, so nothing accepted here is refused when a listener starts.
 */
export function isIpOrCidr(e: string): boolean {
  const [ip, bits, extra] = e.split('/');
  const v = isIP(ip ?? '');
  return v !== 0 && extra === undefined && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128)));
}

function invalid(locate: KeyLocator, key: string, reason: string): ConfError {
  return new ConfError(`invalid value for '${key}'${locate(key)}: ${reason}`);
}

/** Refuses the first entry of `list` that is not an IP address or CIDR, naming the key and where it was written. */
export function checkIpList(locate: KeyLocator, key: string, list: readonly string[]): void {
  const bad = list.find((e) => !isIpOrCidr(e));
  if (bad !== undefined) throw invalid(locate, key, `'${bad}' is not an IP address or CIDR`);
}

/**
 * The trusted proxies of each HTTP listener, v0.22.2's and v1.x's (MediaMTX reads them as `IPNetworks`, refused at
 * load when an entry does not parse).
 */
export const TRUSTED_PROXY_KEYS = [
  'hlsTrustedProxies', 'webrtcTrustedProxies', 'apiTrustedProxies', 'metricsTrustedProxies', 'pprofTrustedProxies',
  'playbackTrustedProxies', 'rtspTrustedProxies', 'rtmpTrustedProxies', 'moqTrustedProxies',
] as const satisfies readonly (keyof Conf)[];

/**
 * Lists a server would otherwise refuse only when it starts (and then stop the process without naming the key):
 * trusted proxies, and `webrtcICEServers` (or v1.x `webrtcICEServers2`, read into it), whose messages mask TURN passwords.
 */
export function validateNetworkLists(conf: Conf, locate: KeyLocator): void {
  for (const key of TRUSTED_PROXY_KEYS) checkIpList(locate, key, conf[key]);
  conf.webrtcICEServers.forEach((entry, i) => {
    try {
      splitIceServerEntry(entry);
    } catch (err) {
      throw invalid(locate, 'webrtcICEServers', `entry ${i + 1}: ${(err as Error).message}`);
    }
  });
}
