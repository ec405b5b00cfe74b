import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { findPathConf, isValidPathName } from './path-name.ts';

describe('findPathConf', () => {
  const conf = parseConf('paths:\n  all:\n  cam1:\n  "~^cam(\\\\d+)/(hd|sd)$":\n  "~^live/(.*)$":\n', {}).conf;
  it('prefers literal names, then regexps in file order, then all', () => {
    assert.equal(findPathConf(conf, 'cam1')!.pathConf.name, 'cam1');
    assert.deepEqual(findPathConf(conf, 'cam7/hd'), { pathConf: conf.paths['~^cam(\\d+)/(hd|sd)$'], matches: ['7', 'hd'] });
    assert.deepEqual(findPathConf(conf, 'live/x')!.matches, ['x']);
    assert.equal(findPathConf(conf, 'other')!.pathConf.name, 'all');
  });
  it('finds nothing without a match', () => {
    assert.equal(findPathConf(parseConf('paths:\n  cam:\n', {}).conf, 'x'), undefined);
  });
});

describe('isValidPathName', () => {
  for (const good of ['cam', 'a/b/c', 'my-cam_1.x']) it(`accepts ${good}`, () => assert.equal(isValidPathName(good), undefined));
  for (const bad of ['', '/cam', 'cam/', 'a//b', '../x', 'a/../b', 'a/./b', '~x', 'a b', 'a%2e', 'a\\b', 'a\0b']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.notEqual(isValidPathName(bad), undefined));
  }
});
