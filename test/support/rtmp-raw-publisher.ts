import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { annexBToNalus, buildHevcConfig, groupH265AccessUnits, h265IsRandomAccess, h265NaluType, H265NaluType, nalusToAvcc } from '../../src/codecs/index.ts';
import { buildFlvExVideo, commandMessage, encodeAmf0, encodeAmf0EcmaArray, serializeRtmpMessage, RtmpMessageType, type RtmpMessage } from '../../src/protocols/rtmp/index.ts';

/** H265 access units (NAL units each) that libx265 makes from a test pattern: 25 fps, one IRAP per second. */
export function x265AccessUnits(frames: number): Uint8Array[][] {
  const annexB = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-frames:v', String(frames),
    '-c:v', 'libx265', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-x265-params', 'log-level=error', '-f', 'hevc', '-'], { timeout: 60_000, maxBuffer: 64 << 20 });
  return groupH265AccessUnits(annexBToNalus(annexB));
}

/** Publishes `aus` over Enhanced RTMP ('hvc1') to rtmp://127.0.0.1:port/app/stream in real time (25 fps). */
export function publishHevcRaw(port: number, app: string, stream: string, aus: Uint8Array[][]): { socket: Socket; done: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => { /* the test sees the effect on the server side */ });
  const send = (m: RtmpMessage): boolean => socket.write(serializeRtmpMessage(m, 128));
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
      const fourcc = Buffer.from('hvc1', 'latin1').readUInt32BE(0);
      send({ chunkStreamId: 5, type: RtmpMessageType.DataAmf0, timestamp: 0, messageStreamId: 1,
        body: Buffer.concat([encodeAmf0('@setDataFrame', 'onMetaData'), encodeAmf0EcmaArray({ videocodecid: fourcc, width: 320, height: 240 })]) });
      const first = aus[0]!;
      const ps = (t: number): Buffer => Buffer.from(first.find((n) => h265NaluType(n) === t)!);
      const config = buildHevcConfig({ vps: ps(H265NaluType.Vps), sps: ps(H265NaluType.Sps), pps: ps(H265NaluType.Pps) });
      send({ chunkStreamId: 6, type: RtmpMessageType.Video, timestamp: 0, messageStreamId: 1, body: buildFlvExVideo({ codec: 'h265', config, isKeyframe: true, compositionTimeMs: 0 }) });
      let i = 0;
      const timer = setInterval(() => {
        if (i >= aus.length || socket.destroyed) { clearInterval(timer); socket.end(); return; }
        const au = aus[i]!;
        const body = buildFlvExVideo({ codec: 'h265', data: nalusToAvcc(au), isKeyframe: h265IsRandomAccess(au), compositionTimeMs: 0 });
        send({ chunkStreamId: 6, type: RtmpMessageType.Video, timestamp: i * 40, messageStreamId: 1, body });
        i++;
      }, 40);
    });
  });
  return { socket, done };
}
