import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtpPacket } from '../formats/index.ts';
import { Logger } from '../lib/index.ts';
import { FRAME_BATCH_WAIT_MS, FrameFanOut } from './frame-fan-out.ts';
import { StreamReader } from './stream-reader.ts';
import type { Unit } from './unit.ts';

const one = (seq: number, timestamp: number, marker = false): Unit => ({
  pts: timestamp, rtpPackets: [buildRtpPacket({ marker, payloadType: 96, sequenceNumber: seq, timestamp, ssrc: 7, payload: Buffer.from([0x41]) })],
});

/** A FrameFanOut with one reader whose queue records the sequence numbers of each unit it gets. */
function fanOut(isVideo: boolean): { out: FrameFanOut; got: number[][]; reader: StreamReader } {
  const out = new FrameFanOut(isVideo);
  const got: number[][] = [];
  const reader = new StreamReader({ queueSize: 64, log: Logger.silent() });
  // The reader is driven by hand here: push() queues, and its callback is what the queue would call.
  const cb = (u: Unit): void => { got.push(u.rtpPackets!.map((p) => p.sequenceNumber)); };
  reader.push = (c, u) => { void c(u); };
  out.targets.push({ reader, cb });
  return { out, got, reader };
}

describe('FrameFanOut', () => {
  it('queues a video frame once, when its last packet arrives', () => {
    const { out, got } = fanOut(true);
    for (const u of [one(1, 3000), one(2, 3000), one(3, 3000, true)]) out.write(u, u);
    assert.deepEqual(got, [[1, 2, 3]]);
    out.clear();
  });

  it('sends a batch that waits longer than FRAME_BATCH_WAIT_MS (no marker bit, the publisher stopped)', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { out, got } = fanOut(true);
    for (const u of [one(1, 3000), one(2, 3000)]) out.write(u, u);
    t.mock.timers.tick(FRAME_BATCH_WAIT_MS - 1);
    assert.deepEqual(got, []);
    t.mock.timers.tick(1);
    assert.deepEqual(got, [[1, 2]]);
    // A frame completed in time leaves no timer behind: nothing more is sent later.
    for (const u of [one(3, 6000), one(4, 6000, true)]) out.write(u, u);
    t.mock.timers.tick(FRAME_BATCH_WAIT_MS * 3);
    assert.deepEqual(got, [[1, 2], [3, 4]]);
  });

  it('queues audio units as they come, and lets the waiting packets go with the last reader', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const audio = fanOut(false);
    const a = one(1, 1024);
    audio.out.write(a, a);
    assert.deepEqual(audio.got, [[1]]);
    const video = fanOut(true);
    const v = one(5, 3000);
    video.out.write(v, v);
    assert.deepEqual(video.got, [], 'a video packet waits for its frame');
    video.out.removeReader((x) => x.reader === video.reader);
    assert.equal(video.out.targets.length, 0);
    t.mock.timers.tick(FRAME_BATCH_WAIT_MS * 2);
    assert.deepEqual(video.got, [], 'nothing is sent to a reader that left');
  });

  it('passes a view the output made (a whole access unit) at once, after what waited', () => {
    const { out, got } = fanOut(true);
    const passing = one(1, 3000);
    out.write(passing, passing);
    const unit = one(9, 6000, true);
    const made: Unit = { pts: 6000, rtpPackets: [...one(2, 6000).rtpPackets!, ...one(3, 6000, true).rtpPackets!] };
    out.write(unit, made);
    assert.deepEqual(got, [[1], [2, 3]]);
  });
});
