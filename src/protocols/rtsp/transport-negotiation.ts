import type { RtspTransportSpec } from './transport-header.ts';
import type { MediaTransport, TransportKind } from './media-transport.ts';

/** What the answering side (a server, or a client asked to receive) can accept for one SETUP. */
export interface TransportNegotiationContext {
  /** Transports enabled by configuration. */
  readonly allowed: ReadonlySet<TransportKind>;
  /** RTSPS: only TCP, since UDP would leave media unencrypted. */
  readonly isSecure: boolean;
  readonly hasUdpListeners: boolean;
  readonly isPublishing: boolean;
  /** Transport chosen by earlier SETUPs of the session, which every media must share. */
  readonly sessionKind: TransportKind | undefined;
  /** Address the RTSP requests come from: UDP media goes there and nowhere else. */
  readonly remoteIp: string;
  /** True when an interleaved channel is already used in the session. */
  isChannelUsed(channel: number): boolean;
  /** Next free even channel, for clients that don't name one (RFC 2326 §10.12). */
  readonly nextChannel: number;
  /** True when a UDP client port of `remoteIp` is already claimed by another session. */
  isUdpPortTaken(port: number): boolean;
}

/** The outcome of a negotiation: the transport chosen and the offer it came from, or the status to answer. */
export type TransportNegotiation =
  | { readonly kind: 'chosen'; readonly transport: MediaTransport; readonly spec: RtspTransportSpec }
  | { readonly kind: 'refused'; readonly statusCode: 400 | 461; readonly reason: string };

function kindOf(spec: RtspTransportSpec): TransportKind {
  return spec.lowerTransport === 'tcp' ? 'tcp' : spec.delivery === 'multicast' ? 'multicast' : 'udp';
}

const refused = (statusCode: 400 | 461, reason: string): TransportNegotiation => ({ kind: 'refused', statusCode, reason });

/**
 * Picks the first of the client's transports that can be accepted (RFC 2326 §12.39: they come in preference order).
 * A transport of the wrong family is skipped, and 461 names the last reason when none fits; a fitting transport
 * with bad parameters (channels, ports) is answered 400 at once, as gortsplib does.
 */
export function negotiateTransport(specs: readonly RtspTransportSpec[], ctx: TransportNegotiationContext): TransportNegotiation {
  let lastReason = 'no supported transport';
  for (const spec of specs) {
    const kind = kindOf(spec);
    if (ctx.sessionKind !== undefined && kind !== ctx.sessionKind) { lastReason = 'can\'t mix transports in one session'; continue; }
    if (!ctx.allowed.has(kind)) { lastReason = `transport ${kind} is disabled`; continue; }
    if (kind !== 'tcp' && ctx.isSecure) { lastReason = 'only TCP is supported with RTSPS'; continue; }
    if (kind === 'multicast' && ctx.isPublishing) { lastReason = 'multicast publishing is not supported'; continue; }
    switch (kind) {
      case 'tcp': {
        const ch = spec.interleaved?.[0] ?? ctx.nextChannel;
        const rtcpCh = spec.interleaved?.[1] ?? ch + 1;
        if (rtcpCh !== ch + 1 || ch < 0 || rtcpCh > 255) return refused(400, `invalid interleaved channels ${ch}-${rtcpCh}`);
        if (ctx.isChannelUsed(ch) || ctx.isChannelUsed(rtcpCh)) return refused(400, `interleaved channels ${ch}-${rtcpCh} already in use`);
        return { kind: 'chosen', transport: { kind: 'tcp', rtpChannel: ch, rtcpChannel: rtcpCh }, spec };
      }
      case 'udp': {
        if (!ctx.hasUdpListeners) { lastReason = 'UDP is not available'; continue; }
        const ports = spec.clientPorts;
        if (!ports) return refused(400, 'Transport header lacks client_port');
        if (ports[0] <= 0 || ports[1] <= 0) return refused(400, 'invalid client_port');
        if (ctx.isUdpPortTaken(ports[0]) || ctx.isUdpPortTaken(ports[1])) return refused(400, 'client_port already in use');
        // `destination=` is ignored: media only goes to the address the RTSP requests come from (docs/limits.md §RTSP).
        const transport: MediaTransport = { kind: 'udp', clientIp: ctx.remoteIp, clientRtpPort: ports[0], clientRtcpPort: ports[1] };
        return { kind: 'chosen', transport, spec };
      }
      case 'multicast':
        return { kind: 'chosen', transport: { kind: 'multicast' }, spec };
    }
  }
  return refused(461, lastReason);
}

/** What the answering side tells about its own end of the chosen transport. */
export interface TransportAnswerOptions {
  /** Server RTP/RTCP ports (`server_port`) for UDP. */
  readonly udpServerPorts: readonly [number, number];
  /** Group ports (`port`) for multicast. */
  readonly multicastPorts: readonly [number, number];
  /** Group address of this media, for multicast. */
  readonly multicastGroup: string | undefined;
  readonly multicastTtl: number;
}

/** The Transport of a SETUP response for a chosen transport (RFC 2326 §12.39), keeping the offer's profile and mode. */
export function transportAnswer(offer: RtspTransportSpec, chosen: MediaTransport, opts: TransportAnswerOptions): RtspTransportSpec {
  const { protocol, mode } = offer;
  switch (chosen.kind) {
    case 'tcp':
      return { protocol, lowerTransport: 'tcp', delivery: 'unicast', interleaved: [chosen.rtpChannel, chosen.rtcpChannel], mode };
    case 'udp':
      return {
        protocol, lowerTransport: 'udp', delivery: 'unicast', clientPorts: [chosen.clientRtpPort, chosen.clientRtcpPort],
        serverPorts: [...opts.udpServerPorts], mode,
      };
    case 'multicast':
      return {
        protocol, lowerTransport: 'udp', delivery: 'multicast', destination: opts.multicastGroup, ports: [...opts.multicastPorts],
        ttl: opts.multicastTtl, mode,
      };
  }
}
