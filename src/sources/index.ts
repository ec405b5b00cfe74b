export { staticSourceFactories } from './registry.ts';
export type { SourceSettings } from './source-settings.ts';
