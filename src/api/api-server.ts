import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackAddress, normalizeIp, openHttpListener, type HttpListener, type HttpAuthGuard, type Logger, withAuthGuard } from '../lib/index.ts';
import { ApiError } from './api-error.ts';
import { readBody } from './api-body.ts';
import { ConfEditor } from './api-conf-editor.ts';
import type { ApiHost } from './api-host.ts';
import { apiRoutes, findRoute, type ApiReply, type ApiRoute } from './api-routes.ts';
import { RawJson } from './api-lists.ts';
import { v3Routes } from './v3-routes.ts';

/** Options of the API server. */
export interface ApiServerOptions {
  /** `apiAddress`. */
  address: string;
  /** `readTimeout`: time a client has to send a whole request. */
  readTimeoutMs: number;
  host: ApiHost;
  log: Logger;
  /** MediaMTX v1.x permission check run before every request (absent: none, as v0.22.2). */
  authGuard?: HttpAuthGuard | undefined;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * MediaMTX's HTTP control API (`api: yes`), v1 (v0.22.2's) and v3 (v1.x's) side by side: the configuration (read, change, add/edit/remove paths, applied as a
 * hot reload and optionally written back to the file) and the lists of paths, connections and sessions, with kick.
 * Every answer carries `Server: mediamtx`; errors are JSON (`{"status":"error","error":"…"}`).
 */
export class ApiServer {
  private readonly routes: readonly ApiRoute[];

  private constructor(private readonly opts: ApiServerOptions, private readonly log: Logger, private listener?: HttpListener) {
    const editor = new ConfEditor(opts.host, log);
    this.routes = [...apiRoutes(opts.host, editor), ...v3Routes(opts.host, editor)];
  }

  /** Opens the listener. */
  static async listen(opts: ApiServerOptions): Promise<ApiServer> {
    const log = opts.log.child('[API]');
    const server = new ApiServer(opts, log);
    server.listener = await openHttpListener({
      address: opts.address, readTimeoutMs: opts.readTimeoutMs,
      handler: withAuthGuard(opts.authGuard, (req, res) => server.handle(req, res)),
      onError: (err) => log.error(err.message),
    });
    log.info(`listener opened on ${opts.address}`);
    // No authentication (as MediaMTX v0.22): say so when it is reachable from other hosts.
    if (!opts.authGuard && !isLoopbackAddress(opts.address)) log.warn(`${opts.address} is not a loopback address and this listener has no authentication: anyone who reaches it can read and change the configuration`);
    return server;
  }

  /** Port the listener is bound to. */
  get port(): number { return this.listener?.port ?? 0; }

  /** Closes the listener; requests in flight get 2 s to finish. */
  async close(): Promise<void> {
    this.log.info('listener is closing');
    await this.listener?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let shouldClose = false;
    const reply = await this.reply(req).catch((err: unknown) => {
      if (!(err instanceof ApiError)) throw err;
      shouldClose = err.shouldClose;
      return { status: err.status, body: { status: 'error', error: err.message } };
    });
    this.send(res, reply, shouldClose);
    this.log.debug(`[conn ${normalizeIp(req.socket.remoteAddress)}:${req.socket.remotePort ?? 0}] ${req.method} ${req.url} ${reply.status}`);
  }

  private async reply(req: IncomingMessage): Promise<ApiReply> {
    let path: string;
    let query: URLSearchParams;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      path = decodeURIComponent(url.pathname);
      query = url.searchParams;
    } catch {
      throw new ApiError(400, 'invalid URL encoding');
    }
    const found = findRoute(this.routes, this.opts.host.servers(), req.method ?? '', path);
    if (!found) throw new ApiError(404, 'not found');
    if ('allowed' in found) throw new ApiError(405, `method not allowed (allowed: ${found.allowed.join(', ')})`);
    return found.route.handle({ params: found.params, query, body: () => readBody(req) });
  }

  /** Writes the answer; `shouldClose`: the body was left unread, so the connection can't carry another request. */
  private send(res: ServerResponse, reply: ApiReply, shouldClose: boolean): void {
    const headers: Record<string, string> = { Server: 'mediamtx' };
    if (shouldClose) headers.Connection = 'close';
    if (reply.body === undefined) { res.writeHead(reply.status, headers).end(); return; }
    res.writeHead(reply.status, { ...headers, 'Content-Type': JSON_TYPE }).end(reply.body instanceof RawJson ? reply.body.text : JSON.stringify(reply.body));
  }
}
