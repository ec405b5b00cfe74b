import type { ConfAuthAction, ConfAuthPermission } from '../conf/index.ts';

/** What a permission is checked against: the action and, for publish/read/playback, the path. */
export interface PermissionRequest { readonly action: ConfAuthAction; readonly pathName: string }

// `~regex` paths are compiled once per text; an invalid one matches nothing, as upstream (regexp.Compile error → skip).
const compiled = new Map<string, RegExp | null>();
const MAX_CACHED = 1024;

function pathRegExp(source: string): RegExp | null {
  let re = compiled.get(source);
  if (re === undefined) {
    try { re = new RegExp(source); } catch { re = null; }
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

/**
 * True when one of `perms` allows the request (MediaMTX HEAD internal/auth matchesPermission): same action and, for
 * publish/read/playback, an empty path (any), a `~regex` that matches somewhere in the path (Go MatchString: unanchored)
 * or the same literal path. api/metrics/pprof permissions ignore their path.
 */
export function matchesPermission(perms: readonly ConfAuthPermission[], req: PermissionRequest): boolean {
  return perms.some((p) => {
    if (p.action !== req.action) return false;
    if (p.action !== 'publish' && p.action !== 'read' && p.action !== 'playback') return true;
    if (p.path === '') return true;
    if (p.path.startsWith('~')) return pathRegExp(p.path.slice(1))?.test(req.pathName) ?? false;
    return p.path === req.pathName;
  });
}
