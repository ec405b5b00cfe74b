import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type * as Yaml from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import { requireCjsPackage } from '../lib/index.ts';
import { decryptConf, encryptConf } from '../conf/index.ts';
import type { FileEdit } from './api-conf-change.ts';
import { dropAliasKeys, spliceConfEdit, YAML_OUTPUT } from './conf-text-splice.ts';

// yaml is CommonJS: required, not imported (lib/cjs-package.ts says why).
const { isMap, isScalar, isSeq, parseDocument, YAMLMap } = requireCjsPackage<typeof Yaml>('yaml');
type YAMLMap = Yaml.YAMLMap;

/** The configuration file API changes are written back to, and the key when it is encrypted (MTX_CONFKEY). */
export interface ConfFile {
  readonly path: string;
  /** Set when the file is encrypted: it is written back encrypted with the same key, never in clear. */
  readonly encryptionKey?: string;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key) as Pair | undefined;
}

/**
 * Sets `key` in `map`, keeping what the user wrote around it: a scalar is changed in place (its comment and quoting
 * style stay); a list or map is replaced by one of the same flow or block style carrying the old node's comments;
 * a new key goes before `beforeKey` when given (so globals stay above `paths:`), else at the end.
 */
function setKey(doc: Document, map: YAMLMap, key: string, value: unknown, beforeKey?: string): void {
  const pair = findPair(map, key);
  if (!pair) {
    const created = doc.createPair(key, value);
    const at = beforeKey !== undefined ? map.items.findIndex((p) => p === findPair(map, beforeKey)) : -1;
    if (at >= 0) map.items.splice(at, 0, created); else map.items.push(created);
    return;
  }
  const old = pair.value as Node | null;
  const isPlain = value === null || typeof value !== 'object';
  if (isScalar(old) && isPlain) { old.value = value; return; }
  const node = doc.createNode(value, { flow: true }) as Node;
  // `[a, b]`, as the shipped file writes lists, unless the user wrote this one as a block.
  if (old && (isSeq(old) || isMap(old)) && (isSeq(node) || isMap(node))) node.flow = old.flow;
  if (old) { node.comment = old.comment; node.commentBefore = old.commentBefore; node.spaceBefore = old.spaceBefore; }
  pair.value = node;
}

/** The `paths:` map, created (block style) when the file has none or an empty one. */
function pathsMap(doc: Document, root: YAMLMap): YAMLMap {
  const pair = findPair(root, 'paths');
  if (pair && isMap(pair.value)) { pair.value.flow = false; return pair.value; }
  const map = new YAMLMap();
  if (pair) pair.value = map; else root.items.push(doc.createPair('paths', map));
  return map;
}

/** Applies one edit to a parsed configuration document. */
export function applyFileEdit(doc: Document, edit: FileEdit): void {
  if (doc.contents === null || doc.contents === undefined) doc.contents = new YAMLMap() as unknown as typeof doc.contents;
  const root = doc.contents;
  if (!isMap(root)) throw new Error('the file is not a map of keys');
  if (edit.kind === 'globals') {
    for (const [k, v] of Object.entries(edit.values)) setKey(doc, root, k, v, 'paths');
    return;
  }
  if (edit.kind === 'pathDefaults') {
    let pair = findPair(root, 'pathDefaults');
    if (!pair || !isMap(pair.value)) {
      if (!pair) { setKey(doc, root, 'pathDefaults', null, 'paths'); pair = findPair(root, 'pathDefaults')!; }
      pair.value = new YAMLMap();
    }
    for (const [k, v] of Object.entries(edit.values)) setKey(doc, pair.value as YAMLMap, k, v);
    return;
  }
  const paths = pathsMap(doc, root);
  const pair = findPair(paths, edit.name);
  if (edit.kind === 'removePath') {
    // A path only the environment defines (MTX_PATHS_…) is not in the file: nothing to remove.
    if (pair) paths.items.splice(paths.items.indexOf(pair), 1);
    // No path left: `paths:` with nothing, as the splicer leaves it (both read as no paths).
    if (paths.items.length === 0) findPair(root, 'paths')!.value = doc.createNode(null);
    return;
  }
  if (!pair) {
    const entries = Object.entries(edit.values);
    const value = entries.length === 0 ? null : new YAMLMap();
    const created = doc.createPair(edit.name, value);
    paths.items.push(created);
    if (value) for (const [k, v] of entries) setKey(doc, value, k, v);
    return;
  }
  if (!isMap(pair.value)) pair.value = new YAMLMap();
  for (const [k, v] of Object.entries(edit.values)) setKey(doc, pair.value as YAMLMap, k, v);
}

// YAML 1.1, as the configuration is read (yes/no booleans).
const PARSE = { version: '1.1', uniqueKeys: true } as const;

/**
 * The text of the file with `edit` applied. The text is changed only where the edit concerns it (spliceConfEdit),
 * and the result is checked to read back as the yaml library's own edit of the document would; layouts the splicer
 * does not handle are written by the yaml library (Document API), which keeps comments and key order but may move a
 * comment that follows an empty value.
 */
export function editConfText(original: string, edit: FileEdit): string {
  const parsed = parseDocument(original, PARSE);
  if (parsed.errors.length > 0) throw new Error(`the file is not valid YAML any more: ${parsed.errors[0]!.message.split('\n')[0]}`);
  const text = dropAliasKeys(original, parsed, edit);
  const doc = text === original ? parsed : parseDocument(text, PARSE);
  const expected = parseDocument(text, PARSE);
  applyFileEdit(expected, edit);
  const spliced = spliceConfEdit(text, doc, edit);
  if (spliced !== undefined) {
    const check = parseDocument(spliced, PARSE);
    if (check.errors.length === 0 && isDeepStrictEqual(check.toJS(), expected.toJS())) return spliced;
  }
  return expected.toString(YAML_OUTPUT);
}

/**
 * Writes an accepted API change back to the configuration file, atomically: the new text goes to a temporary file
 * beside it (same permissions), is flushed, and is renamed over the original, so a reader or a crash sees the old
 * file or the new one, never half of one. A symbolic link is followed and stays a link. An encrypted file is written
 * encrypted again with its key, never in clear.
 */
export async function writeConfEdit(file: ConfFile, edit: FileEdit): Promise<void> {
  const target = await realpath(file.path);
  const stored = await readFile(target, 'utf8');
  const key = file.encryptionKey;
  const plain = key !== undefined && stored.trim() !== '' ? decryptConf(stored, key) : stored;
  const edited = editConfText(plain, edit);
  const data = key !== undefined ? `${encryptConf(edited, key)}\n` : edited;
  const { mode } = await stat(target);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode & 0o777);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
    await fh.close();
    await rename(tmp, target);
  } catch (err) {
    // Cleanup only: the write's own error is what the caller must see (close may fail for an already closed handle).
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
