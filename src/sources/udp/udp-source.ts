import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { redactUrl } from '../../lib/index.ts';
import type { ParticipantInfo, StaticSource, StaticSourceContext } from '../../core/index.ts';
import type { SourceSettings } from '../source-settings.ts';
import { parseUdpSourceUrl, type UdpSourceUrl } from './udp-source-url.ts';
import { UdpMpegTsFeed } from './udp-mpegts-feed.ts';

/**
 * Receive buffer asked of the kernel: a video key frame arrives as a burst of datagrams faster than one event-loop
 * turn drains them; 8 MiB holds about 1 s of a 60 Mbit/s stream. Linux caps it at net.core.rmem_max (× 2).
 */
const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;

/** The IPv4 address of a network interface, by name, for joining a group on it. */
function interfaceAddress(name: string): string {
  const addr = networkInterfaces()[name]?.find((a) => a.family === 'IPv4');
  if (!addr) throw new Error(`network interface '${name}' has no IPv4 address`);
  return addr.address;
}

/** Binds the socket and joins the group when the address is one; rejects with the system's reason. */
function open(socket: Socket, t: UdpSourceUrl): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    // A group is bound by its address, so the socket gets that group's datagrams only (Linux), not every datagram
    // sent to the port; reuseAddr lets other receivers of the group on this host bind it too.
    socket.bind({ address: t.host, port: t.port }, () => {
      socket.removeListener('error', reject);
      try {
        if (t.isMulticast) {
          const iface = t.interfaceName !== undefined ? interfaceAddress(t.interfaceName) : undefined;
          if (t.source !== undefined) socket.addSourceSpecificMembership(t.source, t.host, iface);
          else socket.addMembership(t.host, iface);
        }
        resolve();
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

/**
 * A path's `udp://host:port` source (MediaMTX's udpSource): MPEG-TS datagrams sent to a unicast, broadcast or
 * multicast address (the group joined on the default or `interface=` interface, source-specific with `source=`),
 * read with our MPEG-TS demuxer. A run ends when no datagram came for `readTimeout`; the path then retries.
 */
export class UdpSource implements StaticSource {
  readonly info: ParticipantInfo = { type: 'udpSource', id: '' };
  readonly label = 'UDP source';

  constructor(private readonly settings: SourceSettings) {}

  /** StaticSource: receives until silence for readTimeout, a changed program, or the signal aborts. */
  async run(ctx: StaticSourceContext): Promise<void> {
    const target = parseUdpSourceUrl(ctx.url);
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    const feed = new UdpMpegTsFeed(ctx);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await open(socket, target);
      try {
        socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
      } catch (err) {
        // Best effort: a smaller buffer only loses bursts, which the continuity counters will report.
        ctx.log.warn(`can't set the UDP receive buffer to ${RECEIVE_BUFFER_BYTES} bytes: ${(err as Error).message}`);
      }
      ctx.log.debug(`listening on ${redactUrl(ctx.url)}, receive buffer ${socket.getRecvBufferSize()} bytes`);
      await new Promise<void>((resolve, reject) => {
        const silence = (): void => reject(new Error(`no data received in ${this.settings.readTimeoutMs / 1000}s`));
        timer = setTimeout(silence, this.settings.readTimeoutMs);
        onAbort = (): void => resolve();
        if (ctx.signal.aborted) { resolve(); return; }
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        socket.on('error', reject);
        socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
          // source= for a unicast or broadcast address: datagrams of other senders are not ours.
          if (target.source !== undefined && rinfo.address !== target.source) return;
          timer?.refresh();
          try {
            feed.push(msg);
          } catch (err) {
            reject(err as Error);
          }
        });
      });
    } finally {
      clearTimeout(timer);
      if (onAbort) ctx.signal.removeEventListener('abort', onAbort);
      feed.close();
      socket.removeAllListeners('message');
      socket.close();
    }
  }
}
