import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { ConfError } from './conf-error.ts';

const conf = (paths: string): ReturnType<typeof parseConf> => parseConf(`paths:\n${paths}`, {});

describe('static source configuration', () => {
  it('accepts a regexp path proxying an origin with $G placeholders when it is on demand (MediaMTX v1.4+)', () => {
    const c = conf('  "~^(.+)$":\n    source: rtsp://origin:8554/$G1\n    sourceOnDemand: yes\n').conf;
    assert.equal(c.paths['~^(.+)$']!.source, 'rtsp://origin:8554/$G1');
    conf('  "~^cam(\\\\d+)$":\n    source: rtmp://$G1:$G1/live/cam\n    sourceOnDemand: yes\n');
  });

  it('refuses a regexp static source that is not on demand, pointing at its line', () => {
    assert.throws(() => conf('  "~^(.+)$":\n    source: rtsp://origin/$G1\n'), (e: unknown) => e instanceof ConfError && /paths\.~\^\(\.\+\)\$\.source' at line 3: .*must have 'sourceOnDemand' set to yes/.test(e.message));
    assert.throws(() => conf('  all:\n    source: rpiCamera\n'), /Raspberry Pi camera/);
  });

  it('refuses a source URL without a host, hiding its password', () => {
    assert.throws(() => conf('  cam:\n    source: rtsp://user:secret@/x\n'), (e: unknown) => e instanceof ConfError && /is not a valid URL/.test(e.message) && !e.message.includes('secret'));
  });

  it('loads every v1.x source scheme, naming those not built in the one not-implemented warning (passwords hidden)', () => {
    const sources: Record<string, string> = {
      srt: 'srt://cam:8890?streamid=read:x', whep: 'whep://cam:8889/x/whep', wheps: 'wheps://u:secret@cam/x/whep',
      rtsphttp: 'rtsp+http://cam:80/x', rtspshttp: 'rtsps+http://cam/x', rtspws: 'rtsp+ws://cam/x', rtspsws: 'rtsps+ws://cam/x',
      udpts: 'udp+mpegts://238.0.0.1:1234', unixts: 'unix+mpegts:///tmp/ts.sock', moq: 'moqt://relay:4443/x',
      udprtp: 'udp+rtp://238.0.0.1:1234', rtsp: 'rtsp://cam/x', red: 'redirect', pub: 'publisher', cam: 'rpiCamera',
    };
    const yaml = Object.entries(sources).map(([n, s]) => `  ${n}:\n    source: ${s}\n${n === 'red' ? '    sourceRedirect: /pub\n' : ''}${n === 'udprtp' ? '    rtpSDP: "v=0"\n' : ''}`).join('');
    const { conf: c, warnings } = conf(yaml);
    assert.equal(c.paths.wheps!.source, 'wheps://u:secret@cam/x/whep');
    assert.equal(warnings.length, 1);
    const w = warnings[0]!;
    for (const n of ['srt', 'whep', 'wheps', 'rtsphttp', 'rtspshttp', 'rtspws', 'rtspsws', 'unixts', 'moq', 'udprtp']) assert.match(w, new RegExp(`paths\\.${n}: `));
    assert.match(w, /SRT source 'srt:\/\/cam:8890/);
    assert.match(w, /WHEP source/);
    assert.match(w, /RTSP-over-HTTP\/WebSocket source 'rtsp\+http:/);
    assert.ok(!w.includes('secret'), w);
    for (const built of ['rtsp', 'red', 'pub', 'cam', 'udpts']) assert.doesNotMatch(w, new RegExp(`paths\\.${built}: `));
  });

  it('refuses what upstream refuses: an unknown scheme, a URL without host or port where one is needed, RTP without rtpSDP', () => {
    assert.throws(() => conf('  cam:\n    source: rtsps+https://cam/x\n'), /paths\.cam\.source' at line 3: .*is not publisher, redirect, rpiCamera or a source URL/);
    assert.throws(() => conf('  cam:\n    source: srt://\n'), /is not a valid URL/);
    assert.throws(() => conf('  cam:\n    source: udp+mpegts://238.0.0.1\n'), /is missing the port/);
    assert.throws(() => conf('  cam:\n    source: udp+rtp://238.0.0.1:1234\n'), /'paths\.cam\.rtpSDP'.*required when source is udp\+rtp:\/\//);
  });
});
