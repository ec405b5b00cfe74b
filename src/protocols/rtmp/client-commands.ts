import type { AmfValue } from './amf0.ts';
import { commandMessage, UserControlEvent } from './control-messages.ts';
import { AUDIO_FOURCC, VIDEO_FOURCC } from './flv-enhanced.ts';
import { RtmpProtocolError } from './rtmp-errors.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';

/** An `rtmp://` or `rtmps://` URL split for a client that plays it. */
export interface RtmpClientUrl {
  readonly isSecure: boolean;
  /** Host to connect to (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** `connect`'s app: the first path segment. */
  readonly app: string;
  /** `play`'s stream name: the rest of the path, with the query (credentials and tokens travel there). */
  readonly streamName: string;
  /** `connect`'s tcUrl: scheme, host, port and app. */
  readonly tcUrl: string;
}

// RTMP's port (RTMP spec §5.2 names none; 1935 is Adobe's) and RTMPS's, as MediaMTX uses them.
const DEFAULT_PORTS = { rtmp: 1935, rtmps: 443 } as const;

/**
 * Splits a play URL as FFmpeg does: `rtmp://host/live/cam?token=x` → app `live`, stream `cam?token=x`;
 * `rtmp://host/cam` → app `cam`, empty stream (servers such as MediaMTX and this one take the app as the path).
 */
export function parseRtmpClientUrl(text: string): RtmpClientUrl {
  let u: URL;
  try { u = new URL(text); } catch { throw new RtmpProtocolError('invalid RTMP URL'); }
  const scheme = u.protocol.slice(0, -1);
  if (scheme !== 'rtmp' && scheme !== 'rtmps') throw new RtmpProtocolError(`unsupported scheme '${scheme.slice(0, 16)}'`);
  if (u.hostname === '') throw new RtmpProtocolError('the RTMP URL has no host');
  const port = u.port === '' ? DEFAULT_PORTS[scheme] : Number(u.port);
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const path = u.pathname.replace(/^\/+/, '');
  const slash = path.indexOf('/');
  const app = slash < 0 ? path : path.slice(0, slash);
  const stream = slash < 0 ? '' : path.slice(slash + 1);
  if (app === '') throw new RtmpProtocolError('the RTMP URL has no application name');
  const hostPort = `${u.hostname}${u.port === '' ? '' : `:${u.port}`}`;
  return { isSecure: scheme === 'rtmps', host, port, app, streamName: `${stream}${u.search}`, tcUrl: `${scheme}://${hostPort}/${app}` };
}

/** Transaction ids of the client's commands (RTMP spec §7.2.1.1: connect is 1). */
export const ClientTransaction = { Connect: 1, CreateStream: 2 } as const;

/**
 * `connect` of a player (RTMP spec §7.2.1.1) announcing the Enhanced RTMP codecs it reads in `fourCcList`, as
 * FFmpeg 6.1+ does, so that servers that send H265, AV1, VP9 or Opus only to capable players send them.
 */
export function connectCommand(url: RtmpClientUrl): RtmpMessage {
  const object: { [key: string]: AmfValue } = {
    app: url.app, flashVer: 'LNX 9,0,124,2', tcUrl: url.tcUrl, fpad: false, capabilities: 15,
    // Legacy codec masks of a Flash player: every audio codec (0x0fff), every video codec (0x00ff).
    audioCodecs: 0x0fff, videoCodecs: 0x00ff, videoFunction: 1,
    fourCcList: [...new Set([...Object.values(VIDEO_FOURCC), ...Object.values(AUDIO_FOURCC)])],
  };
  return commandMessage({ name: 'connect', transactionId: ClientTransaction.Connect, object });
}

/** `createStream` (RTMP spec §7.2.1.3). */
export function createStreamCommand(): RtmpMessage {
  return commandMessage({ name: 'createStream', transactionId: ClientTransaction.CreateStream, object: null });
}

/** `play` of a live stream on `streamId` (RTMP spec §7.2.2.1; start -2: live, or recorded if there is no live one). */
export function playCommand(streamId: number, streamName: string): RtmpMessage {
  return commandMessage({ name: 'play', transactionId: 0, object: null, args: [streamName, -2], messageStreamId: streamId });
}

/** User Control SetBufferLength (RTMP spec §7.1.7, event 3): stream id and buffer in milliseconds. */
export function setBufferLengthMessage(streamId: number, bufferMs: number): RtmpMessage {
  const b = Buffer.allocUnsafe(10);
  b.writeUInt16BE(UserControlEvent.SetBufferLength, 0);
  b.writeUInt32BE(streamId >>> 0, 2);
  b.writeUInt32BE(bufferMs >>> 0, 6);
  return { chunkStreamId: 2, type: RtmpMessageType.UserControl, timestamp: 0, messageStreamId: 0, body: b };
}
