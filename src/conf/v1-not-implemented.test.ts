import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';

describe('v1NotImplementedParts: hooks', () => {
  it('no longer names the v1.x hooks that are built, and still names the recording ones', () => {
    const built = parseConf(`runOnDisconnect: echo bye
pathDefaults:
  runOnUnDemand: echo a
  runOnUnavailable: echo b
  runOnOnline: echo c
  runOnOnlineRestart: yes
  runOnOffline: echo d
  runOnUnread: echo e
paths:
  cam:
    runOnNotReady: echo f
`, {});
    // Only the deprecation of the old name remains.
    assert.deepEqual(built.warnings, ["parameter 'runOnNotReady' is deprecated and has been replaced with 'runOnUnavailable'"]);
    const { warnings } = parseConf('pathDefaults:\n  runOnRecordSegmentCreate: echo x\n  record: yes\n', {});
    assert.match(warnings[0] ?? '', /pathDefaults: record, runOnRecordSegmentCreate$/);
  });
});
