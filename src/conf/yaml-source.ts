import { LineCounter, parseDocument, isMap, isScalar, type Document } from 'yaml';
import { ConfError } from './conf-error.ts';

/** Parsed YAML plus a way to find the line of a key path. */
export interface YamlSource {
  readonly data: unknown;
  lineOf(path: readonly string[]): number | undefined;
}

/** Parses with YAML 1.1 rules (`yes`/`no` are booleans, as in MediaMTX's yaml.v2), rejecting duplicate keys. */
export function parseYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { version: '1.1', uniqueKeys: true, lineCounter, prettyErrors: false });
  } catch (err) {
    throw new ConfError(`invalid YAML: ${(err as Error).message}`);
  }
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    const msg = first.code === 'DUPLICATE_KEY' ? 'duplicate key' : first.message.split('\n')[0];
    throw new ConfError(`invalid YAML${line ? ` at line ${line}` : ''}: ${msg}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfError(`invalid YAML: ${(err as Error).message}`);
  }
  return {
    data,
    lineOf(path) {
      let node: unknown = doc.contents;
      let offset: number | undefined;
      for (const key of path) {
        if (!isMap(node)) return undefined;
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key);
        if (!pair) return undefined;
        offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        node = pair.value;
      }
      return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    },
  };
}
