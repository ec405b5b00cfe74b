import { join } from 'node:path';
import { HlsDirectoryStorage, HlsMuxer } from '../../protocols/hls/index.ts';
import type { HlsMuxerFactory } from './hls-muxer-port.ts';

/**
 * Makes the muxer of a path's stream: segments in memory, or with hlsDirectory in `<hlsDirectory>/<path name>`
 * (the path name is validated, so it cannot leave the directory; the folder, and the empty folders of a nested
 * name like `a/b`, go when the muxer closes).
 */
export const createHlsMuxer: HlsMuxerFactory = (description, o) => new HlsMuxer(description, {
  variant: o.variant, segmentCount: o.segmentCount, segmentDurationMs: o.segmentDurationMs, partDurationMs: o.partDurationMs,
  segmentMaxSize: o.segmentMaxSize, log: o.log, instantStart: o.instantStart,
  ...(o.directory !== '' ? { storage: new HlsDirectoryStorage(join(o.directory, o.pathName), o.log, o.directory) } : {}),
});
