import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { MpegTsMuxer } from '../../../formats/index.ts';
import { x264FixtureAccessUnits } from '../../../../test/support/h264-fixture.ts';

/** A Low-Latency HLS server of MPEG-TS parts made on demand from the x264 fixture (5 frames a part, 2 parts a segment). */
export interface FakeLlHlsServer {
  readonly port: number;
  readonly requests: string[];
  close(): Promise<void>;
}

const FRAMES_PER_PART = 5;
const PARTS_PER_SEGMENT = 2;

/**
 * Serves `/index.m3u8` (CAN-BLOCK-RELOAD, PART-TARGET 0.2 s) and `/p<k>.ts`. A blocking reload for a part not made
 * yet makes it at once, as if its time had come, so the test needs no clock. Over TLS with `tls`.
 */
export async function startFakeLlHlsServer(o: { tls?: { key: string; cert: string } } = {}): Promise<FakeLlHlsServer> {
  const aus = x264FixtureAccessUnits();
  const mux = new MpegTsMuxer([{ codec: { codec: 'h264' } }]);
  const parts: Buffer[] = [];
  const makePart = (): void => {
    const k = parts.length;
    const frames = Array.from({ length: FRAMES_PER_PART }, (_, i) => k * FRAMES_PER_PART + i);
    parts.push(Buffer.concat(frames.map((n) => mux.writeVideo(mux.tracks[0]!, { pts: n * 3600, dts: n * 3600, nalus: aus[n % aus.length]! }))));
  };
  for (let i = 0; i < 3; i++) makePart();
  const playlist = (): string => {
    const lines = ['#EXTM3U', '#EXT-X-VERSION:9', '#EXT-X-TARGETDURATION:1', '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.6',
      '#EXT-X-PART-INF:PART-TARGET=0.2', '#EXT-X-MEDIA-SEQUENCE:0'];
    parts.forEach((_, k) => {
      lines.push(`#EXT-X-PART:DURATION=0.2,URI="p${k}.ts"${k % PARTS_PER_SEGMENT === 0 ? ',INDEPENDENT=YES' : ''}`);
      if (k % PARTS_PER_SEGMENT === PARTS_PER_SEGMENT - 1) lines.push('#EXTINF:0.4,', `s${(k - 1) / PARTS_PER_SEGMENT}.ts`);
    });
    return `${lines.join('\n')}\n`;
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const msn = url.searchParams.get('_HLS_msn');
    if (url.pathname === '/index.m3u8') {
      if (msn !== null) {
        const want = Number(msn) * PARTS_PER_SEGMENT + Number(url.searchParams.get('_HLS_part') ?? 0);
        while (parts.length <= want && parts.length < 10_000) makePart();
      }
      res.end(playlist());
      return;
    }
    const part = /^\/p(\d+)\.ts$/.exec(url.pathname);
    const segment = /^\/s(\d+)\.ts$/.exec(url.pathname);
    const body = part ? parts[Number(part[1])] : segment
      ? Buffer.concat(parts.slice(Number(segment[1]) * PARTS_PER_SEGMENT, (Number(segment[1]) + 1) * PARTS_PER_SEGMENT)) : undefined;
    if (!body) { res.statusCode = 404; res.end(); return; }
    res.end(body);
  };
  const requests: string[] = [];
  const server = o.tls ? createHttpsServer({ key: o.tls.key, cert: o.tls.cert }, handle) : createHttpServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port, requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
