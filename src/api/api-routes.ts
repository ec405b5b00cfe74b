import { ApiError } from './api-error.ts';
import { parseJsonBody } from './api-body.ts';
import { confView } from './api-conf-view.ts';
import type { ConfEditor } from './api-conf-editor.ts';
import type { ApiHost, ApiServers } from './api-host.ts';
import { hlsMuxersList, pathsList, rtspConnsList, statefulList, webRtcConnsList } from './api-lists.ts';
import { ConfSetRequestSchema, PathConfRequestSchema } from './api-schemas.ts';

/** What a handler gets: the parameters of its pattern and the body, read on demand. */
export interface ApiRequest {
  readonly params: Readonly<Record<string, string>>;
  /** The query string (`itemsPerPage`, `page`). */
  readonly query: URLSearchParams;
  body(): Promise<Buffer>;
}

/** What a handler answers: a status and an optional JSON body. */
export interface ApiReply { readonly status: number; readonly body?: unknown }

/** One endpoint: `:id` matches one segment, `*name` the rest of the path (path names may contain `/`). */
export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly pattern: string;
  /** The server the endpoint belongs to: without it running, the endpoint does not exist (404). */
  readonly server?: keyof ApiServers;
  handle(req: ApiRequest): Promise<ApiReply> | ApiReply;
}

const OK: ApiReply = { status: 200 };

/** The server `key` names, which the route table guarantees is running when the handler is called. */
export function running<K extends keyof ApiServers>(host: ApiHost, key: K): NonNullable<ApiServers[K]> {
  const s = host.servers()[key];
  if (!s) throw new ApiError(404, 'not found');
  return s;
}

/** Kicking an id nobody has: 404 (v0.22.2 answered an empty 200; MediaMTX v1 answers 404). */
function kicked(found: boolean, what: string): ApiReply {
  if (!found) throw new ApiError(404, `${what} not found`);
  return OK;
}

function pathName(req: ApiRequest): string {
  const name = req.params.name ?? '';
  if (name === '') throw new ApiError(400, 'the path name is missing');
  return name;
}

/** Every v1 endpoint of MediaMTX v0.22.2. */
export function apiRoutes(host: ApiHost, editor: ConfEditor): readonly ApiRoute[] {
  const rtsp = (key: 'rtsp' | 'rtsps', prefix: string): ApiRoute[] => [
    { method: 'GET', pattern: `/v1/${prefix}conns/list`, server: key, handle: () => ({ status: 200, body: rtspConnsList(running(host, key).connections()) }) },
    { method: 'GET', pattern: `/v1/${prefix}sessions/list`, server: key, handle: () => ({ status: 200, body: statefulList(running(host, key).sessionList()) }) },
    { method: 'POST', pattern: `/v1/${prefix}sessions/kick/:id`, server: key, handle: (r) => kicked(running(host, key).kick(r.params.id!), 'session') },
  ];
  const rtmp = (key: 'rtmp' | 'rtmps', prefix: string): ApiRoute[] => [
    { method: 'GET', pattern: `/v1/${prefix}conns/list`, server: key, handle: () => ({ status: 200, body: statefulList(running(host, key).connections()) }) },
    { method: 'POST', pattern: `/v1/${prefix}conns/kick/:id`, server: key, handle: (r) => kicked(running(host, key).kick(r.params.id!), 'connection') },
  ];
  return [
    { method: 'GET', pattern: '/v1/config/get', handle: () => ({ status: 200, body: confView(host.conf()) }) },
    {
      method: 'POST', pattern: '/v1/config/set',
      handle: async (r) => { await editor.apply({ kind: 'set', patch: parseJsonBody(await r.body(), ConfSetRequestSchema) }); return OK; },
    },
    {
      method: 'POST', pattern: '/v1/config/paths/add/*name',
      handle: async (r) => { await editor.apply({ kind: 'addPath', name: pathName(r), patch: parseJsonBody(await r.body(), PathConfRequestSchema) }); return OK; },
    },
    {
      method: 'POST', pattern: '/v1/config/paths/edit/*name',
      handle: async (r) => { await editor.apply({ kind: 'editPath', name: pathName(r), patch: parseJsonBody(await r.body(), PathConfRequestSchema) }); return OK; },
    },
    {
      method: 'POST', pattern: '/v1/config/paths/remove/*name',
      handle: async (r) => { await editor.apply({ kind: 'removePath', name: pathName(r) }); return OK; },
    },
    { method: 'GET', pattern: '/v1/paths/list', handle: () => ({ status: 200, body: pathsList(host.paths(), host.conf()) }) },
    ...rtsp('rtsp', 'rtsp'), ...rtsp('rtsps', 'rtsps'), ...rtmp('rtmp', 'rtmp'), ...rtmp('rtmps', 'rtmps'),
    { method: 'GET', pattern: '/v1/hlsmuxers/list', server: 'hls', handle: () => ({ status: 200, body: hlsMuxersList(running(host, 'hls').muxerList()) }) },
    { method: 'GET', pattern: '/v1/webrtcconns/list', server: 'webrtc', handle: () => ({ status: 200, body: webRtcConnsList(running(host, 'webrtc').connections()) }) },
    { method: 'POST', pattern: '/v1/webrtcconns/kick/:id', server: 'webrtc', handle: (r) => kicked(running(host, 'webrtc').kick(r.params.id!), 'connection') },
  ];
}

/** Parameters of `pattern` in `path`, or undefined when it does not match. */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  const params: Record<string, string> = {};
  for (const [i, seg] of want.entries()) {
    if (seg.startsWith('*')) {
      params[seg.slice(1)] = got.slice(i).join('/');
      return got.length >= i ? params : undefined;
    }
    const g = got[i];
    if (g === undefined) return undefined;
    if (seg.startsWith(':')) {
      if (g === '') return undefined;
      params[seg.slice(1)] = g;
    } else if (seg !== g) {
      return undefined;
    }
  }
  return got.length === want.length ? params : undefined;
}

/** The route for a request: found, found for another method (405), or none (404). Routes of stopped servers don't exist. */
export function findRoute(
  routes: readonly ApiRoute[], servers: ApiServers, method: string, path: string,
): { route: ApiRoute; params: Record<string, string> } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const route of routes) {
    if (route.server !== undefined && servers[route.server] === undefined) continue;
    const params = matchPattern(route.pattern, path);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}
