import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseConf, confFromObject } from './parse-conf.ts';
import { confToObject, formatByteSize, formatGoDuration } from './conf-object.ts';
import { parseDuration, parseSize } from './value-parsers.ts';
import { messageOf } from './test-support/conf-error-message.ts';

const SHIPPED = readFileSync(new URL('../../mediamtx.yml', import.meta.url), 'utf8');


describe('formatGoDuration', () => {
  it('writes durations as Go time.Duration.String() does', () => {
    const cases: [number, string][] = [
      [0, '0s'], [10_000, '10s'], [200, '200ms'], [1500, '1.5s'], [60_000, '1m0s'], [90_000, '1m30s'],
      [3_600_000, '1h0m0s'], [5_430_500, '1h30m30.5s'], [0.0015, '1.5µs'], [0.000001, '1ns'], [1.25, '1.25ms'], [-2000, '-2s'],
    ];
    for (const [ms, text] of cases) assert.equal(formatGoDuration(ms), text, `${ms} ms`);
  });

  it('is read back to the same nanosecond by the duration parser', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 46 }), (ns) => {
      assert.equal(Math.round(parseDuration(formatGoDuration(ns / 1e6)) * 1e6), ns);
    }));
  });
});

describe('formatByteSize', () => {
  it('writes sizes as bytefmt does, and exactly when bytefmt would round', () => {
    assert.deepEqual([0, 100, 1024, 1536, 50 * 1024 ** 2, 1500, 3 * 1024 ** 3].map(formatByteSize), ['0B', '100B', '1K', '1.5K', '50M', '1500B', '3G']);
  });

  it('is read back to the same number of bytes', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (n) => assert.equal(parseSize(formatByteSize(n)), n)));
  });
});

describe('confToObject / confFromObject', () => {
  it('round-trips the shipped configuration and one using every kind of value', () => {
    const text = `${SHIPPED.replace(/^paths:[\s\S]*$/m, '').replace(/^readTimeout: .*$/m, 'readTimeout: 1m30s')
      .replace(/^hlsSegmentMaxSize: .*$/m, 'hlsSegmentMaxSize: 1500').replace(/^hlsPartDuration: .*$/m, 'hlsPartDuration: 1.5ms')}
paths:
  cam:
    source: rtsp://u:p@cam/x
    readUser: u
    readPass: sha256:abc
    readIPs: [10.0.0.0/8, 127.0.0.1]
    runOnDemandStartTimeout: 2m
  "~^live/(.*)$":
  all:
`;
    const conf = parseConf(text, {}).conf;
    const back = confFromObject(confToObject(conf));
    assert.deepEqual(back, conf);
    assert.deepEqual(Object.keys(back.paths), ['cam', '~^live/(.*)$', 'all']);
  });

  it('writes values in the file form MediaMTX\'s API shows', () => {
    const o = confToObject(parseConf('readTimeout: 60s\nhlsSegmentMaxSize: 50M\npaths:\n  cam:\n', {}).conf);
    assert.equal(o.readTimeout, '1m0s');
    assert.equal(o.hlsSegmentMaxSize, '50M');
    assert.equal(o.paths.cam!.runOnDemandCloseAfter, '10s');
    assert.equal(Object.keys(o)[0], 'logLevel');
    assert.equal(Object.keys(o).at(-1), 'paths');
  });

  it('refuses what the file refuses, naming the key', () => {
    assert.match(messageOf(() => confFromObject({ foo: 1 })), /^unknown key 'foo'$/);
    assert.match(messageOf(() => confFromObject({ constructor: 1 })), /^unknown key 'constructor'$/);
    assert.match(messageOf(() => confFromObject({ readTimeout: 'abc' })), /^invalid value for 'readTimeout': /);
    assert.match(messageOf(() => confFromObject({ paths: { cam: { readUser: 'u' } } })), /^invalid value for 'paths\.cam\.readUser': /);
    assert.match(messageOf(() => confFromObject({ paths: { cam: { nope: 1 } } })), /^unknown key 'paths\.cam\.nope'$/);
    assert.match(messageOf(() => confFromObject({ paths: { '/x': {} } })), /^invalid path name '\/x'/);
    assert.match(messageOf(() => confFromObject([1])), /expected a map/);
  });

  it('keeps a path named __proto__ as an entry and finds no inherited member as a path', () => {
    const conf = confFromObject(JSON.parse('{"paths":{"__proto__":{"source":"publisher"}}}'));
    assert.deepEqual(Object.keys(conf.paths), ['__proto__']);
    assert.deepEqual(Object.keys(confToObject(conf).paths), ['__proto__']);
  });
});
