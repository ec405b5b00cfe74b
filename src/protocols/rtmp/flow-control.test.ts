import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RtmpFlowControl } from './flow-control.ts';
import { UserControlEvent, userControlMessage, windowAckSizeMessage } from './control-messages.ts';
import { RtmpMessageType, type RtmpMessage } from './rtmp-message.ts';

describe('RtmpFlowControl', () => {
  it('acknowledges each full window the peer asked for, with the byte count so far (RTMP §5.4.3)', () => {
    const f = new RtmpFlowControl();
    f.received(5000);
    assert.equal(f.ackDue(), undefined, 'no window asked: no acknowledgement');
    assert.equal(f.onControl(windowAckSizeMessage(2500), () => assert.fail('nothing to answer')), true);
    const ack = f.ackDue();
    assert.equal(ack?.type, RtmpMessageType.Acknowledgement);
    assert.equal(ack?.body.readUInt32BE(0), 5000);
    assert.equal(f.ackDue(), undefined, 'owed once');
    f.received(2499);
    assert.equal(f.ackDue(), undefined);
    f.received(1);
    assert.equal(f.ackDue()?.body.readUInt32BE(0), 7500);
  });

  it('answers a ping request with its value, takes other user control events silently, and leaves media alone', () => {
    const f = new RtmpFlowControl();
    const sent: RtmpMessage[] = [];
    assert.equal(f.onControl(userControlMessage(UserControlEvent.PingRequest, 1234), (m) => sent.push(m)), true);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.body.readUInt16BE(0), UserControlEvent.PingResponse);
    assert.equal(sent[0]!.body.readUInt32BE(2), 1234);
    assert.equal(f.onControl(userControlMessage(UserControlEvent.StreamBegin, 1), (m) => sent.push(m)), true);
    assert.equal(sent.length, 1);
    const media: RtmpMessage = { chunkStreamId: 6, type: RtmpMessageType.Video, timestamp: 0, messageStreamId: 1, body: Buffer.alloc(4) };
    assert.equal(f.onControl(media, (m) => sent.push(m)), false);
  });
});
