import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  RtmpChunkReader, RtmpMessageType, commandMessage, serializeRtmpMessage, parseFlvVideo, type RtmpMessage,
} from '../../src/protocols/rtmp/index.ts';

/** What a minimal RTMP player saw after `play`. */
export interface FirstFrame { readonly msToFirstVideo: number; readonly isKeyframe: boolean }

/** Plays `rtmp://127.0.0.1:port/app/stream` with a plain handshake and reports the first video frame. */
export function playFirstVideoFrame(port: number, app: string, stream: string, timeoutMs = 10_000): Promise<FirstFrame> {
  return new Promise((resolve, reject) => {
    const s: Socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => { s.destroy(); reject(new Error('no video frame')); }, timeoutMs);
    let hs = Buffer.alloc(0);
    let reader: RtmpChunkReader | undefined;
    let playSentAt = 0;
    const send = (m: RtmpMessage): void => { s.write(serializeRtmpMessage(m, 128)); };
    s.on('connect', () => s.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(8), randomBytes(1528)])));
    s.on('error', (e) => { clearTimeout(timer); reject(e); });
    s.on('data', (d: Buffer) => {
      if (!reader) {
        hs = Buffer.concat([hs, d]);
        if (hs.length < 1 + 1536 * 2) return;
        s.write(hs.subarray(1, 1537)); // C2 echoes S1
        reader = new RtmpChunkReader();
        d = hs.subarray(1 + 1536 * 2);
        send(commandMessage({ name: 'connect', transactionId: 1, object: { app, tcUrl: `rtmp://127.0.0.1:${port}/${app}` } }));
        send(commandMessage({ name: 'createStream', transactionId: 2, object: null }));
        send(commandMessage({ name: 'play', transactionId: 0, object: null, args: [stream], messageStreamId: 1 }));
        playSentAt = performance.now();
      }
      for (const m of reader.push(d)) {
        if (m.type !== RtmpMessageType.Video) continue;
        const v = parseFlvVideo(m.body);
        if (v.kind !== 'avcFrame') continue;
        clearTimeout(timer);
        s.destroy();
        resolve({ msToFirstVideo: performance.now() - playSentAt, isKeyframe: v.isKeyframe });
        return;
      }
    });
  });
}
