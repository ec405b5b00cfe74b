import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MulticastAllocator, MulticastError } from './rtsp-multicast.ts';
import { withMulticastConnection } from './vlc-multicast-sdp.ts';
import { RtspMulticastStream } from './rtsp-multicast-stream.ts';
import type { MulticastSender } from './rtsp-multicast.ts';
import { Logger } from '../../lib/index.ts';
import { Stream } from '../../stream/index.ts';
import { parseSdp, sdpToDescription } from '../../formats/index.ts';

describe('MulticastAllocator', () => {
  it('hands out consecutive addresses of the range and reuses released ones', () => {
    const a = new MulticastAllocator('224.1.0.0/16');
    assert.equal(a.allocate(), '224.1.0.1');
    assert.equal(a.allocate(), '224.1.0.2');
    a.release('224.1.0.1');
    assert.equal(a.allocate(), '224.1.0.1');
  });

  it('fails when the range is exhausted', () => {
    const a = new MulticastAllocator('239.0.0.0/31');
    a.allocate();
    assert.throws(() => a.allocate(), MulticastError);
  });

  it('rejects invalid ranges', () => {
    assert.throws(() => new MulticastAllocator('224.1.0/16'), MulticastError);
    assert.throws(() => new MulticastAllocator('224.1.0.0/40'), MulticastError);
  });
});

describe('RtspMulticastStream', () => {
  it('gives back the groups it took when the range runs out midway', () => {
    const allocator = new MulticastAllocator('239.0.0.0/30'); // three addresses
    const media = (i: number): string[] => [`m=audio 0 RTP/AVP 0`, `a=control:trackID=${i}`];
    const sdp = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=x', 'c=IN IP4 0.0.0.0', 't=0 0', ...[0, 1, 2, 3].flatMap(media), ''].join('\r\n');
    const stream = new Stream(sdpToDescription(parseSdp(sdp)).description);
    const make = (): RtspMulticastStream => new RtspMulticastStream({
      stream, allocator, sender: { send() {} } as unknown as MulticastSender, rtpPort: 8002, rtcpPort: 8003, queueSize: 16,
      maxPacketSize: 1452, log: Logger.silent(), onClose() {},
    });
    assert.throws(make, MulticastError, 'four medias, three addresses');
    assert.deepEqual([allocator.allocate(), allocator.allocate(), allocator.allocate()], ['239.0.0.1', '239.0.0.2', '239.0.0.3']);
  });
});

describe('withMulticastConnection', () => {
  it('points each media at its group and the multicast port', () => {
    const sdp = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=x', 'c=IN IP4 0.0.0.0', 't=0 0', 'm=video 0 RTP/AVP 96', 'a=control:trackID=0', 'm=audio 0 RTP/AVP 97', 'c=IN IP4 0.0.0.0', 'a=control:trackID=1', ''].join('\r\n');
    const out = withMulticastConnection(sdp, ['224.1.0.1', '224.1.0.2'], 8002, 16).split('\r\n');
    assert.deepEqual(out.slice(5), ['m=video 8002 RTP/AVP 96', 'c=IN IP4 224.1.0.1/16', 'a=control:trackID=0', 'm=audio 8002 RTP/AVP 97', 'c=IN IP4 224.1.0.2/16', 'a=control:trackID=1', '']);
  });
});
