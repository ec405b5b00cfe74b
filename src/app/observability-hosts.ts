import type { Logger } from '../lib/index.ts';
import type { Conf } from '../conf/index.ts';
import type { ApiHost, ApiServers } from '../api/index.ts';
import type { MetricsServers, MetricsSources } from '../metrics/index.ts';
import { PLAN_ROWS } from './component-settings.ts';
import { planReload } from './reload-plan.ts';
import type { Running } from './running.ts';
import { VERSION } from './version.ts';

/** Options of App besides the configuration and the logger. */
export interface AppOptions {
  /** The file the configuration was loaded from: apiPersist writes API changes back to it. */
  confFile?: string;
  /** The environment the file was read with (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The protocol servers running now, looked up at each call: a server restarted by a reload is seen at once. */
function servers(running: Running): ApiServers & MetricsServers {
  return { rtsp: running.rtspServer, rtsps: running.rtspsServer, rtmp: running.rtmpServer, rtmps: running.rtmpsServer, hls: running.hlsServer, webrtc: running.webrtcServer };
}

/**
 * The API's view of the app. A change that restarts or stops the API itself (its address, readTimeout, `api: no`) is
 * applied just after the answer is sent, as MediaMTX does, since applying it closes the listener the answer goes
 * out on; until then the API builds further changes on top of it.
 */
export function apiHost(running: Running, log: Logger): ApiHost {
  const control = running.control;
  if (!control) throw new Error('the API needs the app control (App provides it)');
  let pending: Conf | undefined;
  const key = control.env.MTX_CONFKEY || control.env.RTSP_CONFKEY || undefined;
  return {
    conf: () => pending ?? control.conf(),
    applyConf: async (next) => {
      const action = planReload(PLAN_ROWS, control.conf(), next).get('api');
      if (action === 'keep' || action === 'update') { await control.applyConf(next); return; }
      pending = next;
      setImmediate(() => {
        control.applyConf(next)
          .catch((err: unknown) => log.error(`[API] the configuration could not be applied: ${(err as Error).message}`))
          .finally(() => { if (pending === next) pending = undefined; });
      });
    },
    exclusive: (fn) => control.exclusive(fn),
    paths: () => running.pathManager?.list() ?? [],
    servers: () => servers(running),
    refreshJwks: () => running.auth?.refreshJwks(),
    version: VERSION,
    ...(control.confFile !== undefined ? { confFile: { path: control.confFile, ...(key !== undefined ? { encryptionKey: key } : {}) } } : {}),
  };
}

/** What metrics are built from: path snapshots and the servers' lists, looked up at each scrape. */
export function metricsSources(running: Running): MetricsSources {
  return { paths: () => running.pathManager?.list() ?? [], servers: () => servers(running) };
}
