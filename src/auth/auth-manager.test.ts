import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Logger } from '../lib/index.ts';
import { defaultPathConf, type PathConf } from '../conf/index.ts';
import type { AccessRequest, Credentials } from './access-request.ts';
import { plain, refusal, TIMER_SLACK_MS } from './test-support/refusal.ts';
import { AuthManager, logSafeUser } from './auth-manager.ts';

const FAST_FAIL = { min: 50, max: 60 };
const PASSWORD = 'Hunter2-secret';

function hashed(v: string): string { return `sha256:${createHash('sha256').update(v).digest('base64')}`; }

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: Logger.create({ level: 'debug', destinations: [], sink: (l) => lines.push(l) }), lines };
}

function manager(log = Logger.silent()): AuthManager {
  return new AuthManager({ externalAuthenticationURL: '', readTimeoutMs: 1000, log, failDelayMs: FAST_FAIL });
}

function pathConf(over: Partial<PathConf>): PathConf { return { ...defaultPathConf('cam'), ...over }; }

function request(over: Partial<AccessRequest> = {}, credentials?: Credentials): AccessRequest {
  return { pathName: 'cam', query: '', protocol: 'rtsp', action: 'read', ip: '127.0.0.1', ...over, ...(credentials ? { credentials } : {}) };
}



describe('AuthManager (internal)', () => {
  it('allows anyone when the path has no IP list and no user', async () => {
    assert.deepEqual(await manager().authenticate(request(), pathConf({})), { user: '' });
    assert.deepEqual(await manager().authenticate(request({ action: 'publish' }, plain('x', 'y')), pathConf({})), { user: 'x' });
  });

  it('allows at once (allowedNow) exactly what the internal rules let in, and leaves refusals and other methods to authenticate()', () => {
    const m = manager();
    const pc = pathConf({ readIPs: ['10.0.0.0/8'], readUser: 'bob', readPass: 'pw' });
    assert.deepEqual(m.allowedNow(request({ ip: '10.0.0.1' }, plain('bob', 'pw')), pc), { user: 'bob' });
    assert.equal(m.allowedNow(request({ ip: '10.0.0.1' }, plain('bob', 'nope')), pc), undefined, 'wrong password');
    assert.equal(m.allowedNow(request({ ip: '10.0.0.1' }), pc), undefined, 'no credentials');
    assert.equal(m.allowedNow(request({ ip: '192.168.0.1' }, plain('bob', 'pw')), pc), undefined, 'IP not allowed');
    assert.deepEqual(m.allowedNow(request(), pathConf({})), { user: '' });
    const external = new AuthManager({ externalAuthenticationURL: 'http://127.0.0.1:9/auth', readTimeoutMs: 1000, log: Logger.silent(), failDelayMs: FAST_FAIL });
    assert.equal(external.allowedNow(request(), pathConf({})), undefined, 'external authentication always asks its server');
    m.close();
    assert.equal(m.allowedNow(request(), pathConf({})), undefined, 'closed');
  });

  it('applies readIPs to readers and publishIPs to publishers, IPv4-mapped addresses included', async () => {
    const pc = pathConf({ readIPs: ['10.0.0.0/8'], publishIPs: ['192.168.0.5', '2001:db8::/32'] });
    const m = manager();
    await m.authenticate(request({ ip: '10.1.2.3' }), pc);
    await m.authenticate(request({ ip: '::ffff:10.1.2.3' }), pc);
    await m.authenticate(request({ ip: '192.168.0.5', action: 'publish' }), pc);
    await m.authenticate(request({ ip: '2001:db8::7', action: 'publish' }), pc);
    const { err } = await refusal(m.authenticate(request({ ip: '192.168.0.5' }), pc));
    assert.equal(err.askCredentials, false);
    assert.match(err.message, /IP not allowed/);
    await refusal(m.authenticate(request({ ip: '10.1.2.3', action: 'publish' }), pc));
  });

  it('checks the IP list before the credentials', async () => {
    const pc = pathConf({ readIPs: ['10.0.0.1'], readUser: 'bob', readPass: 'pw' });
    const { err } = await refusal(manager().authenticate(request({ ip: '10.0.0.2' }, plain('bob', 'pw')), pc));
    assert.equal(err.askCredentials, false);
    await manager().authenticate(request({ ip: '10.0.0.1' }, plain('bob', 'pw')), pc);
  });

  it('accepts plain and sha256 stored users and passwords, per action', async () => {
    const m = manager();
    for (const [u, p] of [['bob', PASSWORD], [hashed('bob'), PASSWORD], ['bob', hashed(PASSWORD)], [hashed('bob'), hashed(PASSWORD)]]) {
      const pc = pathConf({ publishUser: u!, publishPass: p!, readUser: 'reader', readPass: 'rpw' });
      assert.deepEqual(await m.authenticate(request({ action: 'publish' }, plain('bob', PASSWORD)), pc), { user: 'bob' });
      await m.authenticate(request({}, plain('reader', 'rpw')), pc);
      await refusal(m.authenticate(request({}, plain('bob', PASSWORD)), pc));
    }
  });

  it('says a refusal needs a plain password when the stored user or password is a sha256 hash', async () => {
    const m = manager();
    for (const [u, p, wanted] of [['bob', 'pw', false], [hashed('bob'), 'pw', true], ['bob', hashed('pw'), true]] as const) {
      const pc = pathConf({ readUser: u, readPass: p });
      const asked = await refusal(m.authenticate(request(), pc));
      assert.equal(asked.err.askCredentials, true, `no credentials, stored ${u}/${p}`);
      assert.equal(asked.err.needsPlainPassword, wanted, `challenge for stored ${u}/${p}`);
      const wrong = await refusal(m.authenticate(request({}, plain('bob', 'nope')), pc));
      assert.equal(wrong.err.needsPlainPassword, wanted, `wrong password, stored ${u}/${p}`);
    }
  });

  it('switches between internal and external authentication when updated', async () => {
    const m = manager();
    const pc = pathConf({ readUser: 'bob', readPass: 'pw' });
    await m.authenticate(request({}, plain('bob', 'pw')), pc);
    m.update({ externalAuthenticationURL: 'ftp://not-http/', readTimeoutMs: 1000 });
    const { err } = await refusal(m.authenticate(request({}, plain('bob', 'pw')), pc));
    assert.match(err.message, /invalid externalAuthenticationURL/, 'the external server is asked now');
    m.update({ externalAuthenticationURL: '', readTimeoutMs: 1000 });
    await m.authenticate(request({}, plain('bob', 'pw')), pc);
  });

  it('checks Digest credentials through verify against a plain stored password', async () => {
    const pc = pathConf({ readUser: 'bob', readPass: 'pw' });
    const tried: string[] = [];
    const digest = (ok: boolean): Credentials => ({ kind: 'digest', user: 'bob', verify: (p) => { tried.push(p); return ok; } });
    await manager().authenticate(request({}, digest(true)), pc);
    assert.deepEqual(tried, ['pw']);
    await refusal(manager().authenticate(request({}, digest(false)), pc));
    await refusal(manager().authenticate(request({}, digest(true)), pathConf({ readUser: 'bob', readPass: hashed('pw') })));
  });

  it('asks for credentials at once, without logging a failure, when a client sent none', async () => {
    const { log, lines } = capture();
    const pc = pathConf({ readUser: 'bob', readPass: 'pw' });
    const m = new AuthManager({ externalAuthenticationURL: '', readTimeoutMs: 1000, log, failDelayMs: { min: 3000, max: 3000 } });
    for (const cred of [undefined, plain('', '')]) {
      const { err, ms } = await refusal(m.authenticate(request({}, cred), pc));
      assert.equal(err.askCredentials, true);
      assert.ok(ms < 1000, `took ${ms} ms`);
    }
    assert.deepEqual(lines, []);
  });

  it('delays and logs wrong credentials, without the password', async () => {
    const { log, lines } = capture();
    const m = new AuthManager({ externalAuthenticationURL: '', readTimeoutMs: 1000, log, failDelayMs: FAST_FAIL });
    const pc = pathConf({ readUser: 'bob', readPass: 'right' });
    const { err, ms } = await refusal(m.authenticate(request({ ip: '192.0.2.7' }, plain('bob', PASSWORD)), pc));
    assert.equal(err.askCredentials, false);
    assert.ok(ms >= 50 - TIMER_SLACK_MS, `refused after ${ms} ms`);
    assert.ok(!err.message.includes(PASSWORD));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /WAR \[auth\] authentication failed for 'bob' from 192\.0\.2\.7: invalid credentials$/);
    // A password with no user (VLC's second try) is an attempt too.
    const second = await refusal(m.authenticate(request({}, plain('', PASSWORD)), pc));
    assert.equal(second.err.askCredentials, false);
    assert.ok(second.ms >= 50 - TIMER_SLACK_MS, `refused after ${second.ms} ms`);
    assert.ok(lines.every((l) => !l.includes(PASSWORD)), lines.join('\n'));
  });

  it('spreads failure delays over [min, max]', async () => {
    const m = new AuthManager({ externalAuthenticationURL: '', readTimeoutMs: 1000, log: Logger.silent(), failDelayMs: { min: 20, max: 120 } });
    const pc = pathConf({ readUser: 'bob', readPass: 'right' });
    const times = await Promise.all(Array.from({ length: 12 }, async () => (await refusal(m.authenticate(request({}, plain('bob', 'x')), pc))).ms));
    assert.ok(times.every((t) => t >= 20 - TIMER_SLACK_MS), times.join(','));
    assert.ok(Math.max(...times) - Math.min(...times) > 5, `all delays equal: ${times.join(',')}`);
  });

  it('ends pending failure delays on close and refuses afterwards', async () => {
    const m = new AuthManager({ externalAuthenticationURL: '', readTimeoutMs: 1000, log: Logger.silent(), failDelayMs: { min: 5000, max: 5000 } });
    const pc = pathConf({ readUser: 'bob', readPass: 'right' });
    const pending = refusal(m.authenticate(request({}, plain('bob', 'x')), pc));
    setImmediate(() => m.close());
    assert.ok((await pending).ms < 1000);
    await refusal(m.authenticate(request(), pathConf({})));
  });

  it('renders hostile user names so they cannot forge log lines or fail2ban matches', () => {
    assert.equal(logSafeUser('bob'), "'bob'");
    assert.equal(logSafeUser("x' from 10.0.0.1: ok\nWAR"), "'x%27%20from%2010.0.0.1%3A%20ok%0AWAR'");
    assert.equal(logSafeUser('a'.repeat(100)), `'${'a'.repeat(64)}…'`);
  });
});
