import { findPathConf } from '../conf/index.ts';
import { ApiError } from './api-error.ts';
import type { ApiHost } from './api-host.ts';
import type { ApiReply, ApiRequest, ApiRoute } from './api-routes.ts';
import { v3Name } from './v3-conf-routes.ts';
import { paginate } from './v3-paginate.ts';

// Endpoints upstream registers whatever the configuration (recordings, forwarding), for features we have not built.
// They answer what upstream answers when the feature is unused: nothing was recorded, no destination is forwarded to.
// Servers we do not have (SRT, MoQ) and HLS sessions (we track muxers, not sessions) have no endpoints, which is
// upstream's answer with those servers off: 404.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Go's RFC 3339 layout (`time.RFC3339` accepts a fraction too). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A path configuration must match `name` (upstream's FindPathConf, answered with 400 there). */
function configured(host: ApiHost, name: string): void {
  if (findPathConf(host.conf(), name) === undefined) throw new ApiError(400, 'path not found');
}

/** The `path` query parameter naming an existing path (upstream: 400 when empty, 404 when no such path). */
function existingPath(host: ApiHost, req: ApiRequest): string {
  const name = req.query.get('path') ?? '';
  if (name === '') throw new ApiError(400, 'invalid path');
  if (!host.paths().some((p) => p.name === name)) throw new ApiError(404, 'path not found');
  return name;
}

/** Upstream parses the id before looking the path up: a malformed one is a 400. */
function forwardId(req: ApiRequest): string {
  const id = req.query.get('id') ?? '';
  if (!UUID.test(id)) throw new ApiError(400, `invalid UUID: '${id}'`);
  return id;
}

function deleteSegment(host: ApiHost, req: ApiRequest): ApiReply {
  const start = req.query.get('start') ?? '';
  if (!RFC3339.test(start) || Number.isNaN(Date.parse(start))) throw new ApiError(400, `invalid 'start' parameter: '${start}'`);
  configured(host, req.query.get('path') ?? '');
  // Upstream removes the segment file and answers 400 with the file error when there is none; we never write one.
  throw new ApiError(400, 'segment not found');
}

/** `/v3/recordings/*` and `/v3/paths/forward/*`, as upstream answers them with nothing recorded and nothing forwarded. */
export function v3UnbuiltRoutes(host: ApiHost): readonly ApiRoute[] {
  return [
    { method: 'GET', pattern: '/v3/recordings/list', handle: (r) => ({ status: 200, body: paginate([], r.query) }) },
    {
      method: 'GET', pattern: '/v3/recordings/get/*name',
      handle: (r) => { const name = v3Name(r); configured(host, name); return { status: 200, body: { name, segments: [] } }; },
    },
    { method: 'DELETE', pattern: '/v3/recordings/deletesegment', handle: (r) => deleteSegment(host, r) },
    { method: 'GET', pattern: '/v3/paths/forward/list', handle: (r) => { existingPath(host, r); return { status: 200, body: paginate([], r.query) }; } },
    {
      method: 'GET', pattern: '/v3/paths/forward/get',
      handle: (r) => { forwardId(r); existingPath(host, r); throw new ApiError(404, 'forward destination not found'); },
    },
  ];
}
