import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { staticSourceFactories } from './registry.ts';
import { RtspSource } from './rtsp/index.ts';
import { RtmpSource } from './rtmp/index.ts';
import { UdpSource } from './udp/index.ts';
import { HlsSource } from './hls/index.ts';
import { RpiCameraSource } from './rpicamera/index.ts';

describe('static source registry', () => {
  it('gives each scheme a source that shows, before loading, the info and label the loaded source has', () => {
    const settings = { readTimeoutMs: 1000, writeTimeoutMs: 1000 };
    const loaded = [new RtspSource(settings), new RtmpSource(settings), new UdpSource(settings), new HlsSource(settings), new RpiCameraSource()];
    const factories = staticSourceFactories(settings);
    assert.equal(factories.length, loaded.length, 'one factory per source kind');
    factories.forEach((f, i) => {
      const lazy = f.create(f.prefixes[0]!, {} as never);
      assert.deepEqual(lazy.info, loaded[i]!.info, `${f.prefixes.join(', ')}: info`);
      assert.equal(lazy.label, loaded[i]!.label, `${f.prefixes.join(', ')}: label`);
    });
  });
});
