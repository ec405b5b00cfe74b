import type { ConnectionInfo } from '../core/index.ts';
import type { ConfEditor } from './api-conf-editor.ts';
import { ApiError } from './api-error.ts';
import type { ApiHost } from './api-host.ts';
import { running, type ApiReply, type ApiRequest, type ApiRoute } from './api-routes.ts';
import { V3_OK, v3ConfRoutes, v3Name } from './v3-conf-routes.ts';
import {
  byKey, v3HlsMuxerItem, v3PathItem, v3RtmpConnItem, v3RtspConnItem, v3RtspSessionItem, v3WebRtcSessionItem,
} from './v3-items.ts';
import { paginate } from './v3-paginate.ts';
import { v3UnbuiltRoutes } from './v3-unbuilt-routes.ts';

/** When this process started: `/v3/info`'s `started` when the app does not give its own. */
const PROCESS_STARTED = new Date(Date.now() - process.uptime() * 1000);

/** A list answer: every item, ordered by id (upstream's lists come from maps: no order is promised), then one page. */
function listed<T>(items: readonly T[], key: (x: T) => string, item: (x: T) => unknown, r: ApiRequest): ApiReply {
  return { status: 200, body: paginate(byKey(items, key).map(item), r.query) };
}

/** One item by key, or 404 with upstream's message. */
function found<T>(items: readonly T[], match: (x: T) => boolean, item: (x: T) => unknown, notFound: string): ApiReply {
  const x = items.find(match);
  if (x === undefined) throw new ApiError(404, notFound);
  return { status: 200, body: item(x) };
}

function kicked(ok: boolean, notFound: string): ApiReply {
  if (!ok) throw new ApiError(404, notFound);
  return V3_OK;
}

const byId = (c: ConnectionInfo): string => c.id;

/**
 * MediaMTX v1.x's control API v3 (`/v3/...`, upstream's `api/openapi.yaml`): info, configuration, paths, and the
 * `list`/`get`/`kick` endpoints of each server we run, with v3's item fields, `itemsPerPage`/`page` pagination and
 * `{"status":"ok"}` / `{"status":"error","error":…}` bodies. A server that is not running has no endpoints (404).
 */
export function v3Routes(host: ApiHost, editor: ConfEditor): readonly ApiRoute[] {
  const rtsp = (key: 'rtsp' | 'rtsps'): ApiRoute[] => [
    { method: 'GET', pattern: `/v3/${key}conns/list`, server: key, handle: (r) => listed(running(host, key).connections(), byId, v3RtspConnItem, r) },
    {
      method: 'GET', pattern: `/v3/${key}conns/get/:id`, server: key,
      handle: (r) => found(running(host, key).connections(), (c) => c.id === r.params.id, v3RtspConnItem, 'connection not found'),
    },
    { method: 'GET', pattern: `/v3/${key}sessions/list`, server: key, handle: (r) => listed(running(host, key).sessionList(), byId, v3RtspSessionItem, r) },
    {
      method: 'GET', pattern: `/v3/${key}sessions/get/:id`, server: key,
      handle: (r) => found(running(host, key).sessionList(), (c) => c.id === r.params.id, v3RtspSessionItem, 'session not found'),
    },
    {
      method: 'POST', pattern: `/v3/${key}sessions/kick/:id`, server: key,
      handle: (r) => kicked(running(host, key).kick(r.params.id!), 'session not found'),
    },
  ];
  const rtmp = (key: 'rtmp' | 'rtmps'): ApiRoute[] => [
    { method: 'GET', pattern: `/v3/${key}conns/list`, server: key, handle: (r) => listed(running(host, key).connections(), byId, v3RtmpConnItem, r) },
    {
      method: 'GET', pattern: `/v3/${key}conns/get/:id`, server: key,
      handle: (r) => found(running(host, key).connections(), (c) => c.id === r.params.id, v3RtmpConnItem, 'connection not found'),
    },
    { method: 'POST', pattern: `/v3/${key}conns/kick/:id`, server: key, handle: (r) => kicked(running(host, key).kick(r.params.id!), 'connection not found') },
  ];
  const shownPaths = () => host.paths().filter((p) => Object.hasOwn(host.conf().paths, p.confName));
  return [
    {
      method: 'GET', pattern: '/v3/info',
      handle: () => ({ status: 200, body: { version: host.version ?? 'unknown', started: (host.started ?? PROCESS_STARTED).toISOString() } }),
    },
    {
      method: 'POST', pattern: '/v3/auth/jwks/refresh',
      // Upstream answers OK whatever the authentication method (there is then nothing to refresh).
      handle: async () => { await host.refreshJwks?.(); return V3_OK; },
    },
    ...v3ConfRoutes(host, editor),
    { method: 'GET', pattern: '/v3/paths/list', handle: (r) => listed(shownPaths(), (p) => p.name, v3PathItem, r) },
    { method: 'GET', pattern: '/v3/paths/get/*name', handle: (r) => found(shownPaths(), (p) => p.name === v3Name(r), v3PathItem, 'path not found') },
    ...rtsp('rtsp'), ...rtsp('rtsps'), ...rtmp('rtmp'), ...rtmp('rtmps'),
    { method: 'GET', pattern: '/v3/hlsmuxers/list', server: 'hls', handle: (r) => listed(running(host, 'hls').muxerList(), (m) => m.name, v3HlsMuxerItem, r) },
    {
      method: 'GET', pattern: '/v3/hlsmuxers/get/*name', server: 'hls',
      handle: (r) => found(running(host, 'hls').muxerList(), (m) => m.name === v3Name(r), v3HlsMuxerItem, 'muxer not found'),
    },
    { method: 'GET', pattern: '/v3/webrtcsessions/list', server: 'webrtc', handle: (r) => listed(running(host, 'webrtc').connections(), byId, v3WebRtcSessionItem, r) },
    {
      method: 'GET', pattern: '/v3/webrtcsessions/get/:id', server: 'webrtc',
      handle: (r) => found(running(host, 'webrtc').connections(), (c) => c.id === r.params.id, v3WebRtcSessionItem, 'session not found'),
    },
    { method: 'POST', pattern: '/v3/webrtcsessions/kick/:id', server: 'webrtc', handle: (r) => kicked(running(host, 'webrtc').kick(r.params.id!), 'session not found') },
    ...v3UnbuiltRoutes(host),
  ];
}
