import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfAuthAction, ConfAuthPermission } from '../conf/index.ts';
import { matchesPermission } from './permission.ts';

const p = (action: ConfAuthAction, path = ''): ConfAuthPermission => ({ action, path });

// [permissions, action, path, allowed]: MediaMTX HEAD internal/auth matchesPermission.
const VECTORS: [ConfAuthPermission[], ConfAuthAction, string, boolean][] = [
  [[], 'read', 'cam', false],
  [[p('read')], 'read', 'cam', true],
  [[p('read')], 'publish', 'cam', false],
  [[p('read', 'cam')], 'read', 'cam', true],
  [[p('read', 'cam')], 'read', 'cam2', false],
  [[p('read', 'cam')], 'read', 'Cam', false],
  [[p('publish', 'a/b')], 'publish', 'a/b', true],
  // `~regex`: Go's MatchString is unanchored.
  [[p('read', '~^cam[0-9]+$')], 'read', 'cam12', true],
  [[p('read', '~^cam[0-9]+$')], 'read', 'cam', false],
  [[p('read', '~cam')], 'read', 'mycamera', true],
  [[p('read', '~^.*$')], 'read', 'anything/at/all', true],
  [[p('playback', '~^rec/')], 'playback', 'rec/1', true],
  [[p('playback', '~^rec/')], 'playback', 'live/1', false],
  // An invalid regexp matches nothing, and the next permission is still tried.
  [[p('read', '~(')], 'read', '(', false],
  [[p('read', '~('), p('read', 'cam')], 'read', 'cam', true],
  // api/metrics/pprof ignore the path.
  [[p('api')], 'api', '', true],
  [[p('api', 'cam')], 'api', '', true],
  [[p('metrics', 'unused')], 'metrics', 'x', true],
  [[p('api')], 'metrics', '', false],
  [[p('pprof')], 'pprof', '', true],
  // A literal path is not a prefix.
  [[p('publish', 'cam')], 'publish', 'cam/sub', false],
  [[p('read', 'cam'), p('publish', 'cam')], 'publish', 'cam', true],
];

describe('matchesPermission', () => {
  it('matches actions and literal, empty and ~regex paths as MediaMTX HEAD', () => {
    for (const [perms, action, pathName, want] of VECTORS) {
      assert.equal(matchesPermission(perms, { action, pathName }), want, `${JSON.stringify(perms)} ${action} ${pathName}`);
    }
  });
});
