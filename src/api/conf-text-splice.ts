import type * as Yaml from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';
import { requireCjsPackage } from '../lib/index.ts';
import { namesOfKey, type KeyScope } from '../conf/index.ts';
import type { FileEdit } from './api-conf-change.ts';
import { keyOfName } from './api-conf-object.ts';

// yaml is CommonJS: required, not imported (lib/cjs-package.ts says why).
const { Document, isMap, isScalar, isSeq } = requireCjsPackage<typeof Yaml>('yaml');
type Document = Yaml.Document;

/** How values are written: as MediaMTX's files write them (yes/no, `[a, b]`), one line each. */
export const YAML_OUTPUT = { trueStr: 'yes', falseStr: 'no', nullStr: '', lineWidth: 0, flowCollectionPadding: false } as const;

/** Replaces text[start, end) with `text`. */
interface Splice { readonly start: number; readonly end: number; readonly text: string }

/** A value (or a path name) as YAML on one line; a quoted string stays quoted the same way; undefined if it needs lines. */
export function inlineYaml(value: unknown, like?: Node | null): string | undefined {
  const doc = new Document(undefined, { version: '1.1' });
  const node = doc.createNode(value, { flow: true });
  if (isScalar(node) && isScalar(like) && typeof value === 'string' && (like.type === 'QUOTE_DOUBLE' || like.type === 'QUOTE_SINGLE')) node.type = like.type;
  doc.contents = node;
  const s = doc.toString(YAML_OUTPUT).replace(/\n$/, '');
  return s.includes('\n') ? undefined : s;
}

function keyOf(p: Pair): string { return isScalar(p.key) ? String(p.key.value) : String(p.key); }
function findPair(map: YAMLMap, key: string): Pair | undefined { return map.items.find((p) => keyOf(p) === key) as Pair | undefined; }
function lineStart(text: string, at: number): number { return text.lastIndexOf('\n', at - 1) + 1; }
function lineEnd(text: string, at: number): number { const i = text.indexOf('\n', at); return i < 0 ? text.length : i + 1; }
/** End of the line where a node's value ends (past its inline comment). */
function endOfValueLine(text: string, node: Node): number {
  const [start, end] = node.range!;
  return lineEnd(text, end > start ? end - 1 : end);
}
/** Column of a node: its distance from the start of its line. */
function columnOf(text: string, node: Node): number { return node.range![0] - lineStart(text, node.range![0]); }
/** An insertion point at the start of a line: after `at`'s line break, adding one when the text has none there. */
function atLineStart(text: string, at: number): { at: number; prefix: string } { return { at, prefix: at > 0 && text[at - 1] !== '\n' ? '\n' : '' }; }

/** `key: value` lines for new keys at `indent`; undefined when one needs more than a line. */
function keyLines(entries: Readonly<Record<string, unknown>>, indent: string): string | undefined {
  let out = '';
  for (const [k, v] of Object.entries(entries)) {
    const key = inlineYaml(k);
    const val = inlineYaml(v);
    if (key === undefined || val === undefined) return undefined;
    out += `${indent}${key}: ${val}\n`;
  }
  return out;
}

/** Splices that set keys of a block map (existing scalars and flow lists replaced in place, new keys appended). */
function setKeys(text: string, map: YAMLMap, values: Readonly<Record<string, unknown>>, newKeysAt: number, indent: string): Splice[] | undefined {
  const splices: Splice[] = [];
  const added: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    const pair = findPair(map, k);
    if (!pair) { added[k] = v; continue; }
    const old = pair.value as Node | null;
    if (!old?.range || (!isScalar(old) && !((isSeq(old) || isMap(old)) && old.flow))) return undefined;
    const t = inlineYaml(v, old);
    if (t === undefined) return undefined;
    const isEmpty = old.range[0] === old.range[1];
    splices.push({ start: old.range[0], end: old.range[1], text: isEmpty ? ` ${t}` : t });
  }
  if (Object.keys(added).length > 0) {
    const lines = keyLines(added, indent);
    if (lines === undefined) return undefined;
    const { at, prefix } = atLineStart(text, newKeysAt);
    splices.push({ start: at, end: at, text: prefix + lines });
  }
  return splices;
}

/** Where a new global key goes: above `paths:` and the comment block right above it, or at the end. */
function globalsInsertAt(text: string, root: YAMLMap): number {
  const paths = findPair(root, 'paths');
  if (!paths || !isScalar(paths.key) || !paths.key.range) return text.length;
  let at = lineStart(text, paths.key.range[0]);
  while (at > 0) {
    const prev = lineStart(text, at - 1);
    if (!text.slice(prev, at).trimStart().startsWith('#')) break;
    at = prev;
  }
  return at;
}

function pathSplices(text: string, root: YAMLMap, edit: Exclude<FileEdit, { kind: 'globals' | 'pathDefaults' }>): Splice[] | undefined {
  const pathsPair = findPair(root, 'paths');
  const paths = pathsPair?.value as Node | null | undefined;
  const name = inlineYaml(edit.name);
  if (name === undefined) return undefined;
  const entry = (indent: string, step: string): string | undefined => {
    if (edit.kind === 'removePath') return '';
    const lines = keyLines(edit.values, indent + step);
    return lines === undefined ? undefined : `${indent}${name}:\n${lines}`;
  };
  if (!pathsPair || (isScalar(paths) && paths.value === null)) {
    if (edit.kind === 'removePath') return [];
    const body = entry('  ', '  ');
    if (body === undefined) return undefined;
    if (!pathsPair) { const { at, prefix } = atLineStart(text, text.length); return [{ start: at, end: at, text: `${prefix}paths:\n${body}` }]; }
    const at = (paths as Node).range![0];
    return [{ start: at, end: at, text: `\n${body.replace(/\n$/, '')}` }];
  }
  if (!isMap(paths) || paths.flow || !paths.range || paths.items.length === 0) return undefined;
  const indent = ' '.repeat(columnOf(text, paths.items[0]!.key as Node));
  const step = indent === '' ? '  ' : indent;
  const pair = findPair(paths, edit.name);
  if (edit.kind === 'removePath') {
    if (!pair) return [];
    const value = pair.value as Node | null;
    const end = value?.range ? endOfValueLine(text, value) : lineEnd(text, (pair.key as Node).range![1]);
    return [{ start: lineStart(text, (pair.key as Node).range![0]), end, text: '' }];
  }
  if (!pair) {
    const body = entry(indent, step);
    if (body === undefined) return undefined;
    const { at, prefix } = atLineStart(text, endOfValueLine(text, paths));
    return [{ start: at, end: at, text: prefix + body }];
  }
  const value = pair.value as Node | null;
  if (isScalar(value) && value.value === null && value.range) {
    const lines = keyLines(edit.values, indent + step);
    return lines === undefined ? undefined : [{ start: value.range[0], end: value.range[0], text: `\n${lines.replace(/\n$/, '')}` }];
  }
  if (!isMap(value) || value.flow || !value.range || value.items.length === 0) return undefined;
  const keyIndent = ' '.repeat(columnOf(text, value.items[0]!.key as Node));
  return setKeys(text, value, edit.values, endOfValueLine(text, value), keyIndent);
}

/**
 * Applies an edit to the file's text by changing only the characters it concerns: a value is replaced where it is
 * written (its inline comment stays), new keys are added as lines next to their siblings with the same indentation.
 * Returns undefined for layouts it does not handle (flow maps, block lists, multi-line values): the caller then
 * falls back to the yaml library's rewrite of the whole document.
 */
export function spliceConfEdit(text: string, doc: Document, edit: FileEdit): string | undefined {
  const root = doc.contents;
  if (root !== null && root !== undefined && (!isMap(root) || root.flow)) return undefined;
  // `pathDefaults` edits are rare: the yaml library's rewrite (the caller's fallback) writes them.
  if (edit.kind === 'pathDefaults') return undefined;
  let splices: Splice[] | undefined;
  if (edit.kind === 'globals') {
    if (!root) { const lines = keyLines(edit.values, ''); return lines === undefined ? undefined : text + (text === '' || text.endsWith('\n') ? '' : '\n') + lines; }
    splices = setKeys(text, root, edit.values, globalsInsertAt(text, root), '');
  } else {
    splices = root ? pathSplices(text, root, edit) : pathSplices(text, new Document({}).contents as YAMLMap, edit);
  }
  if (!splices) return undefined;
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/**
 * The text without the other names (MediaMTX v0.22 ⇄ v1.x aliases, `rtspTransports` for `protocols`) of the keys an
 * edit sets in the map it edits: the edit writes the configuration's own name, and a file holding both names of one
 * setting is refused at the next load. Returns the text unchanged when there is nothing to drop.
 */
export function dropAliasKeys(text: string, doc: Document, edit: FileEdit): string {
  if (edit.kind === 'removePath') return text;
  const root = doc.contents;
  if (!isMap(root) || root.flow) return text;
  let map: YAMLMap = root;
  let scope: KeyScope = 'global';
  if (edit.kind === 'pathDefaults') {
    const entry = findPair(root, 'pathDefaults')?.value;
    if (!isMap(entry) || entry.flow) return text;
    map = entry;
    scope = 'path';
  } else if (edit.kind === 'path') {
    const paths = findPair(root, 'paths')?.value;
    const entry = isMap(paths) ? findPair(paths, edit.name)?.value : undefined;
    if (!isMap(entry) || entry.flow) return text;
    map = entry;
    scope = 'path';
  }
  const drops: Splice[] = [];
  for (const key of Object.keys(edit.values)) {
    // `key` may be any era's name (v3 changes write v1.x names): every other name of its setting goes.
    for (const alias of namesOfKey(scope, keyOfName(scope, key) ?? key).filter((n) => n !== key)) {
      const pair = findPair(map, alias);
      const k = pair?.key as Node | undefined;
      if (!pair || !k?.range) continue;
      const value = pair.value as Node | null;
      drops.push({ start: lineStart(text, k.range[0]), end: value?.range ? endOfValueLine(text, value) : lineEnd(text, k.range[1]), text: '' });
    }
  }
  let out = text;
  for (const d of drops.sort((a, b) => b.start - a.start)) out = out.slice(0, d.start) + out.slice(d.end);
  return out;
}
