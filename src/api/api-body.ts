import type { IncomingMessage } from 'node:http';
import type { z } from 'zod/v3';
import { ApiError } from './api-error.ts';

/** Largest request body accepted (MediaMTX's API limit). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/**
 * Deepest JSON nesting accepted. A configuration needs 4 levels (`paths` → name → key → list); anything deeper is
 * refused before it is used, because JSON.stringify of a very deep value overflows the stack (RELIABILITY §1.6).
 */
export const MAX_BODY_DEPTH = 8;

/** Reads the whole body, refusing more than `maxBytes` without storing the excess. */
export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new ApiError(400, `the body is larger than ${maxBytes} bytes`, true);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ApiError(400, `the body is larger than ${maxBytes} bytes`, true);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Depth of the deepest array or object in `v`, walked without recursion, stopping once past `limit`. */
export function jsonDepth(v: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    max = Math.max(max, depth);
    if (max > limit) return max;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}

/** One line naming where and why the body does not fit `schema`: `unknown field 'foo'`, `'readTimeout': expected string`. */
function schemaReason(error: z.ZodError): string {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const at = issue.path.length > 0 ? ` in '${issue.path.join('.')}'` : '';
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${at}`;
  }
  return `invalid value for '${issue.path.join('.')}': ${issue.message}`;
}

/**
 * Parses a JSON body that must fit `schema` (an object of optional keys): invalid JSON, more nesting than
 * MAX_BODY_DEPTH, unknown fields and values of the wrong type are refused with 400 and the reason.
 */
export function parseJsonBody<T>(body: Buffer, schema: z.ZodType<T>): T {
  if (body.length === 0) throw new ApiError(400, 'the body is empty: expected a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, `invalid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError(400, 'expected a JSON object');
  if (jsonDepth(value, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) throw new ApiError(400, `the JSON is nested deeper than ${MAX_BODY_DEPTH} levels`);
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError(400, schemaReason(r.error));
  return r.data;
}
