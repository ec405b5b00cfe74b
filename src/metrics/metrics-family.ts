import type { PromLabels, PromText } from './prom-text.ts';
import type { MetricsConnection } from './metrics-sources.ts';

// Helpers to write MediaMTX v1.x's families (upstream internal/metrics/metrics.go), shared by the family writers.

/** One family per name: each item's value, or the bare name with 0 when there are no items (as upstream). */
export function family<T>(t: PromText, name: string, items: readonly T[], labels: (x: T) => PromLabels, value: (x: T) => number): void {
  if (items.length === 0) { t.sample(name, undefined, 0); return; }
  for (const x of items) t.sample(name, labels(x), value(x));
}

/** v1.x's labels of a session: id, path, remoteAddr, state. */
export const sessionLabels = (c: MetricsConnection): PromLabels => [['id', c.id], ['path', c.path ?? ''], ['remoteAddr', c.remoteAddr], ['state', c.state ?? 'idle']];

/** `<prefix>_inbound_bytes` and `<prefix>_outbound_bytes`. */
export function bytes(t: PromText, prefix: string, conns: readonly MetricsConnection[], labels: (c: MetricsConnection) => PromLabels): void {
  family(t, `${prefix}_inbound_bytes`, conns, labels, (c) => c.bytesReceived);
  family(t, `${prefix}_outbound_bytes`, conns, labels, (c) => c.bytesSent);
}
