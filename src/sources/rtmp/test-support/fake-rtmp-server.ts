import { createServer, type Server, type Socket } from 'node:net';
import {
  RtmpChunkReader, RtmpMessageType, RtmpServerHandshake, commandMessage, encodeAmf0, onStatusMessage, parseCommand, serializeRtmpMessage,
  type AmfValue, type RtmpMessage,
} from '../../../protocols/rtmp/index.ts';

/** One FLV media message to play: its type, timestamp and body. */
export interface FakeMedia { readonly type: 'video' | 'audio' | 'data'; readonly ms: number; readonly body: Buffer }

/** What the fake server does once a client plays. */
export type FakePlayBehaviour =
  | { readonly kind: 'stream'; readonly media: readonly FakeMedia[]; readonly endWith?: string }
  | { readonly kind: 'refuse'; readonly code: string }
  | { readonly kind: 'silent' };

/** A running fake RTMP server and what its clients sent. */
export interface FakeRtmpServer {
  readonly port: number;
  /** connect command objects, play stream names, acknowledgements received. */
  readonly connects: { [key: string]: AmfValue }[];
  readonly plays: string[];
  readonly acks: number[];
  close(): Promise<void>;
}

const send = (s: Socket, m: RtmpMessage): void => { if (!s.destroyed) s.write(serializeRtmpMessage(m, 4096)); };

/**
 * A minimal RTMP server for client tests: plain handshake, `connect`/`createStream` answered, then on `play` the
 * behaviour: stream the media (then optionally an onStatus code), refuse with an error status, or stay silent.
 */
export async function startFakeRtmpServer(behaviour: FakePlayBehaviour, o: { windowAckSize?: number } = {}): Promise<FakeRtmpServer> {
  const connects: { [key: string]: AmfValue }[] = [];
  const plays: string[] = [];
  const acks: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const hs = new RtmpServerHandshake();
    let reader: RtmpChunkReader | undefined;
    socket.on('data', (d: Buffer) => {
      if (!reader) {
        const r = hs.push(d);
        if (r.send) socket.write(r.send);
        if (!r.done) return;
        reader = new RtmpChunkReader();
        d = r.rest ?? Buffer.alloc(0);
      }
      for (const m of reader.push(d)) {
        if (m.type === RtmpMessageType.Acknowledgement) acks.push(m.body.readUInt32BE(0));
        if (m.type !== RtmpMessageType.CommandAmf0) continue;
        const c = parseCommand(m.body);
        if (c.name === 'connect') {
          connects.push(c.object as { [key: string]: AmfValue });
          send(socket, { chunkStreamId: 2, type: RtmpMessageType.SetChunkSize, timestamp: 0, messageStreamId: 0, body: Buffer.from([0, 0, 16, 0]) });
          if (o.windowAckSize) {
            const b = Buffer.alloc(4); b.writeUInt32BE(o.windowAckSize);
            send(socket, { chunkStreamId: 2, type: RtmpMessageType.WindowAckSize, timestamp: 0, messageStreamId: 0, body: b });
          }
          send(socket, commandMessage({ name: '_result', transactionId: c.transactionId, object: { fmsVer: 'FMS/3,0,1,123' }, args: [{ level: 'status', code: 'NetConnection.Connect.Success' }] }));
        } else if (c.name === 'createStream') {
          send(socket, commandMessage({ name: '_result', transactionId: c.transactionId, object: null, args: [1] }));
        } else if (c.name === 'play') {
          plays.push(String(c.args[0]));
          onPlay(socket, behaviour);
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port, connects, plays, acks,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

function onPlay(socket: Socket, b: FakePlayBehaviour): void {
  if (b.kind === 'refuse') { send(socket, onStatusMessage(1, b.code, 'refused by the fake server', 'error')); return; }
  send(socket, onStatusMessage(1, 'NetStream.Play.Start', 'started'));
  if (b.kind === 'silent') return;
  const types = { video: RtmpMessageType.Video, audio: RtmpMessageType.Audio, data: RtmpMessageType.DataAmf0 } as const;
  for (const m of b.media) {
    send(socket, { chunkStreamId: m.type === 'video' ? 6 : m.type === 'audio' ? 4 : 5, type: types[m.type], timestamp: m.ms, messageStreamId: 1, body: m.body });
  }
  if (b.endWith) send(socket, onStatusMessage(1, b.endWith, 'ended'));
}

/** onMetaData announcing a video and an audio track (what FFmpeg sends first). */
export function metadata(o: { video: number; audio: number }): FakeMedia {
  return { type: 'data', ms: 0, body: encodeAmf0('@setDataFrame', 'onMetaData', { videocodecid: o.video, audiocodecid: o.audio }) };
}
