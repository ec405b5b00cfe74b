import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectCommand, parseRtmpClientUrl, playCommand, setBufferLengthMessage } from './client-commands.ts';
import { parseCommand } from './control-messages.ts';
import { EnhancedCaps } from './enhanced-caps.ts';
import { RtmpProtocolError } from './rtmp-errors.ts';
import { rtmpTarget } from './rtmp-url.ts';

describe('RTMP client commands', () => {
  const urls: [string, object][] = [
    ['rtmp://127.0.0.1/live/cam', { isSecure: false, host: '127.0.0.1', port: 1935, app: 'live', streamName: 'cam', tcUrl: 'rtmp://127.0.0.1/live' }],
    ['rtmp://h:1936/cam', { isSecure: false, host: 'h', port: 1936, app: 'cam', streamName: '', tcUrl: 'rtmp://h:1936/cam' }],
    ['rtmps://h/a/b/c?user=u&pass=p', { isSecure: true, host: 'h', port: 443, app: 'a', streamName: 'b/c?user=u&pass=p', tcUrl: 'rtmps://h/a' }],
    ['rtmp://[::1]:1935/live/x', { isSecure: false, host: '::1', port: 1935, app: 'live', streamName: 'x', tcUrl: 'rtmp://[::1]:1935/live' }],
  ];
  for (const [url, want] of urls) it(`splits ${url}`, () => assert.deepEqual(parseRtmpClientUrl(url), want));

  it('names the same path on this server as the URL does', () => {
    for (const [url, path] of [['rtmp://h/live/cam', 'live/cam'], ['rtmp://h/cam', 'cam'], ['rtmp://h/a/b/c', 'a/b/c']] as const) {
      const u = parseRtmpClientUrl(url);
      assert.equal(rtmpTarget(u.app, u.streamName).pathName, path);
    }
  });

  it('refuses URLs without a host or an application', () => {
    for (const bad of ['rtsp://h/x', 'rtmp://', 'rtmp://h/', 'rtmp://h']) assert.throws(() => parseRtmpClientUrl(bad), RtmpProtocolError, bad);
  });

  it('announces every Enhanced RTMP codec in connect, as this server reads it', () => {
    const c = parseCommand(connectCommand(parseRtmpClientUrl('rtmp://h/live/x')).body);
    assert.equal(c.name, 'connect');
    assert.equal(c.transactionId, 1);
    const caps = EnhancedCaps.fromConnect(c.object as Parameters<typeof EnhancedCaps.fromConnect>[0]);
    for (const f of ['hvc1', 'av01', 'vp09', 'Opus']) assert.ok(caps.accepts(f), f);
  });

  it('builds play on the media stream and SetBufferLength', () => {
    const p = playCommand(1, 'cam');
    assert.equal(p.messageStreamId, 1);
    assert.deepEqual(parseCommand(p.body).args, ['cam', -2]);
    assert.deepEqual([...setBufferLengthMessage(1, 3000).body], [0, 3, 0, 0, 0, 1, 0, 0, 0x0b, 0xb8]);
  });
});
