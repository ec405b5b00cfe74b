import { z } from 'zod/v3';
import type { KeyScope } from '../conf/index.ts';
import { parseJsonBody } from './api-body.ts';
import { ApiError } from './api-error.ts';
import { confNames } from './api-conf-object.ts';
import { PASSWORD_MASK, sameJson } from './api-conf-view.ts';
import { V3GlobalConfSchema, V3PathConfSchema } from './v3-schemas.ts';

type Obj = Record<string, unknown>;

/** Names a v3 body may hold: every name of either era (upstream's optional structs keep the deprecated ones) and upstream's own fields. */
function bodySchema(scope: KeyScope, shape: Readonly<Obj>, skipped: readonly string[]): z.ZodType<Obj> {
  const names = new Set([...confNames(scope), ...Object.keys(shape), ...skipped]);
  for (const n of ['paths', 'pathDefaults']) names.delete(n);
  return z.strictObject(Object.fromEntries([...names].map((n) => [n, z.unknown().optional()])));
}

const GLOBAL_BODY = bodySchema('global', V3GlobalConfSchema.shape, []);
// Upstream's PathConf carries `name` (filled by the server): accepted and ignored, the URL names the path.
const PATH_BODY = bodySchema('path', V3PathConfSchema.shape, ['name']);

/** Fields that say which entry of a list an object is, so a masked secret is restored only into the same entry. */
const IDENTITY = ['user', 'url', 'dest'];

function isObj(v: unknown): v is Obj { return typeof v === 'object' && v !== null && !Array.isArray(v); }

/**
 * What the client meant: where it sent back what the API showed (a masked password, a URL with `xxxxx`), the stored
 * value. Lists are walked entry by entry, objects field by field when they are the same entry (same user/url/dest).
 */
function restore(sent: unknown, raw: unknown, shown: unknown): unknown {
  if (sameJson(sent, shown)) return raw;
  if (Array.isArray(sent) && Array.isArray(raw) && Array.isArray(shown)) return sent.map((x, i) => restore(x, raw[i], shown[i]));
  if (isObj(sent) && isObj(raw) && isObj(shown) && IDENTITY.every((k) => !(k in sent) || sameJson(sent[k], shown[k]))) {
    return Object.fromEntries(Object.entries(sent).map(([k, x]) => [k, restore(x, raw[k], shown[k])]));
  }
  return sent;
}

function hasMask(v: unknown): boolean {
  if (v === PASSWORD_MASK) return true;
  if (Array.isArray(v)) return v.some(hasMask);
  return isObj(v) && Object.values(v).some(hasMask);
}

/**
 * Reads a v3 configuration body (`config/global/patch`, `config/pathdefaults/patch`, `config/paths/add|patch|replace`):
 * a JSON object of v1.x (or v0.22) names, unknown names refused with 400. Secrets sent back as shown are replaced by
 * the stored ones (`raw`/`shown`: the section in v3 names, unmasked and masked); a mask left anywhere else is refused,
 * as storing `<redacted>` as a password is never what was meant.
 */
export function readV3Patch(body: Buffer, scope: KeyScope, stored?: { raw: Readonly<Obj>; shown: Readonly<Obj> }): Obj {
  const sent = parseJsonBody(body, scope === 'global' ? GLOBAL_BODY : PATH_BODY);
  const out: Obj = {};
  for (const [k, v] of Object.entries(sent)) {
    if (k === 'name' && scope === 'path') continue;
    const value = stored && Object.hasOwn(stored.shown, k) ? restore(v, stored.raw[k], stored.shown[k]) : v;
    if (hasMask(value)) throw new ApiError(400, `'${k}' holds '${PASSWORD_MASK}', which is how the API shows a secret: send the secret itself, or the entry as it was shown`);
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
