import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { annexBToNalus, buildHevcConfig, groupH265AccessUnits, h265IsRandomAccess, h265NaluType, H265NaluType, nalusToAvcc } from '../../src/codecs/index.ts';
import { buildFlvExVideo, commandMessage, fourccNumber, encodeAmf0, encodeAmf0EcmaArray, serializeRtmpMessage, RtmpMessageType, type RtmpMessage } from '../../src/protocols/rtmp/index.ts';

/** H265 access units (NAL units each) that libx265 makes from a test pattern: 25 fps, one IRAP per second. */
export function x265AccessUnits(frames: number): Uint8Array[][] {
  const annexB = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-frames:v', String(frames),
    '-c:v', 'libx265', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-x265-params', 'log-level=error', '-f', 'hevc', '-'], { timeout: 60_000, maxBuffer: 64 << 20 });
  return groupH265AccessUnits(annexBToNalus(annexB));
}

/** An RTMP media message body and its timestamp, for a raw publisher. */
export interface TimedBody { readonly ms: number; readonly type: 'video' | 'audio'; readonly body: Buffer }

/**
 * Publishes to rtmp://127.0.0.1:port/app/stream with a plain handshake: onMetaData, the sequence headers, then the
 * media bodies paced in real time by their timestamps; the socket ends after the last one. With `loop`, the media
 * start over after the last body (timestamps going on, one 40 ms frame later) until the caller destroys the socket,
 * so a test never runs out of stream however slow the machine is; the media should then start with a key frame.
 */
export function publishRaw(port: number, app: string, stream: string, o: { metadata: Record<string, number | string>; headers: readonly TimedBody[]; media: readonly TimedBody[]; loop?: boolean }): { socket: Socket; done: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => { /* the test sees the effect on the server side */ });
  const send = (m: RtmpMessage): boolean => socket.write(serializeRtmpMessage(m, 128));
  const sendBody = (b: TimedBody): void => {
    send({ chunkStreamId: b.type === 'video' ? 6 : 4, type: b.type === 'video' ? RtmpMessageType.Video : RtmpMessageType.Audio, timestamp: b.ms, messageStreamId: 1, body: b.body });
  };
  const done = new Promise<void>((resolve) => {
    let got = 0;
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(8), randomBytes(1528)])));
    socket.on('close', () => resolve());
    socket.on('data', (d: Buffer) => {
      if (got >= 1 + 1536 * 2) return; // replies after the handshake are not needed by this publisher
      got += d.length;
      if (got < 1 + 1536 * 2) return;
      socket.write(Buffer.alloc(1536));
      send(commandMessage({ name: 'connect', transactionId: 1, object: { app } }));
      send(commandMessage({ name: 'createStream', transactionId: 2, object: null }));
      send(commandMessage({ name: 'publish', transactionId: 0, object: null, args: [stream, 'live'], messageStreamId: 1 }));
      send({ chunkStreamId: 5, type: RtmpMessageType.DataAmf0, timestamp: 0, messageStreamId: 1,
        body: Buffer.concat([encodeAmf0('@setDataFrame', 'onMetaData'), encodeAmf0EcmaArray(o.metadata)]) });
      o.headers.forEach(sendBody);
      const media = [...o.media].sort((a, b) => a.ms - b.ms);
      const period = media.length > 0 ? media[media.length - 1]!.ms + 40 : 0;
      const t0 = performance.now();
      let i = 0;
      let offset = 0;
      const timer = setInterval(() => {
        if (socket.destroyed) { clearInterval(timer); return; }
        const now = performance.now() - t0;
        for (;;) {
          if (i >= media.length) {
            if (!o.loop || period === 0) { clearInterval(timer); socket.end(); return; }
            i = 0;
            offset += period;
          }
          const m = media[i]!;
          if (m.ms + offset > now) return;
          sendBody(offset === 0 ? m : { ...m, ms: m.ms + offset });
          i++;
        }
      }, 10);
    });
  });
  return { socket, done };
}

/** Publishes `aus` over Enhanced RTMP ('hvc1') to rtmp://127.0.0.1:port/app/stream in real time (25 fps); `loop` as publishRaw. */
export function publishHevcRaw(port: number, app: string, stream: string, aus: Uint8Array[][], opts: { loop?: boolean } = {}): { socket: Socket; done: Promise<void> } {
  const first = aus[0]!;
  const ps = (t: number): Buffer => Buffer.from(first.find((n) => h265NaluType(n) === t)!);
  const config = buildHevcConfig({ vps: ps(H265NaluType.Vps), sps: ps(H265NaluType.Sps), pps: ps(H265NaluType.Pps) });
  return publishRaw(port, app, stream, {
    metadata: { videocodecid: fourccNumber('hvc1'), width: 320, height: 240 },
    headers: [{ ms: 0, type: 'video', body: buildFlvExVideo({ codec: 'h265', config, isKeyframe: true, compositionTimeMs: 0 }) }],
    media: aus.map((au, i) => ({ ms: i * 40, type: 'video', body: buildFlvExVideo({ codec: 'h265', data: nalusToAvcc(au), isKeyframe: h265IsRandomAccess(au), compositionTimeMs: 0 }) })),
    loop: opts.loop,
  });
}
