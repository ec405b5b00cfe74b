import { z } from 'zod/v3';

type Obj = Record<string, unknown>;
/** The fields of a list entry's object schema, by name. */
export type ListItemShape = Readonly<Record<string, z.ZodTypeAny>>;
type Shape = ListItemShape;

/** The schema under zod's wrappers (optional, nullable, default, transform). */
function bare(s: z.ZodTypeAny): z.ZodTypeAny {
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodTypeAny;
    else if (s instanceof z.ZodDefault) s = s.removeDefault() as z.ZodTypeAny;
    else if (s instanceof z.ZodEffects) s = s.innerType() as z.ZodTypeAny;
    else return s;
  }
}

/** The fields of the objects a list schema holds (`authInternalUsers` → user, pass, ips, permissions), or undefined. */
export function listItemShape(s: z.ZodTypeAny): Shape | undefined {
  const list = bare(s);
  if (!(list instanceof z.ZodArray)) return undefined;
  const item = bare(list.element as z.ZodTypeAny);
  return item instanceof z.ZodObject ? (item.shape as Shape) : undefined;
}

function hasPrefix(env: Readonly<Record<string, string | undefined>>, prefix: string): boolean {
  for (const k of Object.keys(env)) if (k.startsWith(prefix)) return true;
  return false;
}

/** A field's value from its variable, read as MediaMTX reads that type; text it can't read is left for the schema to refuse. */
function fieldValue(field: z.ZodTypeAny, text: string): unknown {
  const t = bare(field);
  if (t instanceof z.ZodBoolean) {
    const l = text.toLowerCase();
    return l === 'yes' || l === 'true' ? true : l === 'no' || l === 'false' ? false : text;
  }
  if (t instanceof z.ZodNumber) return /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text) ? Number(text) : text;
  if (t instanceof z.ZodArray) return text === '' ? [] : text.split(',');
  return text;
}

/**
 * A list of objects with MediaMTX's positional variables laid over it (`<VAR>_<i>_<FIELD>`, e.g.
 * `MTX_AUTHINTERNALUSERS_0_USER`): entry i keeps the fields no variable sets, entries past the end are added in order
 * up to the first index no variable names, nested lists (`_0_PERMISSIONS_1_ACTION`) work the same way and an empty
 * `<VAR>_<i>_<LIST>` empties one. The result is plain data for the key's schema to check.
 */
export function overlayEnvList(shape: Shape, current: unknown, env: Readonly<Record<string, string | undefined>>, varName: string): unknown[] {
  const cur = Array.isArray(current) ? current : [];
  const out: unknown[] = [];
  for (let i = 0; ; i++) {
    const itemVar = `${varName}_${i}`;
    if (i >= cur.length && !hasPrefix(env, `${itemVar}_`)) break;
    const old: unknown = cur[i];
    const entry: Obj = typeof old === 'object' && old !== null && !Array.isArray(old) ? { ...(old as Obj) } : {};
    for (const [field, schema] of Object.entries(shape)) {
      const fieldVar = `${itemVar}_${field.toUpperCase()}`;
      const text = env[fieldVar];
      const nested = listItemShape(schema);
      if (nested && text !== '' && hasPrefix(env, `${fieldVar}_`)) entry[field] = overlayEnvList(nested, entry[field], env, fieldVar);
      else if (text !== undefined) entry[field] = fieldValue(schema, text);
    }
    out.push(entry);
  }
  return out;
}
