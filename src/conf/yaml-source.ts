import type * as Yaml from 'yaml';
import type { Document, ScalarTag, YAMLError } from 'yaml';
import { redactUrl, requireCjsPackage } from '../lib/index.ts';
import { ConfError } from './conf-error.ts';
import { goYamlNumberTags } from './yaml-numbers.ts';

// yaml is CommonJS: required, not imported (lib/cjs-package.ts says why).
const { LineCounter, parseDocument, isCollection, isMap, isNode, isScalar, isSeq, visit } = requireCjsPackage<typeof Yaml>('yaml');
type LineCounter = Yaml.LineCounter;

/** Parsed YAML plus a way to find the line of a key path. */
export interface YamlSource {
  readonly data: unknown;
  /** Line (1-based) of the key at `path`; `[]` is the document's first line. */
  lineOf(path: readonly string[]): number | undefined;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

// A key whose value is a secret: in a broken document its value can parse as a deeper key (`readPass: s3cr3t x: 1`).
const SECRET_KEY = /pass|secret|token|key$/i;

/**
 * The dotted place of an error, safe to log: a broken document can make a value look like a key, so nothing under a
 * secret key is named, and passwords in URL-like components are masked (`source: rtsp://u:pw@cam x: 1`).
 */
function placeText(path: readonly string[]): string {
  const secret = path.findIndex((k) => SECRET_KEY.test(k));
  const shown = secret >= 0 ? path.slice(0, secret + 1) : path;
  return shown.map(redactUrl).join('.');
}

/** True for a node that the parser may have left open up to an error: a flow `[`/`{` collection or a quoted string. */
function isOpenable(v: unknown): boolean {
  return (isCollection(v) && v.flow === true) || (isScalar(v) && (v.type === 'QUOTE_DOUBLE' || v.type === 'QUOTE_SINGLE'));
}

/**
 * Where to point a syntax error at `offset`: the enclosing key path, and the line to fix. An unclosed `[`, `{` or
 * quote runs until the parser gives up, lines later, so its opening line is the one given.
 */
function errorPlace(doc: Document, lineCounter: LineCounter, offset: number): { line: number; key: string } {
  const path: string[] = [];
  let node: unknown = doc.contents;
  while (isMap(node)) {
    const open = node.items.find((p) => {
      const r = isNode(p.value) ? p.value.range : undefined;
      return isOpenable(p.value) && r !== undefined && r !== null && r[0] <= offset && offset <= r[1];
    });
    const openRange = open && isNode(open.value) ? open.value.range : undefined;
    if (open && openRange) {
      path.push(keyText(open.key));
      return { line: lineCounter.linePos(openRange[0]).line, key: placeText(path) };
    }
    const pair = node.items.filter((p) => isScalar(p.key) && (p.key.range?.[0] ?? Infinity) <= offset).pop();
    if (!pair) break;
    path.push(keyText(pair.key));
    node = pair.value;
  }
  return { line: lineCounter.linePos(offset).line, key: placeText(path) };
}

/** The first key repeated in a map (its dotted path and the offset of its second occurrence). */
function duplicateKey(node: unknown, prefix: readonly string[]): { key: string; offset: number } | undefined {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const p of node.items) {
      const name = keyText(p.key);
      const path = [...prefix, name];
      if (seen.has(name) && isScalar(p.key) && p.key.range) return { key: placeText(path), offset: p.key.range[0] };
      seen.add(name);
      const inner = duplicateKey(p.value, path);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const inner = duplicateKey(item, [...prefix, String(i)]);
      if (inner) return inner;
    }
  }
  return undefined;
}

function yamlError(doc: Document, lineCounter: LineCounter, err: YAMLError): ConfError {
  if (err.code === 'DUPLICATE_KEY') {
    // The parser points at the end of the first occurrence; the second one is the line to fix.
    const dup = duplicateKey(doc.contents, []);
    const line = lineCounter.linePos(dup?.offset ?? err.pos[0]).line;
    return new ConfError(`invalid YAML at line ${line}: duplicate key${dup ? ` '${dup.key}'` : ''}`);
  }
  const { line, key } = errorPlace(doc, lineCounter, err.pos[0]);
  const what = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return new ConfError(`invalid YAML at line ${line}${key !== '' ? ` (in '${key}')` : ''}: ${what}`);
}

/** Line of the first alias, for errors toJS reports without a position (too many aliases). */
function firstAliasLine(doc: Document, lineCounter: LineCounter): number | undefined {
  let offset: number | undefined;
  visit(doc, { Alias(_k, node) { offset = node.range?.[0]; return visit.BREAK; } });
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

/**
 * Unquoted `yes`/`no`/`on`/`off` (upstream's list of case variants) read as booleans. MediaMTX v0.22 read YAML 1.1
 * (yaml.v2) and v1.16.2+ reads YAML 1.2 with this one exception, so files of both eras mean the same thing.
 */
const LEGACY_BOOL: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: /^(?:yes|Yes|YES|on|On|ON|no|No|NO|off|Off|OFF)$/,
  resolve: (s) => /^(?:yes|on)$/i.test(s),
};

/**
 * Parses with YAML 1.2 core rules plus legacy booleans and goccy/go-yaml's numbers (`0755` is octal, see
 * yaml-numbers.ts), rejecting duplicate keys. Not YAML 1.1: there `1:30` is the number 90 and `2024-01-02` a date,
 * which neither MediaMTX era made of them (yaml.v2 kept both as text).
 */
export function parseYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { version: '1.2', schema: 'core', customTags: (tags) => [LEGACY_BOOL, ...goYamlNumberTags(tags)], merge: true, uniqueKeys: true, lineCounter, prettyErrors: false });
  } catch (err) {
    throw new ConfError(`invalid YAML: ${(err as Error).message}`);
  }
  const first = doc.errors[0];
  if (first) throw yamlError(doc, lineCounter, first);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const line = firstAliasLine(doc, lineCounter);
    throw new ConfError(`invalid YAML${line !== undefined ? ` at line ${line}` : ''}: ${(err as Error).message}`);
  }
  return {
    data,
    lineOf(path) {
      let node: unknown = doc.contents;
      let offset = isNode(node) ? node.range?.[0] : undefined;
      for (const key of path) {
        if (!isMap(node)) return undefined;
        const pair = node.items.find((p) => keyText(p.key) === key);
        if (!pair) return undefined;
        offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        node = pair.value;
      }
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    },
  };
}
