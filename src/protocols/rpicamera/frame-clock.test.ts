import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RpiCameraFrameClock } from './frame-clock.ts';

describe('RpiCameraFrameClock', () => {
  it('spaces frames that arrive on time by the frame rate', () => {
    const c = new RpiCameraFrameClock(30);
    const pts = [0, 1, 2, 3].map((i) => c.next(1000 + (i * 1000) / 30));
    assert.deepEqual(pts, [0, 3000, 6000, 9000]);
  });

  it('keeps jitter out of the timestamps', () => {
    const c = new RpiCameraFrameClock(25);
    const arrivals = [0, 45, 75, 125, 155, 205];
    const steps = arrivals.map((ms) => c.next(ms)).slice(1).map((p, i, a) => p - (i === 0 ? 0 : a[i - 1]!));
    for (const s of steps) assert.ok(Math.abs(s - 3600) < 600, `step ${s} stays near 3600 ticks`);
  });

  it('jumps to the arrival time after a stall, and increases strictly in a burst', () => {
    const c = new RpiCameraFrameClock(30);
    c.next(0);
    assert.equal(c.next(5000), 450_000);
    const burst = [c.next(5000), c.next(5000), c.next(5000)];
    assert.ok(burst[0]! > 450_000 && burst[1]! > burst[0]! && burst[2]! > burst[1]!, `${burst}`);
  });

  it('follows a camera that runs slower than configured', () => {
    const c = new RpiCameraFrameClock(30);
    let pts = 0;
    for (let i = 0; i <= 200; i++) pts = c.next((i * 1000) / 20); // 20 fps for 10 s
    assert.ok(Math.abs(pts - 900_000) < 20_000, `pts ${pts} near 10 s`);
  });
});
