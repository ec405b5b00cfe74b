import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';

/** One sample of a parsed page: family name, labels, numeric value. */
export interface PromPoint { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly value: number }

/**
 * Parses a /metrics page with an independent parser (parse-prometheus-text-format, a port of the Python client's
 * parser) and checks what that lenient parser lets through: every line is a sample or a comment, names and label
 * names are valid, values are numbers, no sample has a timestamp, and each family is one group (the format requires it).
 */
export function parsePromPage(text: string): { families: PromFamily[]; points: PromPoint[] } {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the page must end with a line feed');
  for (const line of text.split('\n').slice(0, -1)) {
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? \S+$/.test(line)) throw new Error(`not a valid sample line: ${JSON.stringify(line)}`);
  }
  const families = parsePrometheusTextFormat(text);
  const seen = new Set<string>();
  const points: PromPoint[] = [];
  for (const f of families) {
    if (seen.has(f.name)) throw new Error(`family ${f.name} is written in more than one group`);
    seen.add(f.name);
    for (const m of f.metrics) {
      if (m.timestamp_ms !== undefined) throw new Error(`${f.name} has a timestamp`);
      const value = m.value === 'NaN' ? Number.NaN : m.value === '+Inf' ? Infinity : m.value === '-Inf' ? -Infinity : Number(m.value);
      if (m.value === '' || (Number.isNaN(value) && m.value !== 'NaN')) throw new Error(`${f.name} has a value that is not a number: ${m.value}`);
      points.push({ name: f.name, labels: m.labels ?? {}, value });
    }
  }
  return { families, points };
}

/** The value of the sample `name` whose labels include `labels`, or undefined. */
export function pointValue(points: readonly PromPoint[], name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  return points.find((p) => p.name === name && Object.entries(labels).every(([k, v]) => p.labels[k] === v))?.value;
}
