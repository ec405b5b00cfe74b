/**
 * An attribute list (RFC 8216bis §4.2): `NAME=value` pairs separated by commas, where a value is a decimal
 * integer or float, a hexadecimal sequence, an enumerated string, a resolution, or a quoted string (which may hold
 * commas). Returns the values as written, quoted strings without their quotes; malformed pairs are skipped.
 */
export function parseAttributeList(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < text.length) {
    const eq = text.indexOf('=', pos);
    if (eq < 0) break;
    const name = text.slice(pos, eq).trim();
    let value: string;
    if (text[eq + 1] === '"') {
      const close = text.indexOf('"', eq + 2);
      if (close < 0) break; // an unterminated quoted string ends the list
      value = text.slice(eq + 2, close);
      const comma = text.indexOf(',', close);
      pos = comma < 0 ? text.length : comma + 1;
    } else {
      const comma = text.indexOf(',', eq);
      value = text.slice(eq + 1, comma < 0 ? text.length : comma).trim();
      pos = comma < 0 ? text.length : comma + 1;
    }
    if (name !== '') out.set(name, value);
  }
  return out;
}

/** `<n>[@<o>]` of BYTERANGE (RFC 8216bis §4.4.4.2): length and optional offset. */
export interface ByteRange { readonly length: number; readonly offset?: number }

/** Parses a byte range; undefined when malformed. */
export function parseByteRange(text: string): ByteRange | undefined {
  const m = /^(\d+)(?:@(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const length = Number(m[1]);
  return m[2] !== undefined ? { length, offset: Number(m[2]) } : { length };
}
