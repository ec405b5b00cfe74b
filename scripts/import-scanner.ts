/**
 * Finds every module reference in a TypeScript source without the compiler (TypeScript 7 has no JS API): a small
 * lexer that skips comments, strings, template literals and regular expressions, then a reader of the statements
 * that name a module. Multi-line statements are one statement: tokens ignore line breaks.
 */

/** How a module reference is written. */
export type ImportForm =
  | 'import'        // import a from 'm' · import { a, type b } from 'm' · import * as ns from 'm'
  | 'import-type'   // import type { a } from 'm'
  | 'side-effect'   // import 'm'
  | 'dynamic'       // import('m') · typeof import('m') · import('m').Name in a type
  | 'export-from'   // export { a } from 'm' · export type { a } from 'm' · export * as ns from 'm'
  | 'export-star'   // export * from 'm' · export type * from 'm'
  | 'require';      // import a = require('m')

/** One name brought in by an import or re-export (`default` for a default import, `*` for a namespace). */
export interface ImportedName { readonly name: string; readonly alias?: string; readonly isTypeOnly: boolean }

/** One module reference of a source file. */
export interface ModuleRef {
  /** The module specifier; undefined for a dynamic import of a computed expression. */
  readonly specifier: string | undefined;
  /** Line of the `import`/`export` keyword (1-based). */
  readonly line: number;
  readonly form: ImportForm;
  readonly names: readonly ImportedName[];
  /** The whole module is taken: `* as ns`, `export *`, or a dynamic import whose use can't be seen. */
  readonly isNamespace: boolean;
}

/** What a source file imports, re-exports and declares as exports. */
export interface ModuleScan { readonly refs: readonly ModuleRef[]; readonly localExports: readonly string[] }

type TokenKind = 'id' | 'str' | 'punct' | 'other';
interface Token { readonly kind: TokenKind; readonly value: string; readonly line: number }

// After these keywords a `/` starts a regular expression, not a division.
const BEFORE_EXPRESSION = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]);
const DECLARATION = new Set(['class', 'interface', 'type', 'function', 'const', 'let', 'var', 'enum', 'namespace', 'module']);
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

/** Splits a source into identifiers, string literals and punctuation, with line numbers. */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const substitutions: number[] = []; // brace depth inside each open template `${`
  let line = 1;
  let i = 0;
  const push = (kind: TokenKind, value: string, at = line): void => { out.push({ kind, value, line: at }); };
  const skipTo = (end: number): void => { for (; i < end; i++) if (src[i] === '\n') line++; };
  // Scans template text from i up to its end or to the next `${`.
  const template = (): void => {
    const at = line;
    while (i < src.length && src[i] !== '`') {
      if (src[i] === '\\') { skipTo(i + 2); continue; }
      // A substitution opens like a parenthesis: an expression (maybe a regular expression) follows.
      if (src[i] === '$' && src[i + 1] === '{') { push('punct', '${', at); i += 2; substitutions.push(0); return; }
      skipTo(i + 1);
    }
    push('other', '`', at);
    i++;
  };
  const endsExpression = (): boolean => {
    const t = out.at(-1);
    if (!t) return false;
    if (t.kind === 'id') return !BEFORE_EXPRESSION.has(t.value);
    return t.kind !== 'punct' || t.value === ')' || t.value === ']' || t.value === '}';
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') { skipTo(i + 1); continue; }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') { const end = src.indexOf('*/', i + 2); skipTo(end < 0 ? src.length : end + 2); continue; }
    if (c === '"' || c === "'") {
      const at = line;
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      push('str', src.slice(i + 1, j), at);
      skipTo(j + 1);
      continue;
    }
    if (c === '`') { i++; template(); continue; }
    if (c === '{' && substitutions.length > 0) substitutions[substitutions.length - 1]!++;
    if (c === '}' && substitutions.length > 0) {
      if (substitutions.at(-1) === 0) { substitutions.pop(); i++; template(); continue; }
      substitutions[substitutions.length - 1]!--;
    }
    if (c === '/' && !endsExpression()) {
      const end = regexEnd(src, i);
      if (end > 0) { push('other', '/re/'); i = end; continue; }
    }
    const word = /^[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*/.exec(src.slice(i, i + 256));
    if (word) { push('id', word[0]); i += word[0].length; continue; }
    const num = /^\.?\d[\w.]*/.exec(src.slice(i, i + 64));
    if (num) { push('other', num[0]); i += num[0].length; continue; }
    push('punct', c);
    i++;
  }
  return out;
}

// End of the regular expression literal starting at `start` (after its flags), or -1 when it is not one.
function regexEnd(src: string, start: number): number {
  let inClass = false;
  for (let j = start + 1; j < src.length; j++) {
    const c = src[j];
    if (c === '\n') return -1;
    if (c === '\\') { j++; continue; }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      let k = j + 1;
      while (k < src.length && /[a-z]/.test(src[k]!)) k++;
      return k;
    }
  }
  return -1;
}

/** A read position over the tokens. */
class Cursor {
  constructor(private readonly tokens: readonly Token[], public i: number) {}

  /** Token at offset `o`. */
  at(o = 0): Token | undefined { return this.tokens[this.i + o]; }

  /** Whether the token at offset `o` is the keyword or punctuation `v` (never a string literal). */
  is(v: string, o = 0): boolean { const t = this.at(o); return t !== undefined && t.kind !== 'str' && t.value === v; }

  /** Consumes `v` when it comes next. */
  eat(v: string): boolean { if (!this.is(v)) return false; this.i++; return true; }

  /** Consumes and returns a string literal. */
  str(): string | undefined { const t = this.at(); if (t?.kind !== 'str') return undefined; this.i++; return t.value; }

  /** Consumes `from '…'` and returns the specifier. */
  from(): string | undefined { return this.is('from') && this.at(1)?.kind === 'str' ? (this.i++, this.str()) : undefined; }

  /** Skips to just after the `)` that closes the `(` just consumed. */
  closeParen(): void {
    for (let depth = 1; this.at() && depth > 0; this.i++) {
      if (this.is('(')) depth++;
      else if (this.is(')')) depth--;
    }
  }
}

// `{ a, type b, c as d, 'e' as f }`, the cursor on `{`.
function specifierList(c: Cursor, allTypeOnly: boolean): ImportedName[] {
  const names: ImportedName[] = [];
  c.eat('{');
  while (c.at() && !c.is('}')) {
    const isModifier = c.is('type') && c.at(1) !== undefined && !c.is(',', 1) && !c.is('}', 1) && !c.is('as', 1);
    if (isModifier) c.i++;
    const name = c.at()?.value;
    if (name === undefined) break;
    c.i++;
    const alias = c.eat('as') ? c.at()?.value : undefined;
    if (alias !== undefined) c.i++;
    names.push(alias === undefined ? { name, isTypeOnly: allTypeOnly || isModifier } : { name, alias, isTypeOnly: allTypeOnly || isModifier });
    if (!c.eat(',')) break;
  }
  c.eat('}');
  return names;
}

function readImport(c: Cursor, line: number): ModuleRef | undefined {
  if (c.eat('(')) {
    const specifier = c.at()?.kind === 'str' && (c.is(')', 1) || c.is(',', 1)) ? c.str() : undefined;
    c.closeParen();
    // `import(x: T) {…}` is a method named import, not a dynamic import.
    if (specifier === undefined && (c.is('{') || c.is(':'))) return undefined;
    const member = c.is('.') && c.at(1)?.kind === 'id' ? c.at(1)!.value : undefined;
    const names = member !== undefined && !PROMISE_METHODS.has(member) ? [{ name: member, isTypeOnly: true }] : [];
    return { specifier, line, form: 'dynamic', names, isNamespace: names.length === 0 };
  }
  if (c.is('.')) return undefined; // import.meta
  const bare = c.str();
  if (bare !== undefined) return { specifier: bare, line, form: 'side-effect', names: [], isNamespace: false };
  // `import type from 'm'` and `import type, { a } from 'm'` import a default named `type`.
  const isTypeOnly = c.is('type') && !c.is(',', 1) && !(c.is('from', 1) && c.at(2)?.kind === 'str') && !c.is('=', 1);
  if (isTypeOnly) c.i++;
  const names: ImportedName[] = [];
  let isNamespace = false;
  if (c.at()?.kind === 'id' && !c.is('from')) {
    const local = c.at()!.value;
    c.i++;
    if (c.eat('=')) {
      if (!c.eat('require') || !c.eat('(')) return undefined; // import A = B.C: a namespace alias
      const specifier = c.str();
      if (specifier === undefined) return undefined;
      return { specifier, line, form: 'require', names: [{ name: '*', alias: local, isTypeOnly }], isNamespace: true };
    }
    names.push({ name: 'default', alias: local, isTypeOnly });
    c.eat(',');
  }
  if (c.eat('*')) {
    c.eat('as');
    names.push({ name: '*', alias: c.at()?.value ?? '', isTypeOnly });
    c.i++;
    isNamespace = true;
  } else if (c.is('{')) names.push(...specifierList(c, isTypeOnly));
  const specifier = c.from();
  if (specifier === undefined) return undefined;
  return { specifier, line, form: isTypeOnly ? 'import-type' : 'import', names, isNamespace };
}

function readExport(c: Cursor, line: number, localExports: string[]): ModuleRef | undefined {
  const isTypeOnly = c.is('type') && (c.is('{', 1) || c.is('*', 1));
  if (isTypeOnly) c.i++;
  if (c.eat('*')) {
    const alias = c.eat('as') ? c.at()?.value : undefined;
    if (alias !== undefined) c.i++;
    const specifier = c.from();
    if (specifier === undefined) return undefined;
    return alias === undefined
      ? { specifier, line, form: 'export-star', names: [], isNamespace: true }
      : { specifier, line, form: 'export-from', names: [{ name: '*', alias, isTypeOnly }], isNamespace: true };
  }
  if (c.is('{')) {
    const names = specifierList(c, isTypeOnly);
    const specifier = c.from();
    if (specifier !== undefined) return { specifier, line, form: 'export-from', names, isNamespace: false };
    localExports.push(...names.map((n) => n.alias ?? n.name));
    return undefined;
  }
  if (c.is('default')) { localExports.push('default'); return undefined; }
  while (c.is('declare') || c.is('abstract') || c.is('async') || (c.is('const') && c.is('enum', 1))) c.i++;
  if (c.at()?.kind === 'id' && DECLARATION.has(c.at()!.value)) {
    c.i++;
    c.eat('*'); // function*
    if (c.at()?.kind === 'id') localExports.push(c.at()!.value);
  }
  return undefined;
}

/** Every module reference and export of a TypeScript source, in source order. */
export function scanModule(src: string): ModuleScan {
  const tokens = tokenize(src);
  const refs: ModuleRef[] = [];
  const localExports: string[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'id' || (t.value !== 'import' && t.value !== 'export')) return;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    // `x.import(…)`, `{ import: 1 }`, `import?: T`: a property, not a statement or expression.
    if ((prev?.kind === 'punct' && prev.value === '.') || (next?.kind === 'punct' && (next.value === ':' || next.value === '?'))) return;
    const c = new Cursor(tokens, i + 1);
    const ref = t.value === 'import' ? readImport(c, t.line) : readExport(c, t.line, localExports);
    if (ref) refs.push(ref);
  });
  return { refs, localExports };
}
