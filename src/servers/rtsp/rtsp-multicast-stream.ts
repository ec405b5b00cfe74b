import type { Logger } from '../../lib/index.ts';
import { StreamReader, type Stream } from '../../stream/index.ts';
import type { MulticastAllocator, MulticastSender } from './rtsp-multicast.ts';

/** Options of a RtspMulticastStream. */
export interface RtspMulticastStreamOptions {
  stream: Stream;
  allocator: MulticastAllocator;
  sender: MulticastSender;
  rtpPort: number;
  rtcpPort: number;
  queueSize: number;
  /** Largest RTP packet sent (udpMaxPayloadSize): multicast is UDP, so its packets must fit it. */
  maxPacketSize: number;
  log: Logger;
  /** Called once when the writer closed (its stream closed). */
  onClose: () => void;
}

/**
 * Sends one stream to multicast groups (one group per media, shared ports), once for all multicast readers:
 * the cheapest fan-out there is, so it is one StreamReader however many sessions read.
 */
export class RtspMulticastStream {
  /** Group address of each media, by media index. */
  readonly groups: readonly string[];
  private readonly reader: StreamReader;
  private sessions = 0;
  private closed = false;

  constructor(private readonly opts: RtspMulticastStreamOptions) {
    const { stream } = opts;
    const groups: string[] = [];
    try {
      for (let i = 0; i < stream.description.medias.length; i++) groups.push(opts.allocator.allocate());
    } catch (err) {
      // The range ran out midway: the groups taken so far would stay reserved for good, as no writer owns them.
      for (const g of groups) opts.allocator.release(g);
      throw err;
    }
    this.groups = groups;
    this.reader = new StreamReader({ queueSize: opts.queueSize, log: opts.log, rtp: { maxPacketSize: opts.maxPacketSize } });
    stream.description.medias.forEach((media, i) => {
      const group = this.groups[i]!;
      for (const format of media.formats) {
        this.reader.onData(media, format, (unit) => {
          if (unit.rtpPackets) for (const p of unit.rtpPackets) opts.sender.send(p.raw, group, opts.rtpPort);
        });
      }
    });
  }

  /** Sends an RTCP packet of media `i` to its group. */
  sendRtcp(i: number, pkt: Buffer): void {
    const g = this.groups[i];
    if (g) this.opts.sender.send(pkt, g, this.opts.rtcpPort);
  }

  /** A session starts reading from the groups. */
  addSession(): void {
    if (this.closed) return;
    this.sessions++;
    if (this.sessions === 1) this.opts.stream.addReader(this.reader);
  }

  /** A session stopped; with none left the writer stops sending (groups stay reserved until the stream closes). */
  removeSession(): void {
    if (this.sessions === 0) return;
    this.sessions--;
    if (this.sessions === 0) this.opts.stream.removeReader(this.reader);
  }

  /** Releases the groups and detaches from the stream. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.opts.stream.removeReader(this.reader);
    this.reader.close();
    for (const g of this.groups) this.opts.allocator.release(g);
    this.opts.onClose();
  }
}
