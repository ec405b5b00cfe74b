import { MpegTsStreamReader, type MpegTsStreamEvent } from '../../formats/index.ts';
import { ErrorCounter } from '../../lib/index.ts';
import type { StaticSourceContext } from '../../core/index.ts';
import type { SubStream, Unit } from '../../stream/index.ts';

/**
 * Carries an MPEG-TS byte stream into the path: the stream is made ready once the reader knows the tracks, then
 * every access unit is written. Damage (lost packets, broken PES) is counted and logged at most once per second.
 * Throws MpegTsError when the program changes its tracks after it was made ready.
 */
export class UdpMpegTsFeed {
  private readonly reader = new MpegTsStreamReader();
  private readonly errors: ErrorCounter;
  private sub: SubStream | undefined;

  constructor(private readonly ctx: StaticSourceContext) {
    this.errors = new ErrorCounter(ctx.log, 'MPEG-TS errors');
  }

  /** Feeds one datagram's bytes. */
  push(chunk: Uint8Array): void { this.handle(this.reader.push(chunk)); }

  /** Stops the error log timer. */
  close(): void { this.errors.close(); }

  private handle(events: readonly MpegTsStreamEvent[]): void {
    for (const e of events) {
      if (e.kind === 'error') this.errors.add(e.message);
      else if (e.kind === 'ready') this.sub = this.ctx.setReady(e.description);
      else if (this.sub) {
        const u = e.unit;
        const unit: Unit = { pts: u.pts, payload: u.payload, randomAccess: u.randomAccess, ...(u.dts !== undefined ? { dts: u.dts } : {}) };
        this.sub.writeUnit(u.track.media, u.track.format, unit);
      }
    }
  }
}
