/** Label pairs of one sample, in output order. */
export type PromLabels = readonly (readonly [string, string])[];

// Prometheus text format 0.0.4: in label values, backslash, double quote and line feed are escaped.
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}

/**
 * Writes Prometheus text exposition (format 0.0.4). Samples of one metric name must be written together (the format
 * requires a family's lines to be one group); families of MediaMTX v0.22.2 carry no HELP/TYPE line, as there.
 */
export class PromText {
  private readonly lines: string[] = [];

  /** `keep`: which samples are written (upstream's `?type=` / `?path=` filters); with it, no HELP/TYPE lines. */
  constructor(private readonly keep?: (name: string, labels: PromLabels | undefined) => boolean) {}

  private readonly started = new Set<string>();
  private current: string | undefined;

  /** Starts a family with HELP and TYPE lines (our additions); call before its first sample. */
  describe(name: string, type: 'gauge' | 'counter', help: string): this {
    if (this.started.has(name)) throw new Error(`metric ${name} described after its samples`);
    this.start(name);
    if (this.keep) return this; // a filtered page is a handful of samples: left untyped, as upstream's whole page is
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
    return this;
  }

  /** Writes one sample: `name{k="v",…} value`, or `name value` without labels. */
  sample(name: string, labels: PromLabels | undefined, value: number): this {
    this.start(name);
    if (this.keep && !this.keep(name, labels)) return this;
    const l = labels && labels.length > 0 ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
    this.lines.push(`${name}${l} ${formatValue(value)}`);
    return this;
  }

  /** The text, one line per sample, ending with a line feed. */
  toString(): string { return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`; }

  /** Makes `name` the family being written; a family can't be resumed once another one started. */
  private start(name: string): void {
    if (name === this.current) return;
    if (this.started.has(name)) throw new Error(`metric ${name} written in two groups`);
    this.started.add(name);
    this.current = name;
  }
}
