import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

// A resolve hook (Node's module customization hooks, run on their loader thread) that reports each bare specifier
// asked for to this thread; the caller keeps those matching its list.
const HOOK = `let port;
export function initialize(d) { port = d.port; }
export async function resolve(specifier, context, next) {
  if (!specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':')) port.postMessage(specifier);
  return next(specifier, context);
}`;

/**
 * Records which of `packages` (bare specifiers, or their subpaths) this process imports from now on, whoever imports
 * them: `seen()` lists them, after the loader thread's messages have arrived (`settle()`).
 */
export function watchPackageImports(packages: readonly string[]): { seen(): string[]; settle(): Promise<void> } {
  const { port1, port2 } = new MessageChannel();
  const seen = new Set<string>();
  port1.on('message', (spec: string) => { if (packages.some((p) => spec === p || spec.startsWith(`${p}/`))) seen.add(spec); });
  port1.unref();
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, { data: { port: port2 }, transferList: [port2] });
  return {
    seen: () => [...seen],
    // Messages from the loader thread arrive as tasks of this one: a few turns of the loop let them in.
    settle: () => new Promise((r) => setTimeout(r, 50)),
  };
}
