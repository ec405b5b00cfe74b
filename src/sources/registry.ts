import type { StaticSourceFactory } from '../core/index.ts';
import { RtspSource } from './rtsp/index.ts';
import { RtmpSource } from './rtmp/index.ts';
import { UdpSource } from './udp/index.ts';
import { HlsSource } from './hls/index.ts';
import { RpiCameraSource } from './rpicamera/index.ts';
import type { SourceSettings } from './source-settings.ts';

/**
 * The static sources this server pulls, by what their `source` value starts with (MediaMTX's chain of
 * `strings.HasPrefix` in source_static.go). The path manager picks the factory; a scheme not listed leaves its path
 * without a stream and says so once.
 */
export function staticSourceFactories(settings: SourceSettings): StaticSourceFactory[] {
  return [
    { prefixes: ['rtsp://', 'rtsps://'], create: () => new RtspSource(settings) },
    { prefixes: ['rtmp://', 'rtmps://'], create: () => new RtmpSource(settings) },
    { prefixes: ['udp://', 'udp+mpegts://'], create: () => new UdpSource(settings) },
    { prefixes: ['http://', 'https://'], create: () => new HlsSource(settings) },
    { prefixes: ['rpiCamera'], create: () => new RpiCameraSource() },
  ];
}
