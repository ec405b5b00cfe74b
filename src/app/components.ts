import { AuthManager } from '../auth/index.ts';
import { PathManager } from '../core/index.ts';
import { RtspServer } from '../servers/rtsp/index.ts';
import { RtmpServer } from '../servers/rtmp/index.ts';
import { HlsServer, createHlsMuxer } from '../servers/hls/index.ts';
import { WebRtcServer } from '../servers/webrtc/index.ts';
import { IpList } from '../auth/index.ts';
import { staticSourceFactories } from '../sources/index.ts';
import { sameSettings, type PlanSpec } from './reload-plan.ts';
import { COMPONENT_IDS, PLAN, type ComponentId, type SettingsOf } from './component-settings.ts';
import { apiHost, metricsSources } from './observability-hosts.ts';
import type { Components, Running } from './running.ts';
import { httpAuthGuard } from './http-auth-guard.ts';

/** The guard of an API, metrics or pprof listener when MediaMTX v1.x authentication is on. */
function guardOf(s: SettingsOf['api'], running: Running, action: 'api' | 'metrics' | 'pprof'): ReturnType<typeof httpAuthGuard> | undefined {
  return s.authGuarded ? httpAuthGuard(need(running, 'auth'), action) : undefined;
}

/** How to make and update one component from its settings (its pure row is in component-settings.ts). */
interface Lifecycle<K extends ComponentId> {
  /** Creates the component; `running` holds its dependencies (and the root logger). */
  create(s: SettingsOf[K], running: Running): Promise<Components[K]>;
  /** Applies settings that the row's canUpdate accepted; `running` holds the other components. */
  update?(c: Components[K], next: SettingsOf[K], prev: SettingsOf[K], running: Running): Promise<void> | void;
}

/** A full row with its types erased, so rows of different types fit one table; only its own functions see its settings. */
export interface AnyComponentSpec extends PlanSpec<ComponentId> {
  create(s: unknown, running: Running): Promise<unknown>;
  update?(c: unknown, next: unknown, prev: unknown, running: Running): Promise<void> | void;
}

/** Fetches a dependency that the table's order guarantees is running. */
function need<K extends ComponentId>(running: Running, id: K): Components[K] {
  const components: Partial<Components> = running;
  const c = components[id];
  if (!c) throw new Error(`component ${id} is not running`);
  return c;
}

const LIFECYCLES: { readonly [K in ComponentId]: Lifecycle<K> } = {
  logger: {
    create: async (_s, running) => need(running, 'logger'),
    update: (log, s) => log.reconfigure({ level: s.level, destinations: s.destinations, file: s.file }),
  },
  auth: {
    create: async (s, running) => new AuthManager({ ...s, log: need(running, 'logger') }),
    update: async (auth, s, prev, running) => {
      auth.update(s);
      // Clients already in are checked against new rules (a user removed from authInternalUsers is dropped); a new
      // timeout alone changes no rule, so it does not make every client ask the HTTP server again.
      const hasRulesChanged = s.externalAuthenticationURL !== prev.externalAuthenticationURL || !sameSettings(s.v1, prev.v1);
      if (hasRulesChanged) await running.pathManager?.recheckAll();
    },
  },
  pathManager: {
    create: async (s, running) => {
      const pm = new PathManager({
        paths: s.paths, auth: need(running, 'auth'), log: need(running, 'logger'), rtspPort: s.rtspPort,
        sourceFactories: staticSourceFactories({ readTimeoutMs: s.readTimeoutMs, writeTimeoutMs: s.writeTimeoutMs }),
      });
      pm.start();
      return pm;
    },
    update: (pm, s) => {
      pm.setSourceFactories(staticSourceFactories({ readTimeoutMs: s.readTimeoutMs, writeTimeoutMs: s.writeTimeoutMs }));
      return pm.updatePathConfs(s.paths);
    },
  },
  rtspServer: { create: (s, running) => RtspServer.listen({ ...s, paths: need(running, 'pathManager'), log: need(running, 'logger') }), update: (srv, s) => srv.update(s) },
  rtspsServer: { create: (s, running) => RtspServer.listen({ ...s, paths: need(running, 'pathManager'), log: need(running, 'logger') }), update: (srv, s) => srv.update(s) },
  rtmpServer: { create: (s, running) => RtmpServer.listen({ ...s, paths: need(running, 'pathManager'), log: need(running, 'logger') }), update: (srv, s) => srv.update(s) },
  rtmpsServer: { create: (s, running) => RtmpServer.listen({ ...s, paths: need(running, 'pathManager'), log: need(running, 'logger') }), update: (srv, s) => srv.update(s) },
  hlsServer: {
    create: (s, running) => {
      const pm = need(running, 'pathManager');
      // An entry that is not an IP or CIDR stops the start with its message (MediaMTX refuses such a file).
      const proxies = new IpList([...s.trustedProxies]);
      return HlsServer.listen({
        ...s, isTrustedProxy: s.trustedProxies.length === 0 ? () => false : (ip) => proxies.contains(ip), paths: pm, pathEvents: pm.events, createMuxer: createHlsMuxer, log: need(running, 'logger'),
        muxer: { variant: s.variant, segmentCount: s.segmentCount, segmentDurationMs: s.segmentDurationMs, partDurationMs: s.partDurationMs, segmentMaxSize: s.segmentMaxSize, directory: s.directory },
      });
    },
    update: (srv, s) => srv.update(s),
  },
  webrtcServer: {
    create: (s, running) => {
      const proxies = new IpList([...s.trustedProxies]);
      return WebRtcServer.listen({
        ...s, isTrustedProxy: s.trustedProxies.length === 0 ? () => false : (ip) => proxies.contains(ip), paths: need(running, 'pathManager'), log: need(running, 'logger'),
      });
    },
    update: (srv, s) => srv.update(s),
  },
  // The API, metrics and profiler are loaded when first enabled: off by default, and an idle server need not hold them.
  api: { create: async (s, running) => (await import('../api/index.ts')).ApiServer.listen({ ...s, host: apiHost(running, need(running, 'logger')), log: need(running, 'logger'), authGuard: guardOf(s, running, 'api') }) },
  metrics: { create: async (s, running) => (await import('../metrics/index.ts')).MetricsServer.listen({ ...s, sources: metricsSources(running), log: need(running, 'logger'), authGuard: guardOf(s, running, 'metrics') }) },
  pprof: { create: async (s, running) => (await import('../pprof/index.ts')).PprofServer.listen({ ...s, log: need(running, 'logger'), authGuard: guardOf(s, running, 'pprof') }) },
};

/** Every component in start order: its pure row joined with its lifecycle. A new server is one more row in each table. */
export const COMPONENTS: readonly AnyComponentSpec[] = COMPONENT_IDS.map((id) => ({ ...PLAN[id], ...LIFECYCLES[id] }) as unknown as AnyComponentSpec);

export type { ComponentId };
