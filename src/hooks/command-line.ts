import { inheritedValue } from './inherited-env.ts';
/** Thrown for hook command lines that can't be split (an unterminated quote or a trailing backslash). */
export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

// Word separators of MediaMTX's splitter (go-shellquote): space, tab, newline.
const SEPARATORS = ' \t\n';
// Inside double quotes a backslash escapes only these (POSIX.1-2017 XCU §2.2.3); before anything else it stays.
const DOUBLE_QUOTE_ESCAPES = '$`"\\\n';

/** Index of the closing double quote after `start`, appending the unescaped text to `out.word`. */
function readDoubleQuoted(line: string, start: number, out: { word: string }): number {
  for (let i = start; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') return i;
    if (c === '\\' && i + 1 < line.length && DOUBLE_QUOTE_ESCAPES.includes(line[i + 1]!)) {
      i++;
      // Backslash-newline is a line continuation: both characters disappear.
      if (line[i] !== '\n') out.word += line[i];
      continue;
    }
    out.word += c;
  }
  throw new CommandLineError('unterminated double-quoted string in command line');
}

/**
 * Splits a command line into argv with POSIX-shell quoting rules (single quotes, double quotes with backslash
 * escapes, backslash outside quotes, backslash-newline continuation), as MediaMTX does with go-shellquote.
 * Nothing else is special: `;`, `|`, `&`, `>`, `$( )`, `$VAR` and globs stay plain text, because hooks never run
 * through a shell (docs/limits.md §Hooks).
 */
export function splitCommandLine(line: string): string[] {
  const argv: string[] = [];
  const cur = { word: '' };
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (SEPARATORS.includes(c)) {
      if (inWord) { argv.push(cur.word); cur.word = ''; inWord = false; }
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new CommandLineError('unterminated backslash-escape in command line');
      i++;
      if (line[i] === '\n') continue; // continuation: neither a character nor a word boundary
      cur.word += line[i];
      inWord = true;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError('unterminated single-quoted string in command line');
      cur.word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      i = readDoubleQuoted(line, i + 1, cur);
      inWord = true;
    } else {
      cur.word += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(cur.word);
  return argv;
}


// Go's os.Expand: `${anything}`, `$` + one of *#$@!?- or a digit, or `$` + [A-Za-z0-9_]+ (starting with any of them).
const SHELL_SPECIAL = /[*#$@!?\-0-9]/;
const ALNUM = /[A-Za-z0-9_]/;

/** Name and length (after `$`) of the variable at `s[i]`, per os.Expand; name '' with len 0 keeps the `$`. */
function variableAt(s: string, i: number): { name: string; len: number } {
  const c = s[i]!;
  if (c === '{') {
    if (i + 2 < s.length && SHELL_SPECIAL.test(s[i + 1]!) && s[i + 2] === '}') return { name: s[i + 1]!, len: 3 };
    const close = s.indexOf('}', i + 1);
    if (close < 0) return { name: '', len: 1 }; // bad syntax: "${" is dropped
    return { name: s.slice(i + 1, close), len: close - i + 1 }; // "${}" gives name '' and is dropped
  }
  if (SHELL_SPECIAL.test(c)) return { name: c, len: 1 };
  let j = i;
  while (j < s.length && ALNUM.test(s[j]!)) j++;
  return { name: s.slice(i, j), len: j - i };
}

/** Expands one argument like Go's os.Expand; values are inserted once and never rescanned. */
function expandOne(arg: string, lookup: (name: string) => string): string {
  let out = '';
  let i = 0;
  while (i < arg.length) {
    const c = arg[i]!;
    if (c !== '$' || i + 1 >= arg.length) { out += c; i++; continue; }
    const { name, len } = variableAt(arg, i + 1);
    if (name !== '') out += lookup(name);
    else if (len === 0) out += '$';
    i += 1 + len;
  }
  return out;
}

/**
 * Replaces `$NAME` and `${NAME}` inside each argument after splitting (MediaMTX #5707), so no value can add,
 * remove or re-split arguments. Hook variables win, then the process environment as hooks inherit it (inheritedValue: no secrets);
 * unknown names expand to ''. Like MediaMTX (os.Expand), `$1`, `$$`, `$?`… are variables too.
 */
export function expandArgs(argv: readonly string[], env: Readonly<Record<string, string>>): string[] {
  const lookup = (name: string): string => {
    if (Object.hasOwn(env, name)) return env[name]!;
    return inheritedValue(name, process.env[name] ?? '') ?? '';
  };
  return argv.map((a) => expandOne(a, lookup));
}
