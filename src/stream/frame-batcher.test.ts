import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildRtpPacket, type RtpPacket } from '../formats/index.ts';
import { FRAME_BATCH_MAX_PACKETS, FrameBatcher } from './frame-batcher.ts';
import type { Unit } from './unit.ts';

function pkt(seq: number, timestamp: number, marker = false): RtpPacket {
  return buildRtpPacket({ marker, payloadType: 96, sequenceNumber: seq, timestamp, ssrc: 7, payload: Buffer.from([0x41, seq & 0xff]) });
}

/** A publisher's packet as it passes through the stream: a unit of one packet. */
const one = (seq: number, timestamp: number, marker = false, extra: Partial<Unit> = {}): Unit => ({ pts: timestamp, rtpPackets: [pkt(seq, timestamp, marker)], ...extra });
const seqs = (units: readonly Unit[]): number[][] => units.map((u) => (u.rtpPackets ?? []).map((p) => p.sequenceNumber));

describe('FrameBatcher', () => {
  it('holds a frame\'s packets until the one with the marker bit, then gives them as one unit', () => {
    const b = new FrameBatcher();
    const ntp = new Date(5000);
    assert.deepEqual(b.add(one(1, 3000, false, { ntp, randomAccess: true }), false), []);
    assert.deepEqual(b.add(one(2, 3000), false), []);
    assert.equal(b.pending, 2);
    const [frame, ...rest] = b.add(one(3, 3000, true), false);
    assert.deepEqual(rest, []);
    assert.deepEqual(seqs([frame!]), [[1, 2, 3]]);
    assert.equal(frame!.pts, 3000);
    assert.equal(frame!.ntp, ntp, 'the first unit\'s wall-clock time');
    assert.equal(frame!.randomAccess, true, 'a random access point when any of its units was one');
    assert.equal(b.pending, 0);
  });

  it('gives a one-packet frame as the unit that came, without a copy', () => {
    const b = new FrameBatcher();
    const u = one(1, 3000, true);
    assert.equal(b.add(u, false)[0], u);
  });

  it('ends a frame where the RTP timestamp changes when the publisher sets no marker bit', () => {
    const b = new FrameBatcher();
    b.add(one(1, 3000), false);
    b.add(one(2, 3000), false);
    assert.deepEqual(seqs(b.add(one(3, 6000), false)), [[1, 2]]);
    assert.deepEqual(seqs(b.add(one(4, 6000, true), false)), [[3, 4]]);
  });

  it('gives a frame in pieces of at most FRAME_BATCH_MAX_PACKETS packets', () => {
    const b = new FrameBatcher();
    const out: Unit[] = [];
    for (let i = 0; i < FRAME_BATCH_MAX_PACKETS * 2 + 3; i++) out.push(...b.add(one(i, 3000), false));
    assert.deepEqual(out.map((u) => u.rtpPackets!.length), [FRAME_BATCH_MAX_PACKETS, FRAME_BATCH_MAX_PACKETS]);
    assert.equal(b.pending, 3);
  });

  it('passes whole units (packets the stream made) after the packets waiting before them', () => {
    const b = new FrameBatcher();
    b.add(one(1, 3000), false);
    const whole: Unit = { pts: 6000, rtpPackets: [pkt(2, 6000), pkt(3, 6000, true)] };
    const out = b.add(whole, true);
    assert.deepEqual(seqs(out), [[1], [2, 3]]);
    assert.equal(out[1], whole);
    const bare: Unit = { pts: 9000 };
    assert.equal(b.add(bare, false)[0], bare, 'a unit without packets goes as it is');
  });

  it('forgets what waits on clear()', () => {
    const b = new FrameBatcher();
    b.add(one(1, 3000), false);
    b.clear();
    assert.equal(b.pending, 0);
    assert.deepEqual(seqs(b.add(one(2, 3000, true), false)), [[2]]);
  });

  it('gives every packet once, in order, in frames of one timestamp, whatever the markers and timestamps', () => {
    const step = fc.record({ marker: fc.boolean(), newFrame: fc.boolean(), whole: fc.integer({ min: 0, max: 9 }) });
    fc.assert(fc.property(fc.array(step, { maxLength: 600 }), (steps) => {
      const b = new FrameBatcher();
      const out: Unit[] = [];
      let ts = 0;
      let seq = 0;
      for (const s of steps) {
        if (s.newFrame) ts += 3000;
        if (s.whole === 0) {
          // Now and then a unit the stream packetized itself: a whole frame of its own.
          out.push(...b.add({ pts: ts, rtpPackets: [pkt(seq++, ts), pkt(seq++, ts, true)] }, true));
        } else {
          out.push(...b.add(one(seq++, ts, s.marker), false));
        }
      }
      const flushed = [...out.flatMap((u) => u.rtpPackets!.map((p) => p.sequenceNumber))];
      // What is still waiting is the tail; together they are every packet in order.
      assert.equal(flushed.length + b.pending, seq);
      assert.deepEqual(flushed, [...Array(flushed.length).keys()]);
      for (const u of out) {
        assert.ok(u.rtpPackets!.length <= FRAME_BATCH_MAX_PACKETS);
        assert.ok(u.rtpPackets!.every((p) => p.timestamp === u.rtpPackets![0]!.timestamp), 'a unit never spans two timestamps');
        assert.ok(u.rtpPackets!.slice(0, -1).every((p) => !p.marker), 'a marker bit ends its unit');
      }
    }));
  });
});
