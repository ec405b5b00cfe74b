import type { ConfEditor } from './api-conf-editor.ts';
import { ApiError } from './api-error.ts';
import type { ApiHost } from './api-host.ts';
import type { ApiReply, ApiRequest, ApiRoute } from './api-routes.ts';
import { v3GlobalView, v3PathView } from './v3-conf-view.ts';
import { readV3Patch } from './v3-conf-patch.ts';
import { byKey } from './v3-items.ts';
import { paginate } from './v3-paginate.ts';

/** Upstream's answer to a change or a kick that worked. */
export const V3_OK: ApiReply = { status: 200, body: { status: 'ok' } };

/** The `{name}` of a v3 route: path names may contain `/`; an empty one is refused as upstream does. */
export function v3Name(req: ApiRequest): string {
  const name = req.params.name ?? '';
  if (name === '') throw new ApiError(400, 'invalid name');
  return name;
}

/** The name of an existing path configuration, or 404 as upstream answers. */
function existing(host: ApiHost, req: ApiRequest, what: string): string {
  const name = v3Name(req);
  if (!Object.hasOwn(host.conf().paths, name)) throw new ApiError(404, what);
  return name;
}

/**
 * The v3 configuration endpoints: global settings, `pathDefaults` and path entries, read under v1.x names (secrets
 * masked) and changed with bodies of v1.x (or v0.22) names, validated and applied like v1's changes (ConfEditor).
 */
export function v3ConfRoutes(host: ApiHost, editor: ConfEditor): ApiRoute[] {
  const pathPatch = async (r: ApiRequest, name: string | undefined): Promise<Record<string, unknown>> => {
    const p = name === undefined ? undefined : host.conf().paths[name];
    const stored = p ? { raw: v3PathView(name!, p, false), shown: v3PathView(name!, p) } : undefined;
    return readV3Patch(await r.body(), 'path', stored);
  };
  return [
    { method: 'GET', pattern: '/v3/config/global/get', handle: () => ({ status: 200, body: v3GlobalView(host.conf()) }) },
    {
      method: 'PATCH', pattern: '/v3/config/global/patch',
      handle: async (r) => {
        const conf = host.conf();
        const patch = readV3Patch(await r.body(), 'global', { raw: v3GlobalView(conf, false), shown: v3GlobalView(conf) });
        await editor.apply({ kind: 'set', patch, fileNames: 'v1.x' });
        return V3_OK;
      },
    },
    { method: 'GET', pattern: '/v3/config/pathdefaults/get', handle: () => ({ status: 200, body: v3PathView('', host.conf().pathDefaults) }) },
    {
      method: 'PATCH', pattern: '/v3/config/pathdefaults/patch',
      handle: async (r) => {
        const d = host.conf().pathDefaults;
        const patch = readV3Patch(await r.body(), 'path', { raw: v3PathView('', d, false), shown: v3PathView('', d) });
        await editor.apply({ kind: 'pathDefaults', patch, fileNames: 'v1.x' });
        return V3_OK;
      },
    },
    {
      method: 'GET', pattern: '/v3/config/paths/list',
      handle: (r) => {
        const { paths } = host.conf();
        const names = byKey(Object.keys(paths), (n) => n);
        return { status: 200, body: paginate(names.map((n) => v3PathView(n, paths[n]!)), r.query) };
      },
    },
    {
      method: 'GET', pattern: '/v3/config/paths/get/*name',
      handle: (r) => {
        const name = existing(host, r, 'path configuration not found');
        return { status: 200, body: v3PathView(name, host.conf().paths[name]!) };
      },
    },
    {
      method: 'POST', pattern: '/v3/config/paths/add/*name',
      handle: async (r) => { await editor.apply({ kind: 'addPath', name: v3Name(r), patch: await pathPatch(r, undefined), fileNames: 'v1.x' }); return V3_OK; },
    },
    {
      method: 'PATCH', pattern: '/v3/config/paths/patch/*name',
      handle: async (r) => {
        const name = existing(host, r, 'path not found');
        await editor.apply({ kind: 'editPath', name, patch: await pathPatch(r, name), fileNames: 'v1.x' });
        return V3_OK;
      },
    },
    {
      method: 'POST', pattern: '/v3/config/paths/replace/*name',
      handle: async (r) => {
        const name = existing(host, r, 'path not found');
        await editor.apply({ kind: 'replacePath', name, patch: await pathPatch(r, name), fileNames: 'v1.x' });
        return V3_OK;
      },
    },
    {
      method: 'DELETE', pattern: '/v3/config/paths/delete/*name',
      handle: async (r) => { await editor.apply({ kind: 'removePath', name: existing(host, r, 'path not found') }); return V3_OK; },
    },
  ];
}
