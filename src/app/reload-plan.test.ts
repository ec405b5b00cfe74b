import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf, type Conf } from '../conf/index.ts';
import { PLAN_ROWS } from './component-settings.ts';
import { planReload, sameSettings, type PlanSpec } from './reload-plan.ts';

const BASE = 'paths:\n  cam:\n  all:\n';

function conf(extra: string, paths = BASE): Conf { return parseConf(`${extra}\n${paths}`, {}).conf; }

/** The plan as `id action` strings for what is not kept. */
function changes(prev: Conf, next: Conf): string[] {
  return [...planReload(PLAN_ROWS, prev, next)].filter(([, a]) => a !== 'keep').map(([id, a]) => `${id} ${a}`);
}

// Each row: what changes in the file → what happens to the components (everything else is kept).
const CASES: readonly [string, string, string, readonly string[], string?][] = [
  ['nothing', '', '', []],
  ['the log level', '', 'logLevel: debug', ['logger update']],
  ['a path added', '', '', ['pathManager update'], 'paths:\n  cam:\n  cam2:\n  all:\n'],
  ['a path credential', '', '', ['pathManager update'], 'paths:\n  cam:\n    readUser: u\n    readPass: p\n  all:\n'],
  ['readTimeout', '', 'readTimeout: 20s', ['auth update', 'pathManager update', 'rtspServer restart', 'rtmpServer restart', 'hlsServer restart', 'webrtcServer restart']],
  ['the RTMP address', '', 'rtmpAddress: :1999', ['rtmpServer restart']],
  ['runOnConnect (new connections get it)', '', 'runOnConnect: echo hi', ['rtspServer update', 'rtmpServer update']],
  ['RTMP disabled', '', 'rtmpDisable: yes', ['rtmpServer stop']],
  ['RTSPS enabled', '', 'encryption: optional', ['rtspsServer start']],
  ['RTSP only over TLS', 'protocols: [tcp]', 'protocols: [tcp]\nencryption: strict', ['rtspServer stop', 'rtspsServer start']],
  ['external authentication', '', 'externalAuthenticationURL: http://auth/', ['auth update', 'rtspServer restart']],
  ['the RTSP port (hooks see it)', '', 'rtspAddress: :9554', ['pathManager restart', 'rtspServer restart', 'rtmpServer restart', 'hlsServer restart', 'webrtcServer restart']],
  ['udpMaxPayloadSize (RTSP only: RTMP makes no RTP)', 'udpMaxPayloadSize: 1200', '', ['rtspServer restart']],
  ['hlsAllowOrigin (the next answer has it)', '', 'hlsAllowOrigin: https://a.example', ['hlsServer update']],
  ['the HLS variant', '', 'hlsVariant: mpegts', ['hlsServer restart']],
  ['HLS disabled', '', 'hlsDisable: yes', ['hlsServer stop']],
  ['the API enabled', '', 'api: yes', ['api start']],
  ['the API address', 'api: yes', 'api: yes\napiAddress: 127.0.0.1:9000', ['api restart']],
  ['apiPersist (read at each change)', 'api: yes', 'api: yes\napiPersist: yes', []],
  ['the metrics and pprof addresses (the API is kept)', 'api: yes\nmetrics: yes\npprof: yes', 'api: yes\nmetrics: yes\npprof: yes\nmetricsAddress: :7001\npprofAddress: :7002',
    ['metrics restart', 'pprof restart']],
  ['metrics disabled', 'metrics: yes', '', ['metrics stop']],
  ['the pprof address', 'pprof: yes', 'pprof: yes\npprofAddress: :7777', ['pprof restart']],
  ['the RTSP port with the API on (it finds servers at each request)', 'api: yes', 'api: yes\nrtspAddress: :9554',
    ['pathManager restart', 'rtspServer restart', 'rtmpServer restart', 'hlsServer restart', 'webrtcServer restart']],
  ['webrtcAllowOrigin (the next answer has it)', '', 'webrtcAllowOrigin: https://a.example', ['webrtcServer update']],
  ['the WebRTC ICE servers', '', 'webrtcICEServers: [stun:127.0.0.1:3478]', ['webrtcServer restart']],
  ['WebRTC disabled', '', 'webrtcDisable: yes', ['webrtcServer stop']],
];

describe('planReload with the component table', () => {
  for (const [what, before, after, want, paths] of CASES) {
    it(`changing ${what}: ${want.length === 0 ? 'keeps everything' : want.join(', ')}`, () => {
      assert.deepEqual(changes(conf(before), conf(after, paths)), want);
    });
  }

  it('restarts dependents of a restarted component and refuses a table whose dependency comes later', () => {
    const specs: PlanSpec<'a' | 'b' | 'c'>[] = [
      { id: 'a', deps: [], settings: (c) => c.readTimeout },
      { id: 'b', deps: ['a'], settings: () => 1 },
      { id: 'c', deps: [], settings: () => 1 },
    ];
    assert.deepEqual([...planReload(specs, conf(''), conf('readTimeout: 1s'))], [['a', 'restart'], ['b', 'restart'], ['c', 'keep']]);
    const bad: PlanSpec<'a' | 'b'>[] = [{ id: 'b', deps: ['a'], settings: () => 1 }, { id: 'a', deps: [], settings: () => 1 }];
    assert.throws(() => planReload(bad, conf(''), conf('')), /must come earlier/);
  });

  it('compares settings deeply, RegExps by source', () => {
    assert.equal(sameSettings({ a: [1, { b: /x/i }] }, { a: [1, { b: /x/i }] }), true);
    assert.equal(sameSettings({ a: [1, { b: /x/i }] }, { a: [1, { b: /x/ }] }), false);
    assert.equal(sameSettings({ a: 1 }, { a: 1, b: undefined }), false);
    assert.equal(sameSettings([1, 2], { 0: 1, 1: 2 }), false);
  });
});
