import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HlsMuxer, type HlsVariant } from './index.ts';
import { checkMediaPlaylist } from './test-support/hls-oracle.ts';
import { checkIndependentSegments, fmp4Segments, runChecked, segmentDurations } from './test-support/hls-run.ts';
import { aacUnits, FakeClock, get, h264AacDescription, interleave, testOptions, textOf, videoUnits, type TimedUnit } from './test-support/hls-units.ts';

// A stream flowing for 20 s, 25 fps, a key frame every 2 s. A muxer is created at `joinMs`: the server first writes
// it the GOP cache (every unit since the last key frame, at once), then the live units at their pace.
const GOP_MS = 2000;

function join(variant: HlsVariant, joinMs: number, instantStart: boolean): { m: HlsMuxer; clock: FakeClock; live: TimedUnit[]; origin: number } {
  const clock = new FakeClock();
  const origin = clock.ms;
  const { desc, video, audio } = h264AacDescription();
  const units = interleave(videoUnits(video, 500, { gopFrames: 50 }), aacUnits(audio, 940));
  const keyMs = Math.floor(joinMs / GOP_MS) * GOP_MS;
  clock.ms = origin + joinMs;
  const m = new HlsMuxer(desc, testOptions(clock, { variant, segmentCount: variant === 'lowLatency' ? 7 : 3, instantStart }));
  for (const u of units.filter((x) => x.atMs >= keyMs && x.atMs <= joinMs)) m.writeUnit(u.format, u.unit); // the GOP cache
  return { m, clock, live: units.filter((x) => x.atMs > joinMs), origin };
}

/** Feeds live units until the muxer can serve a playlist; returns how long after its creation that was. */
function waitReady(s: ReturnType<typeof join>): number {
  for (const u of s.live) {
    if (s.m.stats().readyMs !== undefined) break;
    s.clock.ms = s.origin + u.atMs;
    s.m.writeUnit(u.format, u.unit);
  }
  const st = s.m.stats();
  return st.readyMs! - st.createdMs;
}

describe('instant start from the GOP cache', () => {
  for (const variant of ['lowLatency', 'mpegts'] as const) {
    it(`${variant}: the first playlist comes with the first live frame after the cache, its segment the whole cache`, async () => {
      const s = join(variant, 11_300, true);
      assert.ok(waitReady(s) <= 40, 'ready one frame after the cache (it would wait for the key frame at 12 s without instant start)');
      assert.equal(s.m.stats().backlogMs, 1300); // from the key frame at 10 s to 11.3 s, written at once
      const text = await textOf(await get(s.m, 'stream.m3u8'));
      checkMediaPlaylist(text);
      assert.deepEqual(segmentDurations(text), [1.32]);
      s.m.close();
    });
  }

  it('fmp4 (two segments before a playlist, as gohlslib): the cache, then a part duration of live', () => {
    const s = join('fmp4', 11_300, true);
    const waited = waitReady(s);
    assert.ok(waited >= 200 && waited <= 240, `ready ${waited} ms after its creation`);
  });

  it('without instant start the first playlist waits for the next key frame (MediaMTX\'s behaviour)', () => {
    assert.equal(waitReady(join('lowLatency', 11_300, false)), 700);
  });

  it('a cache of one frame: the first segment lasts three part durations with Low-Latency (PART-HOLD-BACK is 2.5), one otherwise', () => {
    const ll = waitReady(join('lowLatency', 10_000, true));
    assert.ok(ll >= 600 && ll <= 640, `Low-Latency ready ${ll} ms after its creation`);
    const ts = waitReady(join('mpegts', 10_000, true));
    assert.ok(ts >= 200 && ts <= 240, `MPEG-TS ready ${ts} ms after its creation`);
  });

  it('the segment after the early cut starts without a key frame and ends at the next one; playlists stay valid', async () => {
    const s = join('lowLatency', 11_300, true);
    const last = (await runChecked(s.m, s.clock, s.live.filter((u) => u.atMs < 18_100), s.origin)).at(-1)!;
    assert.deepEqual(segmentDurations(last), [1.32, 0.68, 2, 2, 2]);
    assert.equal(checkMediaPlaylist(last).targetDuration, 2);
    const pl = checkMediaPlaylist(last);
    assert.deepEqual(pl.segments.find((x) => x.uri.endsWith('_seg8.mp4'))?.parts, [], 'parts only for the last two segments');
    const segments = await fmp4Segments(s.m, last);
    const firstSync = segments.map((x) => x.parts[0]!.tracks[0]!.samples[0]!.isSync);
    assert.deepEqual(firstSync, [true, false, true, true, true]);
    assert.equal(await checkIndependentSegments(s.m, last), false, 'index.m3u8 does not promise independent segments while one starts without a key frame');
    s.m.close();
  });

  it('EXT-X-INDEPENDENT-SEGMENTS comes back once the segment after the early cut has left the playlist', async () => {
    const s = join('lowLatency', 3_300, true); // then 16 s of live: ten segments, seven entries kept
    const seen = await runChecked(s.m, s.clock, s.live, s.origin); // the oracle checks every version
    assert.ok(seen.some((v) => segmentDurations(v).includes(0.68)), 'the segment after the early cut was listed');
    const last = seen.at(-1)!;
    assert.ok(!segmentDurations(last).includes(0.68), `the short segment is gone\n${last}`);
    assert.equal(await checkIndependentSegments(s.m, last), true, 'index.m3u8 promises independent segments again, and every segment listed starts with a key frame');
    s.m.close();
  });

  for (const variant of ['lowLatency', 'fmp4', 'mpegts'] as const) {
    it(`${variant} without instant start: EXT-X-INDEPENDENT-SEGMENTS, and every segment starts with a key frame`, async () => {
      const s = join(variant, 11_300, false);
      const last = (await runChecked(s.m, s.clock, s.live.filter((u) => u.atMs < 18_100), s.origin)).at(-1)!;
      assert.equal(await checkIndependentSegments(s.m, last), true, last);
      s.m.close();
    });
  }
});
