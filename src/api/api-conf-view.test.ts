import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from '../conf/index.ts';
import { confView, pathConfView, PASSWORD_MASK } from './api-conf-view.ts';
import { planConfChange } from './api-conf-change.ts';

// An unsalted sha256 of a weak password is reversed in seconds: upstream's API (internal/api/api.go, redactCredentials)
// masks every non-empty password, hashed or not.
const HASH = 'sha256:BdSWkrdV+ZxFBLUQQY7+7uv9RmiSVA8nrPmjGjJtZQQ=';
const FILE = `paths:\n  cam:\n    publishUser: admin\n    publishPass: ${HASH}\n    readUser: viewer\n    readPass: ${HASH}\n`;

describe('v1 configuration view', () => {
  it('masks sha256-hashed passwords as it masks plain ones, and keeps them when the masked entry is sent back', () => {
    const { conf } = parseConf(FILE, {});
    const shown = confView(conf) as { paths: Record<string, Record<string, unknown>> };
    assert.equal(shown.paths.cam!.publishPass, PASSWORD_MASK);
    assert.equal(shown.paths.cam!.readPass, PASSWORD_MASK);
    assert.equal(pathConfView(conf.paths.cam!).readPass, PASSWORD_MASK);
    assert.ok(!JSON.stringify(shown).includes('BdSWkrdV'), 'the hash must not be readable');
    // Sending the masked entry back keeps the stored hashes.
    const echoed = pathConfView(conf.paths.cam!);
    const { next } = planConfChange(conf, { kind: 'editPath', name: 'cam', patch: { ...echoed, readUser: 'viewer2' } });
    assert.equal(next.paths.cam!.readPass, HASH);
    assert.equal(next.paths.cam!.publishPass, HASH);
    assert.equal(next.paths.cam!.readUser, 'viewer2');
  });
});
