import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../lib/index.ts';
import { RtspSession, type RtspSessionHost } from './rtsp-session.ts';
import { RtspSessionRegistry, type RtspSessionOwner } from './rtsp-session-registry.ts';

const host: RtspSessionHost = {
  udpRtp: undefined, udpRtcp: undefined, readBufferCount: 16, udpMaxPayloadSize: 1452, readTimeoutMs: 10_000, writeTimeoutMs: 10_000,
  acquireMulticast: () => { throw new Error('no multicast here'); },
};

function owner(): RtspSessionOwner & { closed: (Error | undefined)[] } {
  const closed: (Error | undefined)[] = [];
  return { remoteIp: '10.0.0.5', remoteAddr: '10.0.0.5:5000', log: Logger.silent(), closed, onSessionClosed: (_s, err) => { closed.push(err); } };
}

describe('RtspSessionRegistry', () => {
  it('finds sessions by id for anyone, and by id or recency only for the connection that created them', () => {
    const reg = new RtspSessionRegistry((seed) => new RtspSession({ ...seed, secure: false, host }));
    const a = owner();
    const b = owner();
    const a1 = reg.open(a);
    const a2 = reg.open(a);
    const b1 = reg.open(b);
    assert.equal(reg.size, 3);
    assert.equal(reg.get(b1.id), b1);
    assert.equal(reg.getOwned(a, a1.id), a1);
    assert.equal(reg.getOwned(a, b1.id), undefined);
    assert.deepEqual([...reg.ownedBy(a)], [a1, a2]);
    assert.equal(reg.latestOf(a), a2);
    a2.close();
    assert.equal(reg.latestOf(a), a1);
    for (const s of [a1, b1]) s.close();
  });

  it('forgets a session when it closes and tells its owner why', () => {
    const reg = new RtspSessionRegistry((seed) => new RtspSession({ ...seed, secure: false, host }));
    const a = owner();
    const s1 = reg.open(a);
    const s2 = reg.open(a);
    s1.close();
    s2.close(new Error('kicked'));
    assert.equal(reg.size, 0);
    assert.equal(reg.get(s1.id), undefined);
    assert.deepEqual([...reg.ownedBy(a)], []);
    assert.equal(reg.latestOf(a), undefined);
    assert.deepEqual(a.closed.map((e) => e?.message), [undefined, 'kicked']);
  });

  it('kicks a session by id for the API, whoever owns it, and lists the open ones', () => {
    const reg = new RtspSessionRegistry((seed) => new RtspSession({ ...seed, secure: false, host }));
    const a = owner();
    const b = owner();
    const a1 = reg.open(a);
    const b1 = reg.open(b);
    const listed = (): string => `listed: ${reg.list().map((s) => s.id).join(', ')} (a1 ${a1.id}, b1 ${b1.id})`;
    assert.deepEqual(reg.list(), [a1, b1], `oldest first; ${listed()}`);
    assert.equal(reg.kick(b1.id), true, `b1 is open; ${listed()}`);
    const reasons = b.closed.map((e) => e?.message);
    assert.deepEqual(reasons, ['kicked'], `the owner learns why: ${JSON.stringify(reasons)}`);
    assert.deepEqual(reg.list(), [a1], `b1 left the registry; ${listed()}`);
    assert.equal(reg.kick(b1.id), false, `b1 is already gone; ${listed()}`);
    assert.equal(reg.kick('no-such-id'), false, `an unknown id; ${listed()}`);
    a1.close();
  });
});
