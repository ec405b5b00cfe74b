import type { RtspTransport } from '../../conf/index.ts';
import type { RtspTransportSpec } from '../../protocols/rtsp/index.ts';
import type { MediaTransport, TransportKind } from './rtsp-session-types.ts';
import { RtspStatusError } from './rtsp-status.ts';

/** What the server can offer to one SETUP. */
export interface NegotiationContext {
  allowed: ReadonlySet<RtspTransport>;
  /** RTSPS: only TCP, since UDP would leave media unencrypted. */
  isSecure: boolean;
  hasUdpListeners: boolean;
  isPublishing: boolean;
  /** Transport chosen by earlier SETUPs of the session, which every media must share. */
  sessionKind: TransportKind | undefined;
  remoteIp: string;
  /** Returns true when the interleaved channel pair is already used in the session. */
  isChannelUsed(ch: number): boolean;
  /** Next free even channel for clients that don't say (RFC 2326 §10.12). */
  nextChannel: number;
  /** True when a UDP client port is already claimed by another session from this IP. */
  isUdpPortTaken(port: number): boolean;
}

/** Picks the first of the client's transports the server can accept (RFC 2326 §12.39), or 461. */
export function negotiateTransport(specs: readonly RtspTransportSpec[], ctx: NegotiationContext): { transport: MediaTransport; spec: RtspTransportSpec } {
  let lastError = 'no supported transport';
  for (const spec of specs) {
    const kind: TransportKind = spec.lowerTransport === 'tcp' ? 'tcp' : spec.delivery === 'multicast' ? 'multicast' : 'udp';
    if (ctx.sessionKind !== undefined && kind !== ctx.sessionKind) { lastError = 'can\'t mix transports in one session'; continue; }
    if (!ctx.allowed.has(kind)) { lastError = `transport ${kind} is disabled`; continue; }
    if (kind !== 'tcp' && ctx.isSecure) { lastError = 'only TCP is supported with RTSPS'; continue; }
    if (kind === 'multicast' && ctx.isPublishing) { lastError = 'multicast publishing is not supported'; continue; }
    if (kind === 'tcp') {
      const ch = spec.interleaved?.[0] ?? ctx.nextChannel;
      const rtcpCh = spec.interleaved?.[1] ?? ch + 1;
      if (rtcpCh !== ch + 1 || ch < 0 || rtcpCh > 255) throw new RtspStatusError(400, `invalid interleaved channels ${ch}-${rtcpCh}`);
      if (ctx.isChannelUsed(ch) || ctx.isChannelUsed(rtcpCh)) throw new RtspStatusError(400, `interleaved channels ${ch}-${rtcpCh} already in use`);
      return { transport: { kind: 'tcp', rtpChannel: ch, rtcpChannel: rtcpCh }, spec };
    }
    if (kind === 'udp') {
      if (!ctx.hasUdpListeners) { lastError = 'UDP is not available'; continue; }
      const ports = spec.clientPorts;
      if (!ports) throw new RtspStatusError(400, 'Transport header lacks client_port');
      if (ports[0] <= 0 || ports[1] <= 0) throw new RtspStatusError(400, 'invalid client_port');
      if (ctx.isUdpPortTaken(ports[0]) || ctx.isUdpPortTaken(ports[1])) throw new RtspStatusError(400, 'client_port already in use');
      // RELIABILITY V19: `destination=` is ignored; media only goes to the address the RTSP requests come from.
      return { transport: { kind: 'udp', clientIp: ctx.remoteIp, clientRtpPort: ports[0], clientRtcpPort: ports[1] }, spec };
    }
    return { transport: { kind: 'multicast' }, spec };
  }
  throw new RtspStatusError(461, lastError);
}
