/** Types of the parse-prometheus-text-format package (it ships none): prom2json's shape. */
declare module 'parse-prometheus-text-format' {
  /** One sample: its value as written, its labels, its timestamp when it had one. */
  export interface PromSample { value: string; labels?: Record<string, string>; timestamp_ms?: string }
  /** One metric family. */
  export interface PromFamily { name: string; help: string; type: string; metrics: PromSample[] }
  /** Parses Prometheus text exposition. */
  export default function parsePrometheusTextFormat(text: string): PromFamily[];
}
