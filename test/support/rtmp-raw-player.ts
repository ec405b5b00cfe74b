import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  RtmpChunkReader, RtmpMessageType, commandMessage, serializeRtmpMessage, parseFlvVideo, type RtmpMessage,
} from '../../src/protocols/rtmp/index.ts';

/** A video frame a raw player received: RTMP timestamp (DTS, ms), keyframe flag, arrival time after `play`. */
export interface RawVideoFrame { readonly dtsMs: number; readonly isKeyframe: boolean; readonly atMs: number }

/** Plain-handshake RTMP player of `rtmp://127.0.0.1:port/app/stream`; `onVideo` gets H264 frames and returns true to stop. */
export function playRtmpRaw(port: number, app: string, stream: string, onVideo: (f: RawVideoFrame) => boolean, timeoutMs = 10_000): Promise<void> {
  return playRtmpMessages(port, app, stream, (m, atMs) => {
    if (m.type !== RtmpMessageType.Video) return false;
    const v = parseFlvVideo(m.body);
    return v.kind === 'frame' && v.codec === 'h264' && onVideo({ dtsMs: m.timestamp, isKeyframe: v.isKeyframe, atMs });
  }, timeoutMs);
}

/** What a modern Enhanced RTMP player (OBS, FFmpeg 6.1+) announces in connect: the FourCCs it can receive. */
export const ENHANCED_PLAYER = { fourCcList: ['av01', 'vp09', 'hvc1', 'avc1', 'Opus', 'mp4a'] };

/**
 * Plain-handshake RTMP player handing every message (and ms since `play`) to `onMessage`, which returns true to stop.
 * It announces Enhanced RTMP codecs unless `connectExtra` says otherwise ({} = a legacy player).
 */
export function playRtmpMessages(
  port: number, app: string, stream: string, onMessage: (m: RtmpMessage, atMs: number) => boolean, timeoutMs = 10_000, connectExtra: { fourCcList?: string[] } = ENHANCED_PLAYER,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const s: Socket = connect(port, '127.0.0.1');
    let messages = 0;
    const seen = (): string => `rtmp://127.0.0.1:${port}/${app}/${stream}: ${reader ? `play sent, ${messages} messages received` : 'handshake not completed'}`;
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`timed out after ${timeoutMs} ms (${seen()})`)); }, timeoutMs);
    const finish = (err?: Error): void => { clearTimeout(timer); s.destroy(); if (err) reject(err); else resolve(); };
    let hs = Buffer.alloc(0);
    let reader: RtmpChunkReader | undefined;
    let playSentAt = 0;
    const send = (m: RtmpMessage): void => { s.write(serializeRtmpMessage(m, 128)); };
    s.on('connect', () => s.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(8), randomBytes(1528)])));
    s.on('error', (e) => finish(new Error(`${e.message} (${seen()})`)));
    s.on('close', () => finish(new Error(`closed by the server (${seen()})`)));
    s.on('data', (d: Buffer) => {
      if (!reader) {
        hs = Buffer.concat([hs, d]);
        if (hs.length < 1 + 1536 * 2) return;
        s.write(hs.subarray(1, 1537)); // C2 echoes S1
        reader = new RtmpChunkReader();
        d = hs.subarray(1 + 1536 * 2);
        send(commandMessage({ name: 'connect', transactionId: 1, object: { app, tcUrl: `rtmp://127.0.0.1:${port}/${app}`, ...connectExtra } }));
        send(commandMessage({ name: 'createStream', transactionId: 2, object: null }));
        send(commandMessage({ name: 'play', transactionId: 0, object: null, args: [stream], messageStreamId: 1 }));
        playSentAt = performance.now();
      }
      try {
        for (const m of reader.push(d)) {
          messages++;
          if (onMessage(m, performance.now() - playSentAt)) { finish(); return; }
        }
      } catch (err) {
        finish(err as Error); // a failed assertion in onMessage, or a parse error: rejects instead of escaping the socket
      }
    });
  });
}

/** Plays and reports the first video frame. */
export async function playFirstVideoFrame(port: number, app: string, stream: string): Promise<RawVideoFrame> {
  let first: RawVideoFrame | undefined;
  await playRtmpRaw(port, app, stream, (f) => { first = f; return true; });
  if (!first) throw new Error(`no video frame from rtmp://127.0.0.1:${port}/${app}/${stream}`);
  return first;
}

/** A raw RTMP connection past the plain handshake, and when the server closed it (ms after `opened`). */
export interface RawRtmpConn { readonly socket: Socket; readonly closed: Promise<number> }

/** Connects and completes a plain handshake; nothing else is sent. */
export function openRawRtmp(port: number, c0 = 3): Promise<RawRtmpConn> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const t0 = performance.now();
    const closed = new Promise<number>((r) => socket.on('close', () => r(performance.now() - t0)));
    let got = 0;
    socket.on('error', () => { /* resets are expected once the server closes an abusive connection */ });
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from([c0]), Buffer.alloc(8), randomBytes(1528)])));
    socket.on('data', (d: Buffer) => {
      if (got >= 1 + 1536 * 2) return;
      got += d.length;
      if (got >= 1 + 1536 * 2) { socket.write(Buffer.alloc(1536)); resolve({ socket, closed }); }
    });
    void closed.then(() => { if (got < 1 + 1536 * 2) resolve({ socket, closed }); });
    socket.setTimeout(10_000, () => { socket.destroy(); reject(new Error('handshake timed out')); });
  });
}
