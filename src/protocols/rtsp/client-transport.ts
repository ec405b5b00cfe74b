import { isIP } from 'node:net';
import { parseTransportHeader, serializeTransportSpec, type RtspTransportSpec } from './transport-header.ts';
import type { TransportKind } from './media-transport.ts';
import { RtspParseError } from './rtsp-parse-error.ts';

/** What a client offers in one SETUP (RFC 2326 §12.39): its UDP ports, multicast, or interleaved channels. */
export type TransportOffer =
  | { readonly kind: 'udp'; readonly rtpPort: number; readonly rtcpPort: number }
  | { readonly kind: 'multicast' }
  | { readonly kind: 'tcp'; readonly rtpChannel: number };

/** How one media reaches a client, as the server's SETUP answer set it up. */
export type ClientMediaTransport =
  | { readonly kind: 'tcp'; readonly rtpChannel: number; readonly rtcpChannel: number }
  | {
    readonly kind: 'udp';
    /** `server_port`: where the server sends from and takes RTCP; absent when the server did not say. */
    readonly serverPorts?: readonly [number, number];
    /** `source=`: the sender's address when it is not the RTSP server's. */
    readonly source?: string;
  }
  | {
    readonly kind: 'multicast'; readonly group: string; readonly ports: readonly [number, number];
    readonly source?: string;
  };

/** The outcome of reading a SETUP answer's Transport header. */
export type TransportAnswer =
  | { readonly kind: 'accepted'; readonly transport: ClientMediaTransport }
  /** The server answered a UDP offer with TCP (it wants TCP): a client in automatic mode starts over with TCP. */
  | { readonly kind: 'wantsTcp' }
  | { readonly kind: 'refused'; readonly reason: string };

/** The Transport header of a SETUP that reads (`mode` defaults to PLAY, RFC 2326 §12.39). */
export function transportOfferHeader(offer: TransportOffer): string {
  let spec: RtspTransportSpec;
  switch (offer.kind) {
    case 'udp': spec = { protocol: 'RTP/AVP', lowerTransport: 'udp', delivery: 'unicast', clientPorts: [offer.rtpPort, offer.rtcpPort] }; break;
    case 'multicast': spec = { protocol: 'RTP/AVP', lowerTransport: 'udp', delivery: 'multicast' }; break;
    case 'tcp': spec = { protocol: 'RTP/AVP', lowerTransport: 'tcp', delivery: 'unicast', interleaved: [offer.rtpChannel, offer.rtpChannel + 1] }; break;
  }
  return serializeTransportSpec(spec);
}

const refused = (reason: string): TransportAnswer => ({ kind: 'refused', reason });

/** An address field that must be an IP: host names would make the client resolve names a server chose. */
function ipOrUndefined(v: string | undefined): string | undefined {
  return v !== undefined && isIP(v) !== 0 ? v : undefined;
}

/**
 * Reads the Transport header of a SETUP answer against what was offered, with gortsplib's rules: a UDP offer may
 * come back as TCP (the server wants TCP), never the other way; UDP must stay unicast; multicast needs a group
 * address and ports; interleaved channels must be an even number and the next one.
 */
export function readTransportAnswer(offered: TransportKind, header: string | undefined): TransportAnswer {
  if (header === undefined) return refused('the SETUP answer has no Transport header');
  let spec: RtspTransportSpec;
  try {
    const [first] = parseTransportHeader(header);
    if (!first) return refused('empty Transport header');
    spec = first;
  } catch (err) {
    if (err instanceof RtspParseError) return refused(`invalid Transport header: ${err.message}`);
    throw err;
  }
  if (offered !== 'tcp' && spec.lowerTransport === 'tcp') return { kind: 'wantsTcp' };
  switch (offered) {
    case 'tcp': {
      if (spec.lowerTransport !== 'tcp') return refused('the server answered a TCP offer with UDP');
      if (spec.delivery === 'multicast') return refused('invalid delivery (multicast) for TCP');
      const ch = spec.interleaved;
      if (!ch) return refused('the Transport header has no interleaved channels');
      if (ch[0] % 2 !== 0 || ch[1] !== ch[0] + 1) return refused(`invalid interleaved channels ${ch[0]}-${ch[1]}`);
      return { kind: 'accepted', transport: { kind: 'tcp', rtpChannel: ch[0], rtcpChannel: ch[1] } };
    }
    case 'udp': {
      if (spec.delivery === 'multicast') return refused('the server answered a unicast offer with multicast');
      const source = ipOrUndefined(spec.source);
      return { kind: 'accepted', transport: { kind: 'udp', ...(spec.serverPorts ? { serverPorts: spec.serverPorts } : {}), ...(source ? { source } : {}) } };
    }
    case 'multicast': {
      if (spec.delivery !== 'multicast') return refused('the server answered a multicast offer with unicast');
      if (!spec.ports) return refused('the Transport header has no multicast ports');
      const group = ipOrUndefined(spec.destination);
      if (group === undefined || !isMulticast(group)) return refused(`invalid multicast destination '${(spec.destination ?? '').slice(0, 64)}'`);
      const source = ipOrUndefined(spec.source);
      return { kind: 'accepted', transport: { kind: 'multicast', group, ports: spec.ports, ...(source ? { source } : {}) } };
    }
  }
}

/** True for IPv4 224.0.0.0/4 and IPv6 ff00::/8. */
export function isMulticast(ip: string): boolean {
  if (isIP(ip) === 4) { const first = Number(ip.split('.')[0]); return first >= 224 && first <= 239; }
  return isIP(ip) === 6 && ip.toLowerCase().startsWith('ff');
}

/** A `Session` header (RFC 2326 §12.37): the id, and the timeout in seconds when the server states one. */
export interface SessionHeader { readonly id: string; readonly timeoutS?: number }

/** Parses a `Session` header: `id[;timeout=N]`. */
export function parseSessionHeader(value: string): SessionHeader {
  const [id, ...params] = value.split(';').map((p) => p.trim());
  if (!id || id.length > 256 || !/^[\x21-\x7e]+$/.test(id)) throw new RtspParseError(`invalid Session header '${value.slice(0, 64)}'`);
  for (const p of params) {
    const m = /^timeout\s*=\s*(\d{1,6})$/i.exec(p);
    if (m) return { id, timeoutS: Number(m[1]) };
  }
  return { id };
}
