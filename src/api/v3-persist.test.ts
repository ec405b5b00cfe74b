import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from '../conf/index.ts';
import { planConfChange, type ConfChange } from './api-conf-change.ts';
import { editConfText } from './conf-file-writer.ts';

/** The file after a change planned on it, written back as apiPersist does. */
function written(text: string, change: ConfChange): string {
  return editConfText(text, planConfChange(parseConf(text, {}).conf, change).edit);
}

describe('v3 changes written back to the file (apiPersist)', () => {
  it('writes v1.x names, replacing the other era\'s name of the same setting', () => {
    const text = '# my server\nrtspDisable: no   # keep RTSP\nwriteQueueSize: 512\npaths:\n  cam:\n    sourceProtocol: udp\n';
    const g = written(text, { kind: 'set', patch: { rtsp: false, writeQueueSize: 1024 }, fileNames: 'v1.x' });
    assert.match(g, /^rtsp: no$/m); // the writer's boolean style (yes/no), read by both eras
    assert.match(g, /^writeQueueSize: 1024/m);
    assert.doesNotMatch(g, /rtspDisable/);
    assert.match(g, /# my server/);
    assert.equal(parseConf(g, {}).conf.rtspDisable, true);
    const p = written(text, { kind: 'editPath', name: 'cam', patch: { rtspTransport: 'tcp' }, fileNames: 'v1.x' });
    assert.match(p, /^ {4}rtspTransport: tcp$/m);
    assert.doesNotMatch(p, /sourceProtocol/);
  });

  it('writes a pathDefaults change into a pathDefaults section (created when missing)', () => {
    const text = 'logLevel: info\npaths:\n  cam:\n';
    const out = written(text, { kind: 'pathDefaults', patch: { maxReaders: 3, overridePublisher: false }, fileNames: 'v1.x' });
    const c = parseConf(out, {}).conf;
    assert.deepEqual([c.pathDefaults.maxReaders, c.pathDefaults.disablePublisherOverride, c.paths.cam!.maxReaders], [3, true, 3]);
    assert.match(out, /^pathDefaults:\n {2}maxReaders: 3\n {2}overridePublisher: no\npaths:/m);
    const again = written(out, { kind: 'pathDefaults', patch: { maxReaders: 5 }, fileNames: 'v1.x' });
    assert.equal(parseConf(again, {}).conf.pathDefaults.maxReaders, 5);
    assert.equal((again.match(/pathDefaults:/g) ?? []).length, 1);
  });

  it('keeps v0.22 names for v1 changes', () => {
    const out = written('rtspDisable: no\n', { kind: 'set', patch: { rtspDisable: true } });
    assert.match(out, /^rtspDisable: yes$/m);
  });
});
