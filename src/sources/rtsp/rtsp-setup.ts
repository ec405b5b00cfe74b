import { redactUrl } from '../../lib/index.ts';
import { SdpParseError, parseSdp, sdpToDescription, type Description, type Media } from '../../formats/index.ts';
import {
  describeBaseUrl, mediaControlUrl, readTransportAnswer, transportOfferHeader,
  type ClientMediaTransport, type RtspResponse, type TransportKind, type TransportOffer,
} from '../../protocols/rtsp/index.ts';
import type { RtspClientConn } from './rtsp-client-conn.ts';
import { RtspClientUdpPair, type UdpPairHandlers } from './rtsp-client-udp.ts';

/** Automatic mode found that UDP does not work with this server: the source starts over with TCP. */
export class SwitchToTcpError extends Error {
  override readonly name = 'SwitchToTcpError';
}

/** DESCRIBE answered with a redirection (RFC 2326 §11.3): the source starts over at `location`. */
export class RtspRedirectError extends Error {
  override readonly name = 'RtspRedirectError';
  // The runner logs the message of the last redirection of a loop: a Location may carry a user and password.
  constructor(readonly location: string) { super(`redirected to ${redactUrl(location)}`); }
}

/** One media after SETUP: how it arrives, and its UDP sockets when it comes over UDP or multicast. */
export interface SetupMedia {
  readonly index: number;
  readonly media: Media;
  readonly transport: ClientMediaTransport;
  readonly udp?: RtspClientUdpPair;
}

/** What DESCRIBE and SETUP established. */
export interface SetupResult {
  readonly description: Description;
  /** Where PLAY and keep-alives go (gortsplib uses the stream's base URL: some cameras answer nothing else). */
  readonly baseUrl: string;
  /** Keep-alives use GET_PARAMETER when the server lists it (VLC's server wants it), OPTIONS otherwise. */
  readonly keepAliveMethod: 'GET_PARAMETER' | 'OPTIONS';
}

/** Options of describeAndSetup. */
export interface SetupOptions {
  /** The URL to request (no credentials). */
  readonly url: string;
  readonly kind: TransportKind;
  /** sourceProtocol automatic: a server that wants TCP makes the source start over with TCP instead of failing. */
  readonly isAutomatic: boolean;
  /** sourceAnyPortEnable: UDP from any port of the server's address. */
  readonly anyPort: boolean;
  /** Receives each media as it is set up, so that the caller can close its sockets whatever happens next. */
  readonly onMedia: (m: SetupMedia) => void;
  readonly udpHandlers: (index: number) => UdpPairHandlers;
}

function statusError(method: string, res: RtspResponse): Error {
  return new Error(`${method} failed: ${res.statusCode} ${res.statusMessage}`.trimEnd());
}

/** OPTIONS then DESCRIBE: the description, its base URL and the keep-alive method. */
async function describe(conn: RtspClientConn, url: string): Promise<Omit<SetupResult, 'description'> & { description: Description; controls: string[] }> {
  const options = await conn.request('OPTIONS', url);
  // OPTIONS is not implemented by every camera (gortsplib accepts 404 too).
  if (options.statusCode !== 200 && options.statusCode !== 404) throw statusError('OPTIONS', options);
  const isGetParameter = (options.headers.get('Public') ?? '').split(',').some((m) => m.trim().toUpperCase() === 'GET_PARAMETER');
  const res = await conn.request('DESCRIBE', url, { Accept: 'application/sdp' });
  if (res.statusCode >= 300 && res.statusCode < 400) {
    const location = res.headers.get('Location');
    if (location && /^rtsps?:\/\//i.test(location)) throw new RtspRedirectError(location);
  }
  if (res.statusCode !== 200) throw statusError('DESCRIBE', res);
  const type = res.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/sdp') throw new Error(`DESCRIBE answered with content type '${(type ?? '').slice(0, 64)}' instead of application/sdp`);
  let parsed;
  try {
    parsed = sdpToDescription(parseSdp(res.body.toString('utf8')));
  } catch (err) {
    if (!(err instanceof SdpParseError)) throw err;
    throw new Error(`invalid SDP: ${err.message}`);
  }
  const baseUrl = describeBaseUrl(url, res.headers.get('Content-Base'), res.headers.get('Content-Location'));
  return { ...parsed, baseUrl, keepAliveMethod: isGetParameter ? 'GET_PARAMETER' : 'OPTIONS' };
}

/**
 * Reads the stream's description and sets up every media on `kind` (gortsplib's Describe + SetupAll): UDP pairs are
 * opened per media, multicast groups joined, TCP channels 2i/2i+1 asked for.
 */
export async function describeAndSetup(conn: RtspClientConn, o: SetupOptions): Promise<SetupResult> {
  const d = await describe(conn, o.url);
  for (const [index, media] of d.description.medias.entries()) {
    const sm = await setupMedia(conn, o, { index, media, url: mediaControlUrl(d.baseUrl, d.controls[index] ?? '') });
    o.onMedia(sm);
  }
  return { description: d.description, baseUrl: d.baseUrl, keepAliveMethod: d.keepAliveMethod };
}

async function setupMedia(conn: RtspClientConn, o: SetupOptions, m: { index: number; media: Media; url: string }): Promise<SetupMedia> {
  let udp: RtspClientUdpPair | undefined;
  let offer: TransportOffer;
  if (o.kind === 'udp') {
    udp = await RtspClientUdpPair.openUnicast(conn.remoteAddress, o.udpHandlers(m.index));
    offer = { kind: 'udp', rtpPort: udp.rtpPort, rtcpPort: udp.rtpPort + 1 };
  } else {
    offer = o.kind === 'tcp' ? { kind: 'tcp', rtpChannel: m.index * 2 } : { kind: 'multicast' };
  }
  try {
    const res = await conn.request('SETUP', m.url, { Transport: transportOfferHeader(offer) });
    // 461 Unsupported Transport (RFC 2326 §11.3.13): in automatic mode, TCP is tried next, as gortsplib does.
    if (res.statusCode === 461 && o.isAutomatic && o.kind !== 'tcp') throw new SwitchToTcpError('the server refused UDP, switching to TCP');
    if (res.statusCode !== 200) throw statusError('SETUP', res);
    const answer = readTransportAnswer(o.kind, res.headers.get('Transport'));
    if (answer.kind === 'wantsTcp') {
      if (o.isAutomatic) throw new SwitchToTcpError('the server wants TCP, switching to TCP');
      throw new Error(`the server wants TCP while sourceProtocol is ${o.kind}`);
    }
    if (answer.kind === 'refused') throw new Error(`SETUP: ${answer.reason}`);
    const t = answer.transport;
    const server = conn.remoteAddress;
    if (t.kind === 'udp') {
      if (!t.serverPorts && !o.anyPort) throw new Error('the server did not give its UDP ports (server_port); set sourceAnyPortEnable to accept any');
      udp!.setPeer({
        ip: t.source ?? server, rtpPort: o.anyPort ? undefined : t.serverPorts?.[0], rtcpPort: o.anyPort ? undefined : t.serverPorts?.[1],
        rtcpDestination: t.serverPorts ? { ip: server, port: t.serverPorts[1] } : undefined,
      });
    } else if (t.kind === 'multicast') {
      udp = await RtspClientUdpPair.openMulticast({ group: t.group, ports: t.ports, interfaceIp: conn.localAddress, handlers: o.udpHandlers(m.index) });
      // Multicast senders use any source port; the sender's address is what identifies them.
      udp.setPeer({ ip: t.source ?? server, rtpPort: undefined, rtcpPort: undefined, rtcpDestination: { ip: t.group, port: t.ports[1] } });
    }
    return { index: m.index, media: m.media, transport: t, ...(udp ? { udp } : {}) };
  } catch (err) {
    udp?.close();
    throw err;
  }
}
