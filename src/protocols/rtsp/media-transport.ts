/** How one media of a session travels, as SETUP decided it (RFC 2326 §12.39). */
export type MediaTransport =
  | { readonly kind: 'tcp'; readonly rtpChannel: number; readonly rtcpChannel: number }
  | { readonly kind: 'udp'; readonly clientIp: string; readonly clientRtpPort: number; readonly clientRtcpPort: number }
  | { readonly kind: 'multicast' };

/** Transport family of a whole session: every media must use the same one. */
export type TransportKind = MediaTransport['kind'];
