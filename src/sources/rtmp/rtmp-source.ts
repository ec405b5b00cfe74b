import { redactUrl } from '../../lib/index.ts';
import type { ParticipantInfo, StaticSource, StaticSourceContext } from '../../core/index.ts';
import { RtmpProtocolError, parseRtmpClientUrl, type RtmpClientUrl } from '../../protocols/rtmp/index.ts';
import type { SourceSettings } from '../source-settings.ts';
import { RtmpPlayClient } from './rtmp-play-client.ts';

function parseTarget(url: string): RtmpClientUrl {
  try {
    return parseRtmpClientUrl(url);
  } catch (err) {
    if (err instanceof RtmpProtocolError) throw new Error(`invalid source URL '${redactUrl(url)}': ${err.message}`);
    throw err;
  }
}

/**
 * A path's `rtmp://` or `rtmps://` source (MediaMTX's rtmpSource): plays the upstream with our RTMP client, H264,
 * AAC, MP3, G711 and the Enhanced RTMP codecs (H265, AV1, VP9, Opus); `sourceFingerprint` pins an rtmps certificate.
 */
export class RtmpSource implements StaticSource {
  readonly info: ParticipantInfo = { type: 'rtmpSource', id: '' };
  readonly label = 'RTMP source';

  constructor(private readonly settings: SourceSettings) {}

  /** StaticSource: plays until the upstream fails or the signal aborts. */
  async run(ctx: StaticSourceContext): Promise<void> {
    const target = parseTarget(ctx.url);
    ctx.log.debug(`connecting to ${redactUrl(ctx.url)}`);
    await RtmpPlayClient.run({
      target, fingerprint: ctx.conf.sourceFingerprint, readTimeoutMs: this.settings.readTimeoutMs, signal: ctx.signal, log: ctx.log,
      setReady: (desc) => ctx.setReady(desc),
    });
  }
}
