/** Thrown for hook command lines that can't be split (an unterminated quote). */
export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

/**
 * Splits a command line into argv with POSIX-shell quoting rules (single quotes, double quotes with backslash
 * escapes, backslash outside quotes). Nothing else is special: `;`, `|`, `>`, `$( )` and globs stay plain text,
 * because hooks never run through a shell (RELIABILITY V15).
 */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '' | "'" | '"' = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = ''; else cur += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') { quote = c; inWord = true; continue; }
    if (c === '\\' && i + 1 < line.length) { cur += line[++i]; inWord = true; continue; }
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) { out.push(cur); cur = ''; inWord = false; }
      continue;
    }
    cur += c;
    inWord = true;
  }
  if (quote !== '') throw new CommandLineError(`unterminated ${quote} quote in command '${line}'`);
  if (inWord) out.push(cur);
  return out;
}

/**
 * Replaces `$NAME` and `${NAME}` inside each argument after splitting, so no value can add or remove arguments.
 * Hook variables win over the process environment; unknown names expand to ''.
 */
export function expandArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  return argv.map((a) => a.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced: string | undefined, bare: string | undefined) => env[braced ?? bare ?? ''] ?? ''));
}
