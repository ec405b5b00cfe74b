import { lazyModule } from '../lib/index.ts';

/**
 * The stream code (Stream, its readers and remuxers, and the formats and codecs under them), imported when a path
 * first gets a publisher or starts a static source: an idle server need not hold it (docs/performance.md, Memory).
 * Path makes its streams synchronously, so every way to a new Stream awaits `streamCode.load()` first.
 */
export const streamCode = lazyModule('the stream code', () => import('../stream/index.ts'));
