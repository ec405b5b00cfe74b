import { rtpCarriesRandomAccess, type Media, type RtpPacket } from '../../formats/index.ts';
import { RtcpSender } from '../../protocols/rtsp/index.ts';

// RTCP sender reports go to readers this often (gortsplib uses a few seconds; clients only need one before sync).
const SR_PERIOD_MS = 5000;

/**
 * The timer around one RtcpSender per media of a reading session: a Sender Report every few seconds so clients can
 * map RTP time to wall clock, and a BYE when the stream ends, which makes FFmpeg end the read cleanly.
 */
export class RtcpPlayReporter {
  private readonly senders: RtcpSender[];
  /** Per media, the codec whose packets anchor the reports only at random access pictures (see RtcpSender). */
  private readonly reordered: ('h264' | 'h265' | undefined)[];
  private readonly timer: NodeJS.Timeout;

  constructor(medias: readonly Media[], private readonly send: (mediaIndex: number, pkt: Buffer) => void) {
    this.senders = medias.map((m) => new RtcpSender(m.formats[0]?.clockRate ?? 90000));
    this.reordered = medias.map((m) => {
      const codec = m.formats[0]?.codec;
      return codec === 'h264' || codec === 'h265' ? codec : undefined;
    });
    this.timer = setInterval(() => this.report(), SR_PERIOD_MS);
    this.timer.unref();
  }

  /** Records one RTP packet sent on media `i`. */
  onPacketSent(i: number, p: RtpPacket): void {
    const codec = this.reordered[i];
    this.senders[i]?.onPacketSent(p, Date.now(), codec === undefined || rtpCarriesRandomAccess(codec, p.payload));
  }

  private report(): void {
    const now = Date.now();
    this.senders.forEach((s, i) => {
      const sr = s.senderReport(now);
      if (sr) this.send(i, sr);
    });
  }

  /** Stops the timer; with `sendBye`, tells the client each source ended (the stream is gone, not paused). */
  close(sendBye: boolean): void {
    clearInterval(this.timer);
    if (!sendBye) return;
    this.senders.forEach((s, i) => {
      const bye = s.bye();
      if (bye) this.send(i, bye);
    });
  }
}
