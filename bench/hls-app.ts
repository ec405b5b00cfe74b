/**
 * The server for bench/hls-browser.ts, in its own process (so that the browser driver does not share its event loop):
 * `node --import tsx bench/hls-app.ts conf.yml [--gop-replay no]`. The component table is the shipped one except that
 * HLS muxers may start from the next key frame instead of the GOP cache (`--gop-replay no`), which only a measurement
 * wants. SIGUSR2 closes every HLS muxer (the next request makes a new one); SIGINT/SIGTERM stop the server.
 */
import { readFileSync } from 'node:fs';
import { App } from '../src/app/index.ts';
import { COMPONENTS, type AnyComponentSpec } from '../src/app/components.ts';
import type { Running } from '../src/app/running.ts';
import type { HlsSettings } from '../src/app/component-settings.ts';
import { parseConf } from '../src/conf/index.ts';
import { Logger } from '../src/lib/index.ts';
import { HlsServer, createHlsMuxer } from '../src/servers/hls/index.ts';
import { argOf } from './hls-media.ts';

const gopReplay = argOf('gop-replay', 'yes') !== 'no';
const specs: AnyComponentSpec[] = COMPONENTS.map((spec) => spec.id !== 'hlsServer' ? spec : {
  ...spec,
  create: (settings: unknown, running: Running) => {
    const s = settings as HlsSettings;
    return HlsServer.listen({
      ...s, isTrustedProxy: () => false, paths: running.pathManager!, pathEvents: running.pathManager!.events, createMuxer: createHlsMuxer,
      log: running.logger!, gopReplay,
      muxer: { variant: s.variant, segmentCount: s.segmentCount, segmentDurationMs: s.segmentDurationMs, partDurationMs: s.partDurationMs, segmentMaxSize: s.segmentMaxSize, directory: s.directory },
    });
  },
});

const app = new App(parseConf(readFileSync(process.argv[2]!, 'utf8'), {}).conf, Logger.create({ level: 'info', destinations: ['stdout'] }), specs);
await app.start();
console.log(`bench server ready: gopReplay=${gopReplay}`);
process.on('SIGUSR2', () => {
  const hls = app.component('hlsServer');
  for (const c of hls?.connections() ?? []) hls!.kick(c.id);
  console.log('muxers closed');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { void app.close().then(() => process.exit(0)); });
