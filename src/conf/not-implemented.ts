import type { Conf, PathConf } from './conf-types.ts';
import { PATH_KEYS } from './keys.ts';
import { parseValue } from './value-parsers.ts';
import { redactUrl } from '../lib/index.ts';
import { v1NotImplementedParts } from './v1-not-implemented.ts';
import { sourceSchemeOf } from './source-schemes.ts';

/**
 * Features the server does not have yet, as data: each entry says when it is in use and which keys belong to it.
 * Edit this table as features land; `notImplementedWarnings` turns it into one warning line.
 */
export const NOT_IMPLEMENTED: readonly { feature: string; inUse: (c: Conf) => boolean; keys: readonly string[] }[] = [];

/** Path keys of features not built yet (none now: the Raspberry Pi camera keys are built). */
const PATH_NOT_IMPLEMENTED: readonly string[] = [];

function differsFromDefault(p: PathConf, k: string): boolean {
  const spec = (PATH_KEYS as Record<string, { kind: Parameters<typeof parseValue>[0]; def: unknown }>)[k]!;
  return JSON.stringify(parseValue(spec.kind, spec.def, false)) !== JSON.stringify((p as unknown as Record<string, unknown>)[k]);
}

/** One warning naming every enabled feature, path source or key that this server accepts but does not implement yet. */
export function notImplementedWarnings(conf: Conf): string[] {
  const parts: string[] = [];
  for (const n of NOT_IMPLEMENTED) if (n.inUse(conf)) parts.push(`${n.feature} (${n.keys.join(', ')})`);
  for (const p of Object.values(conf.paths)) {
    const keys = PATH_NOT_IMPLEMENTED.filter((k) => differsFromDefault(p, k));
    // A source URL often carries the camera's password (`rtsp://admin:pass@cam`): it is shown without it.
    const scheme = sourceSchemeOf(p.source);
    if (scheme && !scheme.isBuilt) keys.unshift(`${scheme.label} '${redactUrl(p.source)}'`);
    if (keys.length > 0) parts.push(`paths.${p.name}: ${keys.join(', ')}`);
  }
  parts.push(...v1NotImplementedParts(conf)); // MediaMTX v1.x settings read but not acted on yet
  return parts.length === 0 ? [] : [`these features are not implemented yet and are ignored: ${parts.join('; ')}`];
}
