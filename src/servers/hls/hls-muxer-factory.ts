import { join } from 'node:path';
import type { HlsMuxerFactory } from './hls-muxer-port.ts';

type HlsProtocol = typeof import('../../protocols/hls/index.ts');
let loading: Promise<HlsProtocol> | undefined;

/**
 * The muxer and its containers (fMP4, MPEG-TS), loaded with the first muxer: a server nobody watches over HLS need
 * not hold them (docs/performance.md, Memory).
 */
function hlsProtocol(): Promise<HlsProtocol> {
  loading ??= import('../../protocols/hls/index.ts');
  return loading;
}

/**
 * Makes the muxer of a path's stream: segments in memory, or with hlsDirectory in `<hlsDirectory>/<path name>`
 * (the path name is validated, so it cannot leave the directory; the folder, and the empty folders of a nested
 * name like `a/b`, go when the muxer closes).
 */
export const createHlsMuxer: HlsMuxerFactory = async (description, o) => {
  const { HlsDirectoryStorage, HlsMuxer } = await hlsProtocol();
  return new HlsMuxer(description, {
    variant: o.variant, segmentCount: o.segmentCount, segmentDurationMs: o.segmentDurationMs, partDurationMs: o.partDurationMs,
    segmentMaxSize: o.segmentMaxSize, log: o.log, instantStart: o.instantStart,
    ...(o.directory !== '' ? { storage: new HlsDirectoryStorage(join(o.directory, o.pathName), o.log, o.directory) } : {}),
  });
};
