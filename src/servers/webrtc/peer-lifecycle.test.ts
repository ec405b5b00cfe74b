import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../lib/index.ts';
import { PeerLifecycle } from './peer-lifecycle.ts';

function lifecycle(): { l: PeerLifecycle; closes: string[]; connects: number[] } {
  const closes: string[] = [];
  const connects: number[] = [];
  const l = new PeerLifecycle({
    handshakeTimeoutMs: 1000, log: Logger.silent(), candidates: () => ({ local: '127.0.0.1:1', remote: '127.0.0.1:2' }),
    onConnected: () => connects.push(Date.now()), close: (err) => closes.push(err.message),
  });
  return { l, closes, connects };
}

describe('PeerLifecycle', () => {
  it('ends a session that never connects at the handshake deadline', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { closes } = lifecycle();
      mock.timers.tick(999);
      assert.deepEqual(closes, []);
      mock.timers.tick(1);
      assert.deepEqual(closes, ['deadline exceeded while waiting connection']);
    } finally {
      mock.timers.reset();
    }
  });

  it('connects once, forgives a disconnection that recovers, and ends one that does not', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { l, closes, connects } = lifecycle();
      l.onState('connecting');
      l.onState('connected');
      l.onState('connected');
      assert.equal(connects.length, 1);
      assert.equal(l.isConnected, true);
      mock.timers.tick(5000);
      assert.deepEqual(closes, [], 'the handshake deadline is off once connected');
      l.onState('disconnected');
      mock.timers.tick(900);
      l.onState('connected');
      mock.timers.tick(5000);
      assert.deepEqual(closes, [], 'came back within the grace period');
      l.onState('disconnected');
      mock.timers.tick(1000);
      assert.deepEqual(closes, ['peer connection disconnected']);
    } finally {
      mock.timers.reset();
    }
  });

  it('ends the session when the peer fails or closes, and ignores states after dispose()', () => {
    const a = lifecycle();
    a.l.onState('failed');
    assert.deepEqual(a.closes, ['peer connection failed']);
    a.l.dispose();
    const b = lifecycle();
    b.l.dispose();
    b.l.onState('closed');
    b.l.onState('connected');
    assert.deepEqual(b.closes, []);
    assert.equal(b.connects.length, 0);
  });
});
