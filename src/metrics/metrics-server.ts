import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackAddress, openHttpListener, type HttpListener, type HttpAuthGuard, type Logger, withAuthGuard } from '../lib/index.ts';
import { metricsPage } from './metrics-page.ts';
import { parseMetricsFilter, type MetricsFilter } from './metrics-filter.ts';
import type { MetricsSources } from './metrics-sources.ts';
import { ProcessMetrics } from './process-metrics.ts';

/** Options of the metrics server. */
export interface MetricsServerOptions {
  /** `metricsAddress`. */
  address: string;
  /** `readTimeout`: time a client has to send a whole request. */
  readTimeoutMs: number;
  sources: MetricsSources;
  log: Logger;
  /** MediaMTX v1.x permission check run before every request (absent: none, as v0.22.2). */
  authGuard?: HttpAuthGuard | undefined;
}

/** Content type of Prometheus text exposition. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Prometheus metrics (`metrics: yes`): `GET /metrics`, built from read-only snapshots at each scrape. */
export class MetricsServer {
  private listener: HttpListener | undefined;
  private readonly process = new ProcessMetrics();

  private constructor(private readonly opts: MetricsServerOptions, private readonly log: Logger) {}

  /** Opens the listener. */
  static async listen(opts: MetricsServerOptions): Promise<MetricsServer> {
    const log = opts.log.child('[metrics]');
    const server = new MetricsServer(opts, log);
    try {
      server.listener = await openHttpListener({
        address: opts.address, readTimeoutMs: opts.readTimeoutMs,
        handler: withAuthGuard(opts.authGuard, (req, res) => server.handle(req, res)),
        onError: (err) => log.error(err.message),
      });
    } catch (err) {
      server.process.close();
      throw err;
    }
    log.info(`listener opened on ${opts.address}`);
    // No authentication (as MediaMTX v0.22): say so when it is reachable from other hosts.
    if (!opts.authGuard && !isLoopbackAddress(opts.address)) log.warn(`${opts.address} is not a loopback address and this listener has no authentication: anyone who reaches it can read path names and client addresses`);
    return server;
  }

  /** Port the listener is bound to. */
  get port(): number { return this.listener?.port ?? 0; }

  /** The page a scrape gets now, filtered as upstream's `?type=` / `?path=` … ask. */
  page(filter?: MetricsFilter): string { return metricsPage(this.opts.sources, (t) => this.process.write(t), filter); }

  /** Closes the listener. */
  async close(): Promise<void> {
    this.log.info('listener is closing');
    this.process.close();
    await this.listener?.close();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path !== '/metrics') { res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found'); return; }
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { Allow: 'GET, HEAD' }).end(); return; }
    const body = this.page(parseMetricsFilter(url.searchParams));
    res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
