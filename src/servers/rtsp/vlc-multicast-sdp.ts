/**
 * Rewrites a DESCRIBE SDP so each media points at its multicast group (`c=IN IP4 group/ttl`, `m=` port),
 * which is how VLC is told to SETUP with multicast when the URL carries `?vlcmulticast`.
 */
export function withMulticastConnection(sdp: string, groups: readonly string[], rtpPort: number, ttl: number): string {
  const lines = sdp.split('\r\n');
  const out: string[] = [];
  let media = -1;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      media++;
      const parts = line.split(' ');
      parts[1] = String(rtpPort);
      out.push(parts.join(' '));
      const g = groups[media];
      if (g) out.push(`c=IN IP4 ${g}/${ttl}`);
      continue;
    }
    if (media >= 0 && line.startsWith('c=')) continue;
    out.push(line);
  }
  return out.join('\r\n');
}
