import { ConfError, confFromObject, type Conf, type KeyScope } from '../conf/index.ts';
import { ApiError } from './api-error.ts';
import { v3FileValues } from './v3-conf-view.ts';
import { isMaskedEcho, sameJson } from './api-conf-view.ts';
import { V1_AUTH_KEYS, confBaseObject, fullGlobalsObject, fullPathObject, setByName, setEntry } from './api-conf-object.ts';

/**
 * A change asked through the API: v1 `config/set`, `config/paths/add|edit|remove`, and v3's `config/global/patch`
 * (`set`), `config/pathdefaults/patch`, `config/paths/add|patch|replace|delete`. Patch keys may be either era's name
 * (`rtspDisable` or `rtsp`): each replaces whatever name the setting had.
 */
export type ConfChange = (
  | { readonly kind: 'set' | 'pathDefaults'; readonly patch: Readonly<Record<string, unknown>> }
  | { readonly kind: 'addPath' | 'editPath' | 'replacePath'; readonly name: string; readonly patch: Readonly<Record<string, unknown>> }
  | { readonly kind: 'removePath'; readonly name: string }
) & {
  /** `v1.x`: written back to the file under v1.x names (v3's changes); else under the configuration's (v0.22) keys. */
  readonly fileNames?: 'v1.x';
};

/** What an accepted change writes back to the file: only the keys it changed, in file form (`10s`, `yes`). */
export type FileEdit =
  | { readonly kind: 'globals'; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: 'pathDefaults'; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: 'path'; readonly name: string; readonly values: Readonly<Record<string, unknown>>; readonly isNew: boolean }
  | { readonly kind: 'removePath'; readonly name: string };

/** A validated change: the configuration to apply and what to write back. */
export interface PlannedChange { readonly next: Conf; readonly edit: FileEdit }

type Obj = Record<string, unknown>;

/** The entries of `patch` that change something: null means "leave as is" (Go's optional fields), and so does a masked echo. */
function effective(patch: Readonly<Obj>, stored: Readonly<Obj>): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined) continue;
    if (Object.hasOwn(stored, k) && isMaskedEcho(k, v, stored[k])) continue;
    setEntry(out, k, v);
  }
  return out;
}

/** Merges `patch` into a section by name (see setByName); returns the configuration keys it set. */
function merge(scope: KeyScope, section: Obj, patch: Readonly<Obj>): string[] {
  return Object.entries(patch).map(([n, v]) => setByName(scope, section, n, v));
}

/** The values in file form of the keys of `keys` that differ between `before` and `after` (all of them for a new entry). */
function changedValues(keys: readonly string[], after: Readonly<Obj>, before: Readonly<Obj> | undefined): Obj {
  const out: Obj = {};
  for (const k of keys) if (before === undefined || !sameJson(after[k], before[k])) out[k] = after[k];
  return out;
}

/**
 * v0.22.2's `externalAuthenticationURL` is v1.x's `authMethod: http` + `authHTTPAddress`: a change naming the old key
 * takes them out of the base, which would otherwise hold both forms (refused) or keep HTTP authentication on. A v1.x
 * authentication key sent back unchanged is left out, as writing one turns v1.x authentication on.
 */
function mergeGlobals(base: Obj, patch: Readonly<Obj>, current: Readonly<Obj>): string[] {
  const p: Obj = { ...patch };
  for (const k of V1_AUTH_KEYS) if (Object.hasOwn(p, k) && !Object.hasOwn(base, k) && sameJson(p[k], current[k])) delete p[k];
  if (Object.hasOwn(p, 'externalAuthenticationURL')) {
    if (p.externalAuthenticationURL === '' && current.externalAuthenticationURL === '') {
      delete p.externalAuthenticationURL; // HTTP authentication is off already
    } else {
      if (!Object.hasOwn(p, 'authHTTPAddress')) delete base.authHTTPAddress;
      if (!Object.hasOwn(p, 'authMethod')) delete base.authMethod;
    }
  } else if (Object.hasOwn(base, 'externalAuthenticationURL') && V1_AUTH_KEYS.some((k) => Object.hasOwn(p, k))) {
    // Going v1.x: the old key's URL becomes the new form's, and the old key goes.
    if (base.externalAuthenticationURL !== '') Object.assign(base, { authMethod: 'http', authHTTPAddress: base.externalAuthenticationURL });
    delete base.externalAuthenticationURL;
  }
  return merge('global', base, p);
}

function build(obj: Obj): Conf {
  try {
    return confFromObject(obj);
  } catch (err) {
    if (err instanceof ConfError) throw new ApiError(400, err.message);
    throw err;
  }
}

/**
 * Validates a change against the configuration in force, with the parser the file goes through (confFromObject): the
 * change is merged into the current configuration in file form (both eras' keys, `pathDefaults`, paths), and the
 * result must be a valid configuration. Refused changes throw ApiError 400 with the reason (naming the key).
 */
export function planConfChange(base: Conf, change: ConfChange): PlannedChange {
  const planned = plan(base, change);
  const { edit } = planned;
  if (change.fileNames !== 'v1.x' || edit.kind === 'removePath') return planned;
  const values = v3FileValues(edit.kind === 'globals' ? 'global' : 'path', edit.values);
  return { next: planned.next, edit: { ...edit, values } };
}

function plan(base: Conf, change: ConfChange): PlannedChange {
  const obj = confBaseObject(base);
  const { paths } = obj;
  let keys: string[] = [];
  switch (change.kind) {
    case 'set': {
      const { paths: _ignored, pathDefaults: _alsoIgnored, ...globals } = change.patch; // v0.22.2 ignores `paths` here
      const current = fullGlobalsObject(base);
      keys = mergeGlobals(obj, effective(globals, current), current);
      const next = build(obj);
      return { next, edit: { kind: 'globals', values: changedValues(keys, fullGlobalsObject(next), fullGlobalsObject(base)) } };
    }
    case 'pathDefaults': {
      keys = merge('path', obj.pathDefaults, effective(change.patch, obj.pathDefaults));
      const next = build(obj);
      return { next, edit: { kind: 'pathDefaults', values: changedValues(keys, fullPathObject(next.pathDefaults), fullPathObject(base.pathDefaults)) } };
    }
    default: break;
  }
  const exists = Object.hasOwn(paths, change.name);
  if (change.kind === 'addPath' && exists) throw new ApiError(400, `path '${change.name}' already exists`);
  if (change.kind !== 'addPath' && !exists) throw new ApiError(400, `path '${change.name}' does not exist`);
  if (change.kind === 'removePath') {
    delete paths[change.name];
    return { next: build(obj), edit: { kind: 'removePath', name: change.name } };
  }
  const stored = change.kind === 'editPath' ? paths[change.name]! : {};
  const fullBefore = exists ? fullPathObject(base.paths[change.name]!) : undefined;
  const entry: Obj = { ...stored };
  keys = merge('path', entry, effective(change.patch, fullBefore ?? {}));
  setEntry(paths, change.name, entry);
  const next = build(obj);
  const after = fullPathObject(next.paths[change.name]!);
  // A replaced entry also changes every key it no longer sets (back to the default).
  if (change.kind === 'replacePath') keys = Object.keys(after);
  const isNew = change.kind === 'addPath';
  return { next, edit: { kind: 'path', name: change.name, values: changedValues(keys, after, isNew ? undefined : fullBefore), isNew } };
}

