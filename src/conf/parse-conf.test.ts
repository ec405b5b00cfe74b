import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseConf, defaultConf, defaultPathConf } from './parse-conf.ts';
import { ConfError } from './conf-error.ts';
import { GLOBAL_KEYS, PATH_KEYS } from './keys.ts';
import { encryptConf } from './decrypt.ts';
import { loadConf } from './load-conf.ts';
import { NOT_IMPLEMENTED } from './not-implemented.ts';
import { keysMarkedNotBuilt } from './test-support/not-built-remarks.ts';

const SHIPPED = new URL('../../mediamtx.yml', import.meta.url);

function confError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ConfError && re.test(e.message));
}

describe('parseConf', () => {
  it('fills MediaMTX v0.22.2 defaults', () => {
    const c = defaultConf();
    assert.equal(c.rtspAddress, ':8554');
    assert.equal(c.rtmpAddress, ':1935');
    assert.equal(c.hlsAddress, ':8888');
    assert.equal(c.webrtcAddress, ':8889');
    assert.equal(c.apiAddress, '127.0.0.1:9997');
    assert.equal(c.metricsAddress, '127.0.0.1:9998');
    assert.equal(c.readTimeout, 10_000);
    assert.equal(c.hlsPartDuration, 200);
    assert.equal(c.hlsSegmentMaxSize, 50 * 1024 * 1024);
    assert.deepEqual(c.protocols, ['udp', 'multicast', 'tcp']);
    assert.equal(c.encryption, 'no');
    assert.deepEqual(Object.keys(c.paths), []);
  });

  it('ships a mediamtx.yml that lists every key with its default', () => {
    const text = readFileSync(SHIPPED, 'utf8');
    const shipped = parseConf(text, {}).conf;
    const { paths, ...g } = shipped;
    const { paths: _p, ...d } = defaultConf();
    assert.deepEqual(g, d);
    assert.deepEqual({ ...paths.all }, { ...defaultPathConf('all') });
    for (const k of [...Object.keys(GLOBAL_KEYS), ...Object.keys(PATH_KEYS)]) assert.match(text, new RegExp(`^\\s*${k}:`, 'm'), `${k} missing`);
  });

  it('ships a mediamtx.yml whose comments call "not built yet" exactly the features that are not (RTMP is built)', () => {
    const marked = keysMarkedNotBuilt(readFileSync(SHIPPED, 'utf8'));
    const notBuilt = new Set(NOT_IMPLEMENTED.flatMap((n) => n.keys));
    const wronglyMarked = [...marked].filter((k) => !notBuilt.has(k));
    const unmarked = [...notBuilt].filter((k) => !marked.has(k));
    assert.deepEqual(wronglyMarked, [], `built keys described as not built: ${wronglyMarked.join(', ')}`);
    assert.deepEqual(unmarked, [], `keys of features not built whose comment does not say so: ${unmarked.join(', ')}`);
  });

  it('reads yes/no as booleans (legacy booleans, as both MediaMTX eras)', () => {
    const c = parseConf('rtspDisable: yes\nhlsAlwaysRemux: on\nencryption: no\n', {}).conf;
    assert.equal(c.rtspDisable, true);
    assert.equal(c.hlsAlwaysRemux, true);
    assert.equal(c.encryption, 'no');
  });

  it('names unknown keys with their line', () => {
    confError(() => parseConf('logLevel: info\nrtspAdress: :1\n', {}), /unknown key 'rtspAdress' at line 2/);
    confError(() => parseConf('paths:\n  cam:\n    sourcee: x\n', {}), /unknown key 'paths\.cam\.sourcee' at line 3/);
  });

  it('refuses wrong types and bad values naming the key', () => {
    confError(() => parseConf('readBufferCount: 500\n', {}), /readBufferCount.*power of two/);
    confError(() => parseConf('readTimeout: 10x\n', {}), /'readTimeout' at line 1/);
    confError(() => parseConf('udpMaxPayloadSize: 1500\n', {}), /udpMaxPayloadSize/);
    confError(() => parseConf('protocols: [udp, smoke]\n', {}), /protocols/);
    confError(() => parseConf('encryption: strict\n', {}), /encryption/);
    confError(() => parseConf('logLevel: [a]\n', {}), /logLevel/);
    confError(() => parseConf('a: 1\na: 2\n', {}), /duplicate key/);
    confError(() => parseConf('externalAuthenticationURL: ftp://x\n', {}), /externalAuthenticationURL/);
  });

  it('applies path rules of MediaMTX', () => {
    confError(() => parseConf('paths:\n  cam:\n    publishUser: a\n', {}), /publishUser.*publishPass/);
    confError(() => parseConf('paths:\n  cam:\n    readUser: "a b"\n    readPass: x\n', {}), /readUser/);
    confError(() => parseConf('paths:\n  cam:\n    readIPs: [1.2.3.4/40]\n', {}), /readIPs/);
    confError(() => parseConf('paths:\n  cam:\n    source: redirect\n', {}), /sourceRedirect/);
    confError(() => parseConf('paths:\n  cam:\n    source: ftp://x\n', {}), /source/);
    confError(() => parseConf('paths:\n  all:\n    runOnInit: ls\n', {}), /runOnInit/);
    confError(() => parseConf('paths:\n  cam:\n    sourceOnDemand: yes\n', {}), /sourceOnDemand/);
    confError(() => parseConf('paths:\n  cam:\n    fallback: nope\n', {}), /fallback/);
    confError(() => parseConf('paths:\n  "~(":\n', {}), /regular expression/);
    confError(() => parseConf('paths:\n  /cam:\n', {}), /path name/);
    confError(() => parseConf('externalAuthenticationURL: http://x\npaths:\n  cam:\n    readIPs: [127.0.0.1]\n', {}), /externalAuthenticationURL/);
    const ok = parseConf('paths:\n  cam:\n    readUser: u\n    readPass: sha256:abc=\n    readIPs: [10.0.0.0/8, "::1"]\n', {}).conf;
    assert.deepEqual(ok.paths.cam!.readIPs, ['10.0.0.0/8', '::1']);
  });

  it('applies MTX_ and legacy RTSP_ environment overrides, MTX_ last', () => {
    const c = parseConf('rtspAddress: :1\n', {
      RTSP_RTSPADDRESS: ':2', MTX_PROTOCOLS: 'tcp,udp', MTX_RTSPDISABLE: 'yes', MTX_READTIMEOUT: '3s',
      MTX_PATHS_CAM_READUSER: 'u', MTX_PATHS_CAM_READPASS: 'p', RTSP_LOGLEVEL: 'debug',
    }).conf;
    assert.equal(c.rtspAddress, ':2');
    assert.deepEqual(c.protocols, ['tcp', 'udp']);
    assert.equal(c.rtspDisable, true);
    assert.equal(c.readTimeout, 3000);
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.paths.cam!.readUser, 'u');
    confError(() => parseConf('', { MTX_READBUFFERCOUNT: 'many' }), /MTX_READBUFFERCOUNT/);
  });

  it('decrypts with MTX_CONFKEY and refuses a wrong key or short input', () => {
    const enc = encryptConf('rtspAddress: :9554\n', 'secret');
    assert.equal(parseConf(enc, { MTX_CONFKEY: 'secret' }).conf.rtspAddress, ':9554');
    confError(() => parseConf(enc, { MTX_CONFKEY: 'other' }), /wrong key/);
    confError(() => parseConf('c2hvcnQ=', { MTX_CONFKEY: 'secret' }), /too short/);
  });

  it('fails for a missing explicit file and defaults without one', () => {
    confError(() => loadConf({ path: '/nonexistent/x.yml', env: {} }), /does not exist/);
    assert.deepEqual(Object.keys(loadConf({ env: {}, cwd: '/nonexistent-dir' }).conf.paths), []);
  });

  it('warns once about features not built yet', () => {
    // Every static source scheme is built now (udp:// and http(s):// included): none of these paths is named.
    const { warnings } = parseConf('rtmpDisable: yes\nhlsDisable: yes\nwebrtcDisable: yes\npaths:\n  cam:\n    source: udp://238.0.0.1:1234\n  hls:\n    source: https://x/i.m3u8\n  proxied:\n    source: rtsp://x/y\n    sourceOnDemand: yes\n', {});
    assert.ok(warnings.length <= 1);
    assert.doesNotMatch(warnings.join('\n'), /paths\.|proxied|sourceOnDemand/);
    assert.deepEqual(parseConf('rtmpDisable: yes\nhlsDisable: yes\nwebrtcDisable: yes\n', {}).warnings, []);
  });

  it('never throws anything but ConfError (property)', () => {
    const yamlish = fc.stringMatching(/^[a-zA-Z0-9:\- \n\[\]{},"'~.#&*!|>]{0,120}$/);
    fc.assert(fc.property(yamlish, (text) => {
      try { parseConf(text, {}); } catch (e) { if (!(e instanceof ConfError)) throw e; }
    }), { numRuns: 1500 });
    const keys = fc.constantFrom(...Object.keys(GLOBAL_KEYS));
    fc.assert(fc.property(keys, fc.anything(), (k, v) => {
      try { parseConf(JSON.stringify({ [k]: v }), {}); } catch (e) { if (!(e instanceof ConfError)) throw e; }
    }), { numRuns: 1500 });
  });
});
