import { redactUrl } from '../../lib/index.ts';
import type { ParticipantInfo, StaticSource, StaticSourceContext } from '../../core/index.ts';
import type { SourceSettings } from '../source-settings.ts';
import { HlsClient } from './hls-client.ts';
import { HlsStreamWriter } from './hls-stream-writer.ts';

function parseTarget(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`invalid source URL '${redactUrl(value)}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`invalid source URL '${redactUrl(value)}': not http(s)://`);
  return url;
}

/**
 * A path's `http://` or `https://` source (MediaMTX's hlsSource): plays an HLS stream (MPEG-TS or fMP4 segments,
 * Low-Latency parts, the highest-bandwidth variant of a multivariant playlist) with `sourceFingerprint` pinning an
 * https certificate as for rtsps. Each request is bounded by readTimeout and by size; a broken, endless or stalled
 * playlist ends the run, and the path retries.
 */
export class HlsSource implements StaticSource {
  readonly info: ParticipantInfo = { type: 'hlsSource', id: '' };
  readonly label = 'HLS source';

  constructor(private readonly settings: SourceSettings) {}

  /** StaticSource: plays until the stream ends, fails, or the signal aborts. */
  async run(ctx: StaticSourceContext): Promise<void> {
    const url = parseTarget(ctx.url);
    ctx.log.debug(`connecting to ${redactUrl(ctx.url)}`);
    const writer = new HlsStreamWriter(ctx);
    try {
      await new HlsClient({ url, fingerprint: ctx.conf.sourceFingerprint, readTimeoutMs: this.settings.readTimeoutMs, signal: ctx.signal, log: ctx.log, writer }).run();
      await writer.waitBelow(0); // an ended playlist: what was fetched is still written at its pace
    } catch (err) {
      if (ctx.signal.aborted) return;
      throw err;
    } finally {
      writer.close();
    }
  }
}
