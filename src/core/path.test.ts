import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../lib/index.ts';
import { parseConf } from '../conf/index.ts';
import { H264_DESCRIPTION, participant } from './test-support/participants.ts';
import { Path, type PathObserver } from './path.ts';
import { NoStreamAvailableError } from './errors.ts';
import { streamCode } from './stream-code.ts';

const observer: PathObserver = { onIdle: () => {}, onReady: () => {}, onNotReady: () => {}, onReaderAdded: () => {}, onReaderRemoved: () => {} };

/** A literal path of `yaml`'s entry `cam`, not started. */
function path(yaml = 'paths:\n  cam:\n'): Path {
  const conf = parseConf(yaml, {}).conf.paths.cam!;
  return new Path({ name: 'cam', conf, matches: [], log: Logger.silent(), rtspPort: 8554, createSource: () => undefined, observer });
}

describe('Path', () => {
  it('refuses a reader whose stream went away while it was joining, instead of attaching it to the dead stream', async () => {
    await streamCode.load();
    const p = path();
    const lease = p.addPublisher(participant(), H264_DESCRIPTION, '');
    lease.start();
    const joining = p.addReader(participant(), '', '');
    lease.release(); // the publisher leaves before the reader's join has resumed
    await assert.rejects(joining, NoStreamAvailableError);
    assert.deepEqual(p.readerList, []);
    assert.ok(p.isIdle());
    await p.close();
  });
});
