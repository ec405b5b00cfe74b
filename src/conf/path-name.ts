import type { Conf, PathConf } from './conf-types.ts';

const NAME_CHARS = /^[0-9a-zA-Z_\-/.~]+$/;

/** Checks a configured path name (may be `~regex`); returns the problem or undefined. */
export function checkConfPathName(name: string): string | undefined {
  if (name === '') return 'cannot be empty';
  if (name.startsWith('~')) return undefined;
  if (name.startsWith('/')) return 'can\'t begin with a slash';
  if (name.endsWith('/')) return 'can\'t end with a slash';
  if (!NAME_CHARS.test(name)) return 'can contain only alphanumeric characters, underscore, dot, tilde, minus or slash';
  return undefined;
}

/** Checks a requested path name; returns the problem or undefined. `.`/`..` segments can't leave a directory (MediaMTX #5602). */
export function isValidPathName(name: string): string | undefined {
  if (name === '') return 'cannot be empty';
  if (name.startsWith('~')) return 'can\'t begin with a tilde';
  const basic = checkConfPathName(name);
  if (basic) return basic;
  if (name.split('/').some((s) => s === '' || s === '.' || s === '..')) return 'can\'t contain empty, "." or ".." segments';
  return undefined;
}

/** Finds the configuration of a requested path: literal names first, then regexps in file order (G1..Gn groups). */
export function findPathConf(conf: Pick<Conf, 'paths'>, name: string): { pathConf: PathConf; matches: string[] } | undefined {
  // Own entries only: a request for `constructor` must not find Object.prototype's member.
  const literal = Object.hasOwn(conf.paths, name) ? conf.paths[name] : undefined;
  if (literal && !literal.regexp) return { pathConf: literal, matches: [] };
  for (const pc of Object.values(conf.paths)) {
    if (!pc.regexp) continue;
    const m = pc.regexp.exec(name);
    if (m) return { pathConf: pc, matches: m.slice(1).map((g) => g ?? '') };
  }
  return undefined;
}
