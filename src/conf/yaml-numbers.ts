import type { ScalarTag, Tags } from 'yaml';

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';

/** Radix of each integer form, by prefix; underscores are digit separators, as goccy/go-yaml strips them. */
const INT_FORMS: readonly { re: RegExp; radix: number; skip: number }[] = [
  { re: /^[-+]?0x[0-9a-fA-F_]*[0-9a-fA-F][0-9a-fA-F_]*$/, radix: 16, skip: 2 },
  { re: /^[-+]?0o[0-7_]*[0-7][0-7_]*$/, radix: 8, skip: 2 },
  { re: /^[-+]?0b[01_]*[01][01_]*$/, radix: 2, skip: 2 },
  // A leading zero means octal, as in YAML 1.1: `0755` is 493, and `0789` (not octal) stays text.
  { re: /^[-+]?0[0-7_]*$/, radix: 8, skip: 0 },
  { re: /^[-+]?[1-9][0-9_]*$/, radix: 10, skip: 0 },
];

function resolveInt(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const unsigned = text.replace(/^[-+]/, '').replace(/_/g, '');
  const form = INT_FORMS.find((f) => f.re.test(text))!;
  return sign * parseInt(unsigned.slice(form.skip), form.radix);
}

/**
 * Integers as MediaMTX v1.16.2+ reads them (goccy/go-yaml's token.ToNumber): decimal, `0x` hex, `0o` octal, `0b`
 * binary and, unlike YAML 1.2's core schema, a leading `0` as octal. MediaMTX v0.22's yaml.v2 (YAML 1.1) also read
 * `0755` as 493, so a file of either era means the same number. Upper-case prefixes (`0X1F`) are text for both.
 */
const GO_YAML_INT: ScalarTag = {
  tag: INT_TAG,
  default: true,
  test: new RegExp(INT_FORMS.map((f) => `(?:${f.re.source})`).join('|')),
  resolve: resolveInt,
};

/**
 * Floats as goccy/go-yaml reads them: one dot is required (`1.5`, `.5`, `1.5e3`); `1e3` without a dot stays text there,
 * where YAML 1.2's core schema would make it 1000.
 */
const GO_YAML_FLOAT: ScalarTag = {
  tag: FLOAT_TAG,
  default: true,
  test: /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?$/,
  resolve: (s) => parseFloat(s.replace(/_/g, '')),
};

/**
 * Replaces the core schema's number rules with goccy/go-yaml's (MediaMTX HEAD's parser). Only `.inf`/`.nan` are kept
 * from the core schema: both parsers read them alike.
 */
export function goYamlNumberTags(tags: Tags): Tags {
  const kept = tags.filter((t) => {
    if (typeof t !== 'object' || !('tag' in t)) return true;
    if (t.tag === INT_TAG) return false;
    return t.tag !== FLOAT_TAG || ('test' in t && t.test instanceof RegExp && t.test.test('.inf'));
  });
  return [GO_YAML_INT, GO_YAML_FLOAT, ...kept];
}
