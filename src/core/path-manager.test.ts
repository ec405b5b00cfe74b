import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../lib/index.ts';
import { parseConf, type PathConf } from '../conf/index.ts';
import { AuthError } from '../auth/index.ts';
import type { PublisherLease, StaticSourceFactory } from './contracts.ts';
import { FakeParticipant, H264_DESCRIPTION, participant, request } from './test-support/participants.ts';
import { PathManager, type Authenticator } from './path-manager.ts';
import { NoStreamAvailableError, PathBusyError, PathNotConfiguredError, InvalidPathNameError } from './errors.ts';

const desc = H264_DESCRIPTION;
const req = request;

const allowAll: Authenticator = { authenticate: async () => ({ user: '' }) };

function manager(yaml: string, auth: Authenticator = allowAll, sourceFactories: StaticSourceFactory[] = []): PathManager {
  const { conf } = parseConf(yaml, {});
  const pm = new PathManager({ paths: conf.paths, auth, log: Logger.silent(), rtspPort: 8554, sourceFactories });
  pm.start();
  return pm;
}

/** Adds a publisher and starts it, as an RTSP RECORD or an RTMP publisher with known tracks does. */
async function publish(pm: PathManager, path: string, who: FakeParticipant = participant()): Promise<PublisherLease> {
  const lease = await pm.addPublisher(req(path, 'publish'), who, desc);
  lease.start();
  return lease;
}

describe('PathManager', () => {
  it('authorize(): refuses as the joining calls would, and its request object is not checked twice (SkipAuth)', async () => {
    const checked: string[] = [];
    const auth: Authenticator = {
      authenticate: async (r) => {
        checked.push(r.pathName);
        if (r.pathName === 'locked') throw new AuthError('credentials required', true);
        return { user: 'u' };
      },
    };
    const pm = manager('paths:\n  all:\n', auth);
    await assert.rejects(pm.authorize(req('locked', 'publish')), AuthError);
    const r = req('cam', 'publish');
    await pm.authorize(r);
    const lease = await pm.addPublisher(r, participant(), desc);
    assert.equal(lease.user, 'u', 'the user authorize() found');
    assert.deepEqual(checked, ['locked', 'cam'], 'addPublisher used what authorize() found');
    lease.release();
    await pm.addPublisher(r, participant(), desc).then((l) => l.release());
    assert.deepEqual(checked, ['locked', 'cam', 'cam'], 'once: a second use of the request is checked again');
    await pm.close();
  });

  it('lets a reader read what a publisher publishes', async () => {
    const pm = manager('paths:\n  all:\n');
    const lease = await publish(pm, 'cam');
    const r = await pm.addReader(req('cam'), participant());
    assert.equal(r.stream, lease.stream);
    await pm.close();
  });

  it('describes without a wait only what describe() would answer with a stream at once', async () => {
    let verdict: { user: string } | undefined = { user: '' };
    const auth: Authenticator = { authenticate: async () => ({ user: '' }), allowedNow: () => verdict };
    const pm = manager('paths:\n  r:\n    source: redirect\n    sourceRedirect: rtsp://example.org/x\n  all:\n', auth);
    const lease = await publish(pm, 'cam');
    assert.equal(pm.describeNow(req('never')), undefined, 'a name not matched yet goes through describe()');
    assert.deepEqual(await pm.describe(req('cam')), { stream: lease.stream });
    assert.deepEqual(pm.describeNow(req('cam')), { stream: lease.stream });
    verdict = undefined;
    assert.equal(pm.describeNow(req('cam')), undefined, 'authentication that cannot allow at once decides in describe()');
    verdict = { user: '' };
    await assert.rejects(pm.describe(req('empty')), NoStreamAvailableError);
    assert.equal(pm.describeNow(req('empty')), undefined, 'no stream: describe() says why');
    await pm.describe(req('r'));
    assert.equal(pm.describeNow(req('r')), undefined, 'a redirect');
    lease.release();
    assert.equal(pm.describeNow(req('cam')), undefined, 'the publisher left');
    assert.equal(manager('paths:\n  all:\n').describeNow(req('cam')), undefined, 'an authenticator without allowedNow');
    await pm.close();
  });

  it('keeps an announced publisher unreadable until it starts (ANNOUNCE without RECORD)', async () => {
    const pm = manager('paths:\n  all:\n');
    const lease = await pm.addPublisher(req('cam', 'publish'), participant(), desc);
    await assert.rejects(pm.describe(req('cam')), NoStreamAvailableError, 'DESCRIBE before start');
    await assert.rejects(pm.addReader(req('cam'), participant()), NoStreamAvailableError, 'reader before start');
    lease.start();
    const r = await pm.addReader(req('cam'), participant());
    assert.equal(r.stream, lease.stream);
    await pm.close();
  });

  it('lets a waiting on-demand reader in only when the publisher starts', async () => {
    const pm = manager('paths:\n  cam:\n    runOnDemand: sleep 30\n    runOnDemandStartTimeout: 5s\n');
    let got: unknown;
    const reading = pm.addReader(req('cam'), participant()).then((r) => { got = r; });
    const lease = await pm.addPublisher(req('cam', 'publish'), participant(), desc);
    await new Promise((r) => setImmediate(r));
    assert.equal(got, undefined, 'the reader waits while the publisher has only announced');
    lease.start();
    await reading;
    assert.ok(got, 'the reader got the stream after start');
    await pm.close();
  });

  it('refuses paths that are not configured and invalid names', async () => {
    const pm = manager('paths:\n  cam:\n');
    await assert.rejects(pm.addPublisher(req('other', 'publish'), participant(), desc), PathNotConfiguredError);
    await assert.rejects(pm.describe(req('../etc')), InvalidPathNameError);
    await pm.close();
  });

  it('answers a reader of an empty path with NoStreamAvailableError and creates no path', async () => {
    const pm = manager('paths:\n  all:\n');
    await assert.rejects(pm.describe(req('nobody')), NoStreamAvailableError);
    await assert.rejects(pm.addReader(req('nobody'), participant()), NoStreamAvailableError);
    assert.equal(pm.list().length, 0);
    await pm.close();
  });

  it('kicks the first publisher when a second one arrives', async () => {
    const pm = manager('paths:\n  all:\n');
    const first = participant();
    await publish(pm, 'cam', first);
    const reader = participant();
    await pm.addReader(req('cam'), reader);
    await publish(pm, 'cam');
    assert.ok(first.closedWith);
    assert.ok(reader.closedWith, 'readers of the old stream are closed');
    await pm.close();
  });

  it('keeps a dynamic path whose publisher is replaced: readers find the new publisher', async () => {
    const pm = manager('paths:\n  all:\n');
    await publish(pm, 'cam');
    const second = await publish(pm, 'cam');
    assert.deepEqual(pm.list().map((p) => [p.name, p.sourceReady]), [['cam', true]]);
    const r = await pm.addReader(req('cam'), participant());
    assert.equal(r.stream, second.stream);
    await pm.close();
  });

  it('refuses a second publisher with disablePublisherOverride', async () => {
    const pm = manager('paths:\n  all:\n    disablePublisherOverride: yes\n');
    const first = participant();
    await pm.addPublisher(req('cam', 'publish'), first, desc);
    await assert.rejects(pm.addPublisher(req('cam', 'publish'), participant(), desc), PathBusyError);
    assert.equal(first.closedWith, undefined);
    await pm.close();
  });

  it('closes readers when the publisher leaves and lets a new publisher in at once', async () => {
    const pm = manager('paths:\n  all:\n');
    const lease = await publish(pm, 'cam');
    const reader = participant();
    await pm.addReader(req('cam'), reader);
    lease.release();
    assert.ok(reader.closedWith);
    await pm.addPublisher(req('cam', 'publish'), participant(), desc);
    await pm.close();
  });

  it('removes a dynamic path when it is idle but keeps literal paths', async () => {
    const pm = manager('paths:\n  fixed:\n  all:\n');
    const a = await pm.addPublisher(req('dyn', 'publish'), participant(), desc);
    const b = await pm.addPublisher(req('fixed', 'publish'), participant(), desc);
    assert.deepEqual(pm.list().map((p) => p.name).sort(), ['dyn', 'fixed']);
    a.release();
    b.release();
    assert.deepEqual(pm.list().map((p) => p.name), ['fixed']);
    await pm.close();
  });

  it('authenticates before creating any path', async () => {
    const deny: Authenticator = { authenticate: async () => { throw new AuthError('denied', false); } };
    const pm = manager('paths:\n  all:\n', deny);
    await assert.rejects(pm.addPublisher(req('cam', 'publish'), participant(), desc), AuthError);
    assert.equal(pm.list().length, 0);
    await pm.close();
  });

  it('passes the path conf of the matching regexp path to authentication', async () => {
    const seen: PathConf[] = [];
    const auth: Authenticator = { authenticate: async (_r, pc) => { seen.push(pc); return { user: '' }; } };
    const pm = manager('paths:\n  "~^cam(\\\\d+)$":\n  all:\n', auth);
    await pm.addPublisher(req('cam12', 'publish'), participant(), desc);
    await pm.addPublisher(req('other', 'publish'), participant(), desc);
    assert.deepEqual(seen.map((p) => p.name), ['~^cam(\\d+)$', 'all']);
    await pm.close();
  });

  it('redirects readers of a redirect path and of an empty path with fallback', async () => {
    const pm = manager('paths:\n  r:\n    source: redirect\n    sourceRedirect: rtsp://example.org/x\n  f:\n    fallback: /other\n');
    assert.deepEqual(await pm.describe(req('r')), { redirect: 'rtsp://example.org/x' });
    assert.deepEqual(await pm.describe(req('f')), { redirect: '/other' });
    await pm.close();
  });
});
