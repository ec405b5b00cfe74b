import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitRtspUrl } from './rtsp-request-url.ts';
import { RtspStatusError } from './rtsp-status.ts';

describe('splitRtspUrl', () => {
  const cases: [string, string[], { pathName: string; query: string; controlIndex?: number; trackId?: number }][] = [
    ['rtsp://127.0.0.1:8554/mystream', [], { pathName: 'mystream', query: '' }],
    ['rtsp://127.0.0.1:8554/mystream/', [], { pathName: 'mystream', query: '' }],
    ['rtsp://h/a/b/c?x=1&y=2', [], { pathName: 'a/b/c', query: 'x=1&y=2' }],
    ['rtsp://h/cam/trackID=1', [], { pathName: 'cam', query: '', trackId: 1 }],
    ['rtsp://h/cam?token=a/trackID=0', [], { pathName: 'cam', query: 'token=a', trackId: 0 }],
    ['rtsp://h/cam/streamid=1', ['streamid=0', 'streamid=1'], { pathName: 'cam', query: '', controlIndex: 1 }],
    ['rtsp://h/cam/stream=0', ['stream=0'], { pathName: 'cam', query: '', controlIndex: 0 }],
    ['rtsp://user:pass@h:8554/cam', [], { pathName: 'cam', query: '' }],
    ['rtsp://h/my%20cam', [], { pathName: 'my cam', query: '' }],
    ['rtsps://h/cam', [], { pathName: 'cam', query: '' }],
    ['rtsp://h/cam?vlcmulticast', [], { pathName: 'cam', query: 'vlcmulticast' }],
  ];
  for (const [url, controls, want] of cases) {
    it(`splits ${url}`, () => {
      const got = splitRtspUrl(url, controls);
      assert.deepEqual({ ...got }, Object.fromEntries(Object.entries({ controlIndex: undefined, trackId: undefined, ...want })));
    });
  }

  it('matches an absolute control URL', () => {
    const got = splitRtspUrl('rtsp://h/cam/track1', ['rtsp://h/cam/track0', 'rtsp://h/cam/track1']);
    assert.equal(got.controlIndex, 1);
  });

  it('rejects URLs that are not rtsp', () => {
    assert.throws(() => splitRtspUrl('http://h/cam', []), RtspStatusError);
    assert.throws(() => splitRtspUrl('rtsp://h/%E0%A4%A', []), RtspStatusError);
  });
});
