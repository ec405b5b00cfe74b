import { decodeAmf0, encodeAmf0, type AmfValue } from './amf0.ts';
import { RtmpProtocolError } from './rtmp-errors.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';

// RTMP spec §5.3.1.1: chunk stream 2 carries protocol control messages; 3 carries commands.
const CONTROL_CSID = 2;
const COMMAND_CSID = 3;

function u32(v: number): Buffer { const b = Buffer.allocUnsafe(4); b.writeUInt32BE(v >>> 0); return b; }

/** Set Chunk Size (§5.4.1). */
export function setChunkSizeMessage(size: number): RtmpMessage {
  return { chunkStreamId: CONTROL_CSID, type: RtmpMessageType.SetChunkSize, timestamp: 0, messageStreamId: 0, body: u32(size) };
}
/** Window Acknowledgement Size (§5.4.4). */
export function windowAckSizeMessage(size: number): RtmpMessage {
  return { chunkStreamId: CONTROL_CSID, type: RtmpMessageType.WindowAckSize, timestamp: 0, messageStreamId: 0, body: u32(size) };
}
/** Acknowledgement of `bytes` received (§5.4.3). */
export function acknowledgementMessage(bytes: number): RtmpMessage {
  return { chunkStreamId: CONTROL_CSID, type: RtmpMessageType.Acknowledgement, timestamp: 0, messageStreamId: 0, body: u32(bytes) };
}
/** Set Peer Bandwidth with the dynamic limit type (§5.4.5). */
export function setPeerBandwidthMessage(size: number): RtmpMessage {
  return { chunkStreamId: CONTROL_CSID, type: RtmpMessageType.SetPeerBandwidth, timestamp: 0, messageStreamId: 0, body: Buffer.concat([u32(size), Buffer.from([2])]) };
}

/** User control events (§7.1.7). */
export const UserControlEvent = { StreamBegin: 0, StreamEof: 1, StreamDry: 2, SetBufferLength: 3, StreamIsRecorded: 4, PingRequest: 6, PingResponse: 7 } as const;

/** A User Control message with a 32-bit argument. */
export function userControlMessage(event: number, value: number): RtmpMessage {
  const b = Buffer.allocUnsafe(6);
  b.writeUInt16BE(event, 0);
  b.writeUInt32BE(value >>> 0, 2);
  return { chunkStreamId: CONTROL_CSID, type: RtmpMessageType.UserControl, timestamp: 0, messageStreamId: 0, body: b };
}

/** A decoded AMF0 command (§7.1.1). */
export interface RtmpCommand { readonly name: string; readonly transactionId: number; readonly object: AmfValue; readonly args: AmfValue[] }

/** Decodes an AMF0 command body. */
export function parseCommand(body: Buffer): RtmpCommand {
  const values = decodeAmf0(body);
  const [name, txid, object, ...args] = values;
  if (typeof name !== 'string') throw new RtmpProtocolError('command without a name');
  return { name, transactionId: typeof txid === 'number' ? txid : 0, object: object ?? null, args };
}

/** Builds an AMF0 command message. */
export function commandMessage(o: { name: string; transactionId: number; object: AmfValue; args?: AmfValue[]; messageStreamId?: number }): RtmpMessage {
  return {
    chunkStreamId: COMMAND_CSID, type: RtmpMessageType.CommandAmf0, timestamp: 0, messageStreamId: o.messageStreamId ?? 0,
    body: encodeAmf0(o.name, o.transactionId, o.object, ...(o.args ?? [])),
  };
}

/** `onStatus` with a NetStream status code (e.g. NetStream.Publish.Start). */
export function onStatusMessage(streamId: number, code: string, description: string, level = 'status'): RtmpMessage {
  return commandMessage({ name: 'onStatus', transactionId: 0, object: null, args: [{ level, code, description }], messageStreamId: streamId });
}
