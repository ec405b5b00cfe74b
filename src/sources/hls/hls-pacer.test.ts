import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Format, Media } from '../../formats/index.ts';
import type { SubStream } from '../../stream/index.ts';
import { HlsPacer } from './hls-pacer.ts';

const video = { codec: 'h264', clockRate: 90_000 } as Format;
const audio = { codec: 'mpeg4Audio', clockRate: 48_000 } as Format;
const media = { kind: 'video', formats: [] } as unknown as Media;

function recorder(): { sub: SubStream; written: string[] } {
  const written: string[] = [];
  const sub = {
    writeUnit: (_m: Media, f: Format, u: { pts: number }) => { written.push(`${f.codec}@${u.pts}`); },
    writeRtpPacket: () => undefined,
  } as unknown as SubStream;
  return { sub, written };
}

describe('HLS pacer', () => {
  it('writes units when the wall clock reaches their decode time, tracks interleaved by time', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 1_000_000;
    const { sub, written } = recorder();
    const pacer = new HlsPacer(sub, () => now);
    // An fMP4 part: all its video, then all its audio.
    for (let i = 0; i < 3; i++) pacer.push(media, video, { pts: i * 3600 });
    for (let i = 0; i < 3; i++) pacer.push(media, audio, { pts: 960 + i * 960 });
    assert.deepEqual(written, ['h264@0']);
    assert.ok(Math.abs(pacer.bufferedSeconds - 0.08) < 1e-9);
    now += 20; t.mock.timers.tick(20);
    assert.deepEqual(written, ['h264@0', 'mpeg4Audio@960']);
    now += 60; t.mock.timers.tick(60);
    assert.deepEqual(written, ['h264@0', 'mpeg4Audio@960', 'h264@3600', 'mpeg4Audio@1920', 'mpeg4Audio@2880', 'h264@7200']);
    assert.equal(pacer.bufferedSeconds, 0);
    pacer.close();
  });

  it('starts its clock again after a jump of the timeline (a discontinuity)', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const now = 5_000;
    const { sub, written } = recorder();
    const pacer = new HlsPacer(sub, () => now);
    pacer.push(media, video, { pts: 0 });
    pacer.push(media, video, { pts: 3600 * 25 * 60 }); // a minute later in media time
    t.mock.timers.tick(1);
    assert.deepEqual(written, ['h264@0', `h264@${3600 * 25 * 60}`]);
    pacer.close();
  });

  it('makes the download wait on the bytes queued too, when timestamps that start over never look ahead', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 1_000_000;
    const { sub, written } = recorder();
    const pacer = new HlsPacer(sub, () => now, 1000);
    const unit = (pts: number): { pts: number; payload: Buffer } => ({ pts, payload: Buffer.alloc(600) });
    // Three "segments" of one unit, 0.5 s apart, as a server that restarts timestamps would repeat them.
    for (const pts of [0, 45_000, 90_000]) pacer.push(media, video, unit(pts));
    assert.deepEqual(written, ['h264@0']);
    let isDone = false;
    const wait = pacer.waitBelow(10, new AbortController().signal).then(() => { isDone = true; });
    await new Promise((r) => setImmediate(r));
    assert.equal(isDone, false, 'one second ahead is below ten, but 1200 queued bytes are over the bound of 1000');
    assert.equal(pacer.queuedBytes, 1200);
    now += 500; t.mock.timers.tick(500);
    await wait;
    assert.deepEqual(written, ['h264@0', 'h264@45000']);
    assert.equal(pacer.queuedBytes, 600);
    pacer.close();
    assert.equal(pacer.queuedBytes, 0);
  });
});
