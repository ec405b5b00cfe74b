import type { Description, Format, Media } from '../../../formats/index.ts';
import type { Unit } from '../../../stream/index.ts';
import type { HlsFileRequest, HlsMuxerFactory, HlsServerMuxer } from '../hls-muxer-port.ts';
import type { HlsResponseLike } from '../hls-response-writer.ts';

/**
 * A muxer that records what it is fed and answers from that, for server tests: `index.m3u8` lists the pts of the
 * units so far; `block.m3u8` waits until the request ends (`onAbort`, a blocked LL-HLS reload); `big.mp4` is `bigBytes`
 * long; `stream.m3u8` is a playlist large enough to be gzip-compressed; `etag.mp4` is answered 304 to
 * `If-None-Match: "e1"`; `query.m3u8` answers the `_HLS_msn` of its query; `shared.m3u8` is the same Buffer every
 * time (as a real muxer's playlist version); other files are 404.
 */
export class FakeHlsMuxer implements HlsServerMuxer {
  readonly tracks: { media: Media; format: Format }[];
  readonly skipped: string[] = [];
  readonly units: { codec: string; pts: number; randomAccess: boolean }[] = [];
  /** Files asked for, in order. */
  readonly asked: string[] = [];
  /** Requests ended by their signal. */
  aborted = 0;
  closed = false;
  bigBytes = 1024;
  /** The body of every `shared.m3u8` answer. */
  readonly shared = Buffer.from(`#EXTM3U\n${'#EXTINF:1.00000,\nshared.mp4\n'.repeat(100)}`);

  constructor(readonly description: Description) {
    this.tracks = description.medias.flatMap((m) => m.formats
      .filter((f) => f.codec === 'h264' || f.codec === 'mpeg4Audio')
      .map((f) => ({ media: m, format: f })));
    for (const m of description.medias) for (const f of m.formats) {
      if (f.codec !== 'h264' && f.codec !== 'mpeg4Audio') this.skipped.push(`skipping track with codec ${f.codec}`);
    }
  }

  writeUnit(format: Format, unit: Unit): void {
    this.units.push({ codec: format.codec, pts: unit.pts, randomAccess: unit.randomAccess === true });
  }

  async handle(req: HlsFileRequest): Promise<HlsResponseLike> {
    const playlist = { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-cache' };
    this.asked.push(req.file);
    switch (req.file) {
      case 'query.m3u8':
        return { status: 200, headers: playlist, body: Buffer.from(`${req.query.get('_HLS_msn')}`) };
      case 'index.m3u8':
        return { status: 200, headers: playlist, body: Buffer.from(`#EXTM3U\n#UNITS:${this.units.map((u) => u.pts).join(',')}\n`) };
      case 'stream.m3u8': {
        const body = Buffer.from(`#EXTM3U\n${'#EXTINF:1.00000,\nseg.mp4\n'.repeat(200)}`);
        return { status: 200, headers: { ...playlist, 'Content-Length': String(body.length) }, body };
      }
      case 'etag.mp4': {
        const caching = { 'Cache-Control': 'public, max-age=3600, immutable', ETag: '"e1"' };
        if (req.ifNoneMatch === '"e1"') return { status: 304, headers: caching };
        return { status: 200, headers: { 'Content-Type': 'video/mp4', ...caching }, body: Buffer.from('segment') };
      }
      case 'shared.m3u8':
        return { status: 200, headers: { ...playlist, 'Content-Length': String(this.shared.length) }, body: this.shared };
      case 'big.mp4':
        return { status: 200, headers: { 'Content-Type': 'video/mp4' }, body: Buffer.alloc(this.bigBytes, 1) };
      case 'block.m3u8':
        return new Promise((resolve) => {
          const unhook = req.onAbort(() => {
            this.aborted++;
            resolve({ status: 503, headers: {} });
          });
          if (!unhook) resolve({ status: 503, headers: {} });
        });
      default:
        return { status: 404, headers: {} };
    }
  }

  close(): void { this.closed = true; }
}

/** A factory that keeps every muxer it made, newest last. */
export function fakeMuxerFactory(): { factory: HlsMuxerFactory; made: FakeHlsMuxer[] } {
  const made: FakeHlsMuxer[] = [];
  return { made, factory: (d) => { const m = new FakeHlsMuxer(d); made.push(m); return m; } };
}
