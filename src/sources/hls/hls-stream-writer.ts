import {
  Fmp4Error, fmp4PartUnits, fmp4StreamTracks, MpegTsStreamReader, parseFmp4Init, parseFmp4Parts, type Description, type Fmp4Init,
  type Fmp4StreamTrack, type Format, type Media,
} from '../../formats/index.ts';
import { ErrorCounter } from '../../lib/index.ts';
import type { StaticSourceContext } from '../../core/index.ts';
import type { Unit } from '../../stream/index.ts';
import { HlsPacer } from './hls-pacer.ts';

/** What the tracks of a description are, to tell a changed init segment from the same one fetched again. */
const tracksKey = (d: Description): string => d.medias.map((m) => `${m.kind}:${m.formats[0]?.codec}`).join(',');

/**
 * Turns the bytes of an HLS stream's segments and parts into the path's stream: MPEG-TS (ISO/IEC 13818-1) through
 * one MpegTsStreamReader for the whole run, so timestamps stay on one timeline across segments, or fMP4 (ISO/IEC
 * 14496-12) parts after their initialization section. The stream is made ready once the tracks are known; units
 * are paced to their timestamps. Damage is counted and logged once per second; other tracks throw.
 */
export class HlsStreamWriter {
  private ts: MpegTsStreamReader | undefined;
  private fmp4: { tracks: Fmp4StreamTrack[]; init: Fmp4Init } | undefined;
  private pacer: HlsPacer | undefined;
  private description: Description | undefined;
  private readonly errors: ErrorCounter;

  constructor(private readonly ctx: StaticSourceContext) {
    this.errors = new ErrorCounter(ctx.log, 'media errors');
  }

  /** Seconds of media waiting for their time. */
  get bufferedSeconds(): number { return this.pacer?.bufferedSeconds ?? 0; }

  /** Resolves once at most `seconds` of media wait (the download loop keeps about this much ahead). */
  waitBelow(seconds: number): Promise<void> { return this.pacer?.waitBelow(seconds, this.ctx.signal) ?? Promise.resolve(); }

  /** Takes an MPEG-TS segment or part. Throws when the program changes its tracks. */
  pushMpegTs(bytes: Buffer): void {
    this.ts ??= new MpegTsStreamReader();
    for (const e of [...this.ts.push(bytes), ...this.ts.flush()]) {
      if (e.kind === 'error') this.errors.add(e.message);
      else if (e.kind === 'ready') this.ready(e.description);
      else {
        const u = e.unit;
        this.write(u.track.media, u.track.format, { pts: u.pts, payload: u.payload, randomAccess: u.randomAccess, ...(u.dts !== undefined ? { dts: u.dts } : {}) });
      }
    }
  }

  /** Takes an fMP4 initialization section (EXT-X-MAP). Throws Fmp4Error/CodecError when invalid or other tracks. */
  setInit(bytes: Buffer): void {
    const init = parseFmp4Init(bytes);
    const tracks = fmp4StreamTracks(init);
    this.fmp4 = { tracks, init };
    this.ready({ medias: tracks.map((t) => t.media) });
    // Units go into the formats of the stream that was made ready first (the same codecs, checked by ready()).
    if (this.description) this.fmp4.tracks = tracks.map((t, i) => ({ ...t, media: this.description!.medias[i]!, format: this.description!.medias[i]!.formats[0]! }));
  }

  /** Takes an fMP4 segment or part (moof + mdat). */
  pushFmp4(bytes: Buffer): void {
    if (!this.fmp4) throw new Fmp4Error('media segment before its initialization section');
    try {
      for (const part of parseFmp4Parts(bytes, this.fmp4.init)) {
        for (const u of fmp4PartUnits(part, this.fmp4.tracks)) {
          this.write(u.track.media, u.track.format, { pts: u.pts, payload: u.payload, randomAccess: u.randomAccess, ...(u.dts !== undefined ? { dts: u.dts } : {}) });
        }
      }
    } catch (err) {
      this.errors.add(err as Error);
    }
  }

  /** Stops pacing and the error log. */
  close(): void {
    this.pacer?.close();
    this.errors.close();
  }

  private ready(d: Description): void {
    if (this.description) {
      if (tracksKey(d) !== tracksKey(this.description)) throw new Error(`the stream changed its tracks (${tracksKey(this.description)} → ${tracksKey(d)})`);
      return;
    }
    this.description = d;
    this.pacer = new HlsPacer(this.ctx.setReady(d));
  }

  private write(media: Media, format: Format, unit: Unit): void {
    this.pacer?.push(media, format, unit);
  }
}
