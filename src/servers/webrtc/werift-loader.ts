/** The exports of werift-stack.ts. */
export type WeriftStack = typeof import('./werift-stack.ts');

let loading: Promise<WeriftStack> | undefined;

/**
 * Loads werift (werift-stack.ts) once, when a session or a shared ICE port first needs it; later calls share the
 * promise. Nothing else in the server may import werift statically, or an idle server pays for it (docs/limits.md).
 */
export function loadWeriftStack(): Promise<WeriftStack> {
  loading ??= import('./werift-stack.ts');
  return loading;
}
