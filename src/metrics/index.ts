export { MetricsServer, METRICS_CONTENT_TYPE, type MetricsServerOptions } from './metrics-server.ts';
export { metricsPage } from './metrics-page.ts';
export type { MetricsSources, MetricsServers, MetricsConnection, MetricsHlsMuxer, MetricsConnectionSource, MetricsRtspSource,
  MetricsWebRtcSession, MetricsWebRtcStats } from './metrics-sources.ts';
