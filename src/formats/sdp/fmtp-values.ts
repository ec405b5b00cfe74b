/** Splits fmtp parameters (`a=1;b=2`) into a map with lower-cased keys; values stay strings. */
export function parseFmtpParams(fmtp: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of fmtp.split(';')) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    out.set((eq >= 0 ? p.slice(0, eq) : p).trim().toLowerCase(), eq >= 0 ? p.slice(eq + 1).trim() : '');
  }
  return out;
}

/** One parameter to set in an fmtp text. */
export interface FmtpValue {
  /** Parameter name, matched case-insensitively (RFC 4566 §6 leaves fmtp syntax to the payload format; they use `key=value;…`). */
  readonly key: string;
  readonly value: string;
  /** Whether a parameter the text lacks is appended (otherwise it stays absent). */
  readonly isAddedWhenMissing: boolean;
}

// `  key = value  ` of one `;`-separated part: leading space, key, `=` with its spacing, value, trailing space.
const PART = /^(\s*)([^=\s]+)(\s*=\s*)(.*?)(\s*)$/;

/**
 * The fmtp text with `values` set, everything else byte for byte as it was: a parameter already there keeps its
 * place, key spelling and spacing and gets the new value; a missing one is appended with the separator the text
 * already uses (`; ` unless it has only bare `;`).
 */
export function setFmtpValues(fmtp: string | undefined, values: readonly FmtpValue[]): string {
  const parts = fmtp === undefined || fmtp.trim() === '' ? [] : fmtp.split(';');
  const pending = new Map(values.map((v) => [v.key.toLowerCase(), v]));
  const out = parts.map((part) => {
    const m = PART.exec(part);
    const v = m ? pending.get(m[2]!.toLowerCase()) : undefined;
    if (!m || !v) return part;
    pending.delete(v.key.toLowerCase());
    return `${m[1]}${m[2]}${m[3]}${v.value}${m[5]}`;
  });
  const added = [...pending.values()].filter((v) => v.isAddedWhenMissing).map((v) => `${v.key}=${v.value}`);
  if (added.length === 0) return out.join(';');
  const separator = parts.length > 1 && !parts.slice(1).some((p) => p.startsWith(' ')) ? ';' : '; ';
  // A trailing `;` leaves an empty last part: the appended parameters take its place.
  const kept = out.length > 0 && out[out.length - 1]!.trim() === '' ? out.slice(0, -1) : out;
  return kept.length === 0 ? added.join(separator) : `${kept.join(';')}${separator}${added.join(separator)}`;
}
