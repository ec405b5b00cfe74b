import { H264NaluType, h264IsRandomAccess, h264NaluType } from '../../codecs/index.ts';
import { h264Format, type Description, type H264Format, type Media } from '../../formats/index.ts';
import type { SubStream } from '../../stream/index.ts';
import type { RpiCameraFrameClock } from './frame-clock.ts';

// The dynamic RTP payload type of the camera's only format (RFC 3551 §6: 96–127 are dynamic).
const PAYLOAD_TYPE = 96;

/**
 * Writes the access units of a camera tool's H264 output into a stream: the stream is made ready (`setReady`) at the
 * first access unit that carries SPS and PPS (`--inline` repeats them before every IDR), earlier ones are dropped
 * because no reader could decode them; then every unit is written with a pts from the frame clock.
 */
export class RpiCameraToStream {
  private track: { readonly media: Media; readonly format: H264Format; readonly sub: SubStream } | undefined;
  /** Access units dropped while waiting for the parameter sets. */
  droppedBeforeReady = 0;

  constructor(private readonly o: { readonly clock: RpiCameraFrameClock; readonly setReady: (desc: Description) => SubStream }) {}

  /** True once the stream is ready. */
  get isReady(): boolean { return this.track !== undefined; }

  /** Feeds one access unit that arrived at `arrivalMs` (monotonic). */
  write(au: Buffer[], arrivalMs: number): void {
    const pts = this.o.clock.next(arrivalMs);
    let track = this.track;
    if (!track) {
      const sps = au.find((n) => h264NaluType(n) === H264NaluType.Sps);
      const pps = au.find((n) => h264NaluType(n) === H264NaluType.Pps);
      if (!sps || !pps) {
        this.droppedBeforeReady++;
        return;
      }
      const format = h264Format(PAYLOAD_TYPE, sps, pps);
      const media: Media = { kind: 'video', formats: [format] };
      track = { media, format, sub: this.o.setReady({ medias: [media] }) };
      this.track = track;
    }
    track.sub.writeUnit(track.media, track.format, { pts, payload: au, randomAccess: h264IsRandomAccess(au) });
  }
}
