import { ApiError } from './api-error.ts';

/** A v3 list answer: the number of items, of pages, and the items of the page asked for. */
export interface V3List<T> { readonly itemCount: number; readonly pageCount: number; readonly items: readonly T[] }

/** Items per page when the client does not say (upstream's default). */
export const DEFAULT_ITEMS_PER_PAGE = 100;

// Go's strconv.ParseUint(s, 10, 31): decimal digits only, below 2^31.
const MAX_PARAM = 2 ** 31 - 1;

function param(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_PARAM) throw new ApiError(400, `invalid ${name}: '${text}'`);
  return n;
}

/**
 * One page of `items` as upstream's `paginate` cuts it: `itemsPerPage` (default 100, not 0) and `page` (from 0) from
 * the query; a page past the end is empty; no items means 0 pages. A bad parameter is refused with 400.
 */
export function paginate<T>(items: readonly T[], query: URLSearchParams): V3List<T> {
  const perPage = param(query, 'itemsPerPage') ?? DEFAULT_ITEMS_PER_PAGE;
  if (perPage === 0) throw new ApiError(400, 'invalid items per page');
  const page = param(query, 'page') ?? 0;
  const pageCount = Math.ceil(items.length / perPage);
  const start = Math.min(page * perPage, items.length);
  return { itemCount: items.length, pageCount, items: items.slice(start, Math.min(start + perPage, items.length)) };
}
