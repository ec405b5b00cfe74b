import type { PathConf } from '../conf/index.ts';

/**
 * Path keys a running path takes without being recreated: credentials and IP lists, since they are checked again at
 * every publish and read request and a change must not drop readers that still pass. MediaMTX v0.22.2 also updates
 * the Raspberry Pi camera's image settings live (its camera library takes them in-process); ours drives the camera
 * tool as a child process that reads its options once, so an rpiCamera* change recreates the path (restarting the tool).
 */
export const LIVE_PATH_KEYS = [
  'publishUser', 'publishPass', 'publishIPs', 'readUser', 'readPass', 'readIPs',
] as const satisfies readonly (keyof PathConf)[];

const LIVE = new Set<string>(LIVE_PATH_KEYS);

/** What a configuration change does to a running path: nothing, a live update, or close and recreate. */
export type PathChange = 'none' | 'live' | 'recreate';

/** Compares two configurations of one path (the `regexp` field is derived from the name and ignored). */
export function pathChange(prev: PathConf, next: PathConf): PathChange {
  let change: PathChange = 'none';
  const keys = new Set([...Object.keys(prev), ...Object.keys(next)]);
  for (const k of keys) {
    if (k === 'regexp') continue;
    const a = (prev as unknown as Record<string, unknown>)[k];
    const b = (next as unknown as Record<string, unknown>)[k];
    if (sameValue(a, b)) continue;
    if (!LIVE.has(k)) return 'recreate';
    change = 'live';
  }
  return change;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  return Object.is(a, b);
}
