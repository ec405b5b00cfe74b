import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MulticastAllocator, MulticastError } from './rtsp-multicast.ts';
import { withMulticastConnection } from './vlc-multicast-sdp.ts';

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

describe('withMulticastConnection', () => {
  it('points each media at its group and the multicast port', () => {
    const sdp = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=x', 'c=IN IP4 0.0.0.0', 't=0 0', 'm=video 0 RTP/AVP 96', 'a=control:trackID=0', 'm=audio 0 RTP/AVP 97', 'c=IN IP4 0.0.0.0', 'a=control:trackID=1', ''].join('\r\n');
    const out = withMulticastConnection(sdp, ['224.1.0.1', '224.1.0.2'], 8002, 16).split('\r\n');
    assert.deepEqual(out.slice(5), ['m=video 8002 RTP/AVP 96', 'c=IN IP4 224.1.0.1/16', 'a=control:trackID=0', 'm=audio 8002 RTP/AVP 97', 'c=IN IP4 224.1.0.2/16', 'a=control:trackID=1', '']);
  });
});
