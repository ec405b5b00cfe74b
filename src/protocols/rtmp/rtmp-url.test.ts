import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rtmpTarget } from './rtmp-url.ts';

describe('rtmpTarget: connect app + publish/play stream name → path (as MediaMTX)', () => {
  it("rtmp://host/live/mystream: app 'live', stream 'mystream' → 'live/mystream'", () => {
    assert.deepEqual(rtmpTarget('live', 'mystream'), { pathName: 'live/mystream', query: '', user: '', pass: '' });
  });

  it("rtmp://host/mystream: app 'mystream', empty stream name → 'mystream'", () => {
    assert.deepEqual(rtmpTarget('mystream', ''), { pathName: 'mystream', query: '', user: '', pass: '' });
  });

  it('an empty app keeps the stream name alone', () => {
    assert.equal(rtmpTarget('', 'mystream').pathName, 'mystream');
    assert.equal(rtmpTarget('', '').pathName, '');
  });

  it('keeps deeper paths: an app or stream name with slashes', () => {
    assert.equal(rtmpTarget('live/cams', 'door').pathName, 'live/cams/door');
    assert.equal(rtmpTarget('live', 'cams/door').pathName, 'live/cams/door');
  });

  it('trims the leading and trailing slashes OBS and others add', () => {
    assert.equal(rtmpTarget('/live/', '/mystream/').pathName, 'live/mystream');
    assert.equal(rtmpTarget('mystream/', '').pathName, 'mystream');
    assert.equal(rtmpTarget('//live', 'mystream//').pathName, 'live/mystream');
  });

  it('takes credentials from the stream key (OBS: server rtmp://host/live, key mystream?user=u&pass=p)', () => {
    assert.deepEqual(rtmpTarget('live', 'mystream?user=u&pass=p'), { pathName: 'live/mystream', query: 'user=u&pass=p', user: 'u', pass: 'p' });
  });

  it('takes credentials from the app (rtmp://host/live?user=u&pass=p/mystream style tcUrl)', () => {
    assert.deepEqual(rtmpTarget('live?user=u&pass=p', 'mystream'), { pathName: 'live/mystream', query: 'user=u&pass=p', user: 'u', pass: 'p' });
    assert.deepEqual(rtmpTarget('mystream?user=u&pass=p', ''), { pathName: 'mystream', query: 'user=u&pass=p', user: 'u', pass: 'p' });
  });

  it('keeps the whole raw query, other keys included, for the authentication request', () => {
    const t = rtmpTarget('live', 'mystream?token=abc&user=u&pass=p&x=1');
    assert.equal(t.pathName, 'live/mystream');
    assert.deepEqual([t.user, t.pass], ['u', 'p']);
    assert.equal(t.query, 'token=abc&user=u&pass=p&x=1');
    assert.equal(new URLSearchParams(t.query).get('token'), 'abc');
    assert.deepEqual(rtmpTarget('live', 'mystream?token=abc'), { pathName: 'live/mystream', query: 'token=abc', user: '', pass: '' });
  });

  it('decodes percent-encoding and + in the credentials', () => {
    const t = rtmpTarget('live', 'mystream?user=a%40b&pass=p%26q+r');
    assert.deepEqual([t.user, t.pass], ['a@b', 'p&q r']);
  });

  it('decodes percent escapes in the path as MediaMTX does; a malformed escape stays for path validation to refuse', () => {
    assert.equal(rtmpTarget('live', 'my%20cam').pathName, 'live/my cam');
    assert.equal(rtmpTarget('li%76e', 'cam?user=a%20b').pathName, 'live/cam');
    assert.equal(rtmpTarget('live', 'bad%zz').pathName, 'live/bad%zz');
  });

  it('uses the stream name query, not the app query, when both carry one', () => {
    assert.deepEqual(rtmpTarget('live?user=a&pass=b', 'mystream?user=c&pass=d'), { pathName: 'live/mystream', query: 'user=c&pass=d', user: 'c', pass: 'd' });
    assert.deepEqual(rtmpTarget('live?user=a&pass=b', 'mystream?token=t'), { pathName: 'live/mystream', query: 'token=t', user: '', pass: '' });
  });

  it('splits at the first ? only: a ? inside a value stays in the query', () => {
    assert.deepEqual(rtmpTarget('live', 'mystream?user=u&pass=p?q'), { pathName: 'live/mystream', query: 'user=u&pass=p?q', user: 'u', pass: 'p?q' });
    assert.deepEqual(rtmpTarget('live', '?user=u&pass=p'), { pathName: 'live', query: 'user=u&pass=p', user: 'u', pass: 'p' });
  });

  it('never lets the query into the path, nor leading/trailing slashes (property)', () => {
    const seg = fc.stringMatching(/^[a-z0-9_/-]{0,12}$/);
    const query = fc.stringMatching(/^[a-z0-9=&%+?/]{0,20}$/);
    fc.assert(fc.property(seg, fc.option(query), seg, fc.option(query), (app, appQ, name, nameQ) => {
      const t = rtmpTarget(appQ === null ? app : `${app}?${appQ}`, nameQ === null ? name : `${name}?${nameQ}`);
      assert.ok(!t.pathName.includes('?'));
      assert.ok(!t.pathName.startsWith('/') && !t.pathName.endsWith('/'));
      assert.equal(t.query, nameQ || appQ || '');
      const parts = [app, name].map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '');
      assert.equal(t.pathName, parts.join('/'));
    }));
  });
});
