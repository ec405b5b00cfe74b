import { redactUrl } from '../../lib/index.ts';
import type { ParticipantInfo, StaticSource, StaticSourceContext } from '../../core/index.ts';
import { RtspParseError, parseRtspClientUrl, type RtspClientUrl, type TransportKind } from '../../protocols/rtsp/index.ts';
import type { SourceSettings } from '../source-settings.ts';
import { RtspPlaySession } from './rtsp-play-session.ts';
import { RtspRedirectError, SwitchToTcpError } from './rtsp-setup.ts';

// Redirections followed in one run (a loop between two servers ends there).
const MAX_REDIRECTS = 5;

function parseTarget(url: string): RtspClientUrl {
  try {
    return parseRtspClientUrl(url);
  } catch (err) {
    if (err instanceof RtspParseError) throw new Error(`invalid source URL '${redactUrl(url)}': ${err.message}`);
    throw err;
  }
}

/**
 * Where a redirection leads. The source's credentials follow only to the same host and port: another server
 * must not receive the camera's password.
 */
function redirected(from: RtspClientUrl, location: string): RtspClientUrl {
  const to = parseTarget(location);
  const sameServer = to.host === from.host && to.port === from.port && to.isSecure === from.isSecure;
  return to.credentials || !sameServer || !from.credentials ? to : { ...to, credentials: from.credentials };
}

/**
 * A path's `rtsp://` or `rtsps://` source (MediaMTX's rtspSource): reads the upstream with our RTSP client on
 * `sourceProtocol` (automatic: UDP, then TCP when UDP brings nothing or the server wants TCP; rtsps: TCP), with the
 * URL's credentials, `sourceAnyPortEnable` and `sourceFingerprint`. One run lasts as long as one upstream session.
 */
export class RtspSource implements StaticSource {
  readonly info: ParticipantInfo = { type: 'rtspSource', id: '' };
  readonly label = 'RTSP source';

  constructor(private readonly settings: SourceSettings) {}

  /** StaticSource: reads until the upstream fails or the signal aborts. */
  async run(ctx: StaticSourceContext): Promise<void> {
    let target = parseTarget(ctx.url);
    const protocol = ctx.conf.sourceProtocol;
    // RTSPS media travels inside the TLS connection only: UDP would leave it in clear (gortsplib does the same).
    let isAutomatic = protocol === 'automatic' && !target.isSecure;
    let kind: TransportKind = target.isSecure ? 'tcp' : protocol === 'automatic' ? 'udp' : protocol;
    ctx.log.debug(`connecting to ${redactUrl(target.url)} over ${kind.toUpperCase()}`);
    for (let redirects = 0; ;) {
      try {
        await RtspPlaySession.run({
          target, kind, isAutomatic, anyPort: ctx.conf.sourceAnyPortEnable, fingerprint: ctx.conf.sourceFingerprint,
          readTimeoutMs: this.settings.readTimeoutMs, writeTimeoutMs: this.settings.writeTimeoutMs, signal: ctx.signal, log: ctx.log,
          setReady: (desc) => ctx.setReady(desc),
        });
        return;
      } catch (err) {
        if (ctx.signal.aborted) return;
        if (err instanceof SwitchToTcpError && isAutomatic) {
          ctx.log.info(err.message);
          isAutomatic = false;
          kind = 'tcp';
          continue;
        }
        if (err instanceof RtspRedirectError && redirects < MAX_REDIRECTS) {
          redirects++;
          target = redirected(target, err.location);
          ctx.log.info(`redirected to ${redactUrl(target.url)}`);
          continue;
        }
        throw err;
      }
    }
  }
}
