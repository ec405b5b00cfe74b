import { rtpCarriesRandomAccess, type Media, type RtpPacket } from '../../formats/index.ts';
import { RtcpSender, type RtcpMapping } from '../../protocols/rtsp/index.ts';

// RTCP sender reports go to readers this often (gortsplib uses a few seconds; clients only need one before sync).
const SR_PERIOD_MS = 5000;

/**
 * The timer around one RtcpSender per media of a reading session: a Sender Report before the first packet of each
 * media and every few seconds after, so clients can map RTP time to wall clock, and a BYE when the stream ends, which
 * makes FFmpeg end the read cleanly.
 */
export class RtcpPlayReporter {
  private readonly senders: RtcpSender[];
  /** Per media, the codec whose packets anchor the reports only at random access pictures (see RtcpSender). */
  private readonly reordered: ('h264' | 'h265' | undefined)[];
  private readonly timer: NodeJS.Timeout;

  /**
   * `medias[i]`: the media of index i (the stream's numbering; holes for medias not set up). `mappingOf`: the
   * RTP↔wall-clock mapping a media's reports share with the other reporters of the stream (see RtcpMapping); by
   * default each reporter has its own.
   */
  constructor(
    medias: readonly Media[], private readonly send: (mediaIndex: number, pkt: Buffer) => void,
    mappingOf?: (media: Media) => RtcpMapping | undefined,
  ) {
    this.senders = medias.map((m) => new RtcpSender(m.formats[0]?.clockRate ?? 90000, mappingOf?.(m)));
    this.reordered = medias.map((m) => {
      const codec = m.formats[0]?.codec;
      return codec === 'h264' || codec === 'h265' ? codec : undefined;
    });
    this.timer = setInterval(() => this.report(), SR_PERIOD_MS);
    this.timer.unref();
  }

  /**
   * Records one RTP packet of media `i` going out, of a unit timed `ntp` (its send time when undefined); call it just
   * before writing the packet. The first packet of a media is preceded by a report (gortsplib reports on the first
   * packet too): until FFmpeg has one for every track it lines the tracks up by their first packets, then re-bases
   * them on the reports, and when that came 5 s in its audio could step back by the difference (about 90 ms measured).
   */
  onPacketSent(i: number, p: RtpPacket, ntp?: Date): void {
    const sender = this.senders[i];
    if (!sender) return;
    const codec = this.reordered[i];
    const isFirst = !sender.hasSent;
    const now = Date.now();
    sender.onPacketSent(p, now, ntp?.getTime() ?? now, codec === undefined || rtpCarriesRandomAccess(codec, p.payload));
    const sr = isFirst ? sender.senderReport(now) : undefined;
    if (sr) this.send(i, sr);
  }

  /**
   * Like onPacketSent for each of a unit's packets, in order, with one clock reading: the report that precedes a
   * media's first packet is sent after that packet is counted, before the caller writes the packets.
   */
  onPacketsSent(i: number, packets: readonly RtpPacket[], ntp?: Date): void {
    const sender = this.senders[i];
    if (!sender) return;
    const codec = this.reordered[i];
    const now = Date.now();
    const ntpMs = ntp?.getTime() ?? now;
    for (let k = 0; k < packets.length; k++) {
      const p = packets[k]!;
      const isFirst = !sender.hasSent;
      sender.onPacketSent(p, now, ntpMs, codec === undefined || rtpCarriesRandomAccess(codec, p.payload));
      const sr = isFirst ? sender.senderReport(now) : undefined;
      if (sr) this.send(i, sr);
    }
  }

  private report(): void {
    const now = Date.now();
    this.senders.forEach((s, i) => {
      const sr = s.senderReport(now);
      if (sr) this.send(i, sr);
    });
  }

  /** A BYE (RFC 3550 §6.6) per media that sent packets: [media index, packet]. */
  byes(): [number, Buffer][] {
    const out: [number, Buffer][] = [];
    this.senders.forEach((s, i) => {
      const bye = s.bye();
      if (bye) out.push([i, bye]);
    });
    return out;
  }

  /** Stops the timer; with `sendBye`, tells the client each source ended (the stream is gone, not paused). */
  close(sendBye: boolean): void {
    clearInterval(this.timer);
    if (!sendBye) return;
    for (const [i, bye] of this.byes()) this.send(i, bye);
  }
}
