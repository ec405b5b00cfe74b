import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeBaseUrl, mediaControlUrl, parseRtspClientUrl } from './client-url.ts';
import { RtspParseError } from './rtsp-parse-error.ts';

describe('RTSP client URLs', () => {
  it('splits credentials off the URL that goes in requests', () => {
    assert.deepEqual(parseRtspClientUrl('rtsp://admin:p%40ss%3Aw@192.168.1.10:8554/Streaming/101?tcp'), {
      isSecure: false, host: '192.168.1.10', port: 8554, credentials: { user: 'admin', pass: 'p@ss:w' }, url: 'rtsp://192.168.1.10:8554/Streaming/101?tcp',
    });
    assert.deepEqual(parseRtspClientUrl('rtsps://cam.local/live'), { isSecure: true, host: 'cam.local', port: 322, url: 'rtsps://cam.local/live' });
    assert.deepEqual(parseRtspClientUrl('rtsp://[::1]/x'), { isSecure: false, host: '::1', port: 554, url: 'rtsp://[::1]/x' });
  });

  it('refuses what is not an rtsp(s) URL with a host', () => {
    for (const bad of ['rtmp://h/x', 'rtsp://', 'not a url', 'rtsp://u:%zz@h/x']) assert.throws(() => parseRtspClientUrl(bad), RtspParseError, bad);
  });

  it('resolves media controls as RTSP clients do (RFC 2326 §C.1.1)', () => {
    assert.equal(mediaControlUrl('rtsp://h/cam/', 'trackID=0'), 'rtsp://h/cam/trackID=0');
    assert.equal(mediaControlUrl('rtsp://h/cam', 'trackID=0'), 'rtsp://h/cam/trackID=0');
    assert.equal(mediaControlUrl('rtsp://h/cam/', '*'), 'rtsp://h/cam/');
    assert.equal(mediaControlUrl('rtsp://h/cam/', ''), 'rtsp://h/cam/');
    assert.equal(mediaControlUrl('rtsp://h/cam/', 'rtsp://other/x/track1'), 'rtsp://other/x/track1');
  });

  it('takes the base from Content-Base, then Content-Location, then the request', () => {
    assert.equal(describeBaseUrl('rtsp://h/a', 'rtsp://h/a/', 'rtsp://h/b/'), 'rtsp://h/a/');
    assert.equal(describeBaseUrl('rtsp://h/a', undefined, 'rtsp://h/b/'), 'rtsp://h/b/');
    assert.equal(describeBaseUrl('rtsp://h/a/x', undefined, 'y/'), 'rtsp://h/a/y/');
    assert.equal(describeBaseUrl('rtsp://h/a', undefined, undefined), 'rtsp://h/a');
  });
});
