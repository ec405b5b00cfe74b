import type { StaticSourceFactory } from '../core/index.ts';
import { LazySource } from './lazy-source.ts';
import type { SourceSettings } from './source-settings.ts';

/**
 * The static sources this server pulls, by what their `source` value starts with (MediaMTX's chain of
 * `strings.HasPrefix` in source_static.go). The path manager picks the factory; a scheme not listed leaves its path
 * without a stream and says so once. Each protocol's module is imported when a source of it first runs.
 */
export function staticSourceFactories(settings: SourceSettings): StaticSourceFactory[] {
  return [
    {
      prefixes: ['rtsp://', 'rtsps://'],
      create: () => new LazySource({ type: 'rtspSource', id: '' }, 'RTSP source', async () => new (await import('./rtsp/index.ts')).RtspSource(settings)),
    },
    {
      prefixes: ['rtmp://', 'rtmps://'],
      create: () => new LazySource({ type: 'rtmpSource', id: '' }, 'RTMP source', async () => new (await import('./rtmp/index.ts')).RtmpSource(settings)),
    },
    {
      prefixes: ['udp://', 'udp+mpegts://'],
      create: () => new LazySource({ type: 'udpSource', id: '' }, 'UDP source', async () => new (await import('./udp/index.ts')).UdpSource(settings)),
    },
    {
      prefixes: ['http://', 'https://'],
      create: () => new LazySource({ type: 'hlsSource', id: '' }, 'HLS source', async () => new (await import('./hls/index.ts')).HlsSource(settings)),
    },
    {
      prefixes: ['rpiCamera'],
      create: () => new LazySource({ type: 'rpiCameraSource', id: '' }, 'RPI Camera source', async () => new (await import('./rpicamera/index.ts')).RpiCameraSource()),
    },
  ];
}
