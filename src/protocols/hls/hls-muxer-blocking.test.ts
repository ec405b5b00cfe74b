import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { HlsMuxer, type HlsResponse } from './index.ts';
import { checkMediaPlaylist } from './test-support/hls-oracle.ts';
import { bodyOf, FakeClock, get, h264AacDescription, interleave, testOptions, textOf, videoUnits, aacUnits, type TimedUnit } from './test-support/hls-units.ts';

/** A Low-Latency muxer fed 1.5 s of H264 + AAC live (25 fps, key frames every second), and what is left to feed. */
function started(): { m: HlsMuxer; clock: FakeClock; rest: TimedUnit[]; origin: number } {
  const clock = new FakeClock();
  const origin = clock.ms;
  const { desc, video, audio } = h264AacDescription();
  const m = new HlsMuxer(desc, testOptions(clock));
  const units = interleave(videoUnits(video, 250), aacUnits(audio, 470));
  const split = units.findIndex((u) => u.atMs > 1500);
  for (const u of units.slice(0, split)) { clock.ms = origin + u.atMs; m.writeUnit(u.format, u.unit); }
  return { m, clock, rest: units.slice(split), origin };
}

/** Settles-or-not of a promise after pending callbacks ran. */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void p.then(() => { settled = true; });
  await tick();
  return settled;
}

/** The last part listed in a playlist: its segment's sequence number and index there. */
function lastPart(text: string): { msn: number; part: number; uri: string } {
  const pl = checkMediaPlaylist(text);
  const seg = pl.segments.at(-1)!;
  const parts = seg.parts.filter((p) => !p.hint);
  return { msn: seg.mediaSequenceNumber, part: parts.length - 1, uri: parts.at(-1)!.uri };
}

describe('LL-HLS blocking playlist reload (RFC 8216bis §6.2.5.2)', () => {
  it('holds a request for the next part and answers it when that part is published, within one part duration', async () => {
    const { m, clock, rest, origin } = started();
    const now = lastPart(await textOf(await get(m, 'stream.m3u8')));
    const askedAt = clock.ms;
    const pending = get(m, 'stream.m3u8', `_HLS_msn=${now.msn}&_HLS_part=${now.part + 1}`);
    let answer: HlsResponse | undefined;
    void pending.then((r) => { answer = r; });
    for (const u of rest) {
      await tick();
      if (answer) break;
      clock.ms = origin + u.atMs;
      m.writeUnit(u.format, u.unit);
    }
    assert.equal(answer?.status, 200);
    const text = await textOf(answer!);
    const got = lastPart(text);
    assert.equal(got.part, now.part + 1, 'the requested part is the last one listed');
    assert.ok(clock.ms - askedAt <= 200 + 40, `answered ${clock.ms - askedAt} ms after the request`);
    assert.equal(m.stats().blockedRequests, 0);
    m.close();
  });

  it('answers at once when the part exists, and for a segment that already left the playlist', async () => {
    const { m } = started();
    const now = lastPart(await textOf(await get(m, 'stream.m3u8')));
    assert.equal((await get(m, 'stream.m3u8', `_HLS_msn=${now.msn}&_HLS_part=${now.part}`)).status, 200);
    assert.equal((await get(m, 'stream.m3u8', '_HLS_msn=0&_HLS_part=0')).status, 200);
    m.close();
  });

  it('does not hook the abort of a request answered at once (the server hooks one only for waits)', async () => {
    const { m } = started();
    let reads = 0;
    const ask = (file: string, query = ''): Promise<HlsResponse> => m.handle({
      file, query: new URLSearchParams(query), onAbort() { reads++; return () => {}; },
    });
    const text = await textOf(await ask('stream.m3u8'));
    const now = lastPart(text);
    for (const r of [await ask('index.m3u8'), await ask('stream.m3u8', `_HLS_msn=${now.msn}&_HLS_part=${now.part}`), await ask(now.uri)]) {
      assert.equal(r.status, 200);
    }
    assert.equal(reads, 0);
    m.close();
  });

  it('without _HLS_part waits for the whole segment', async () => {
    const { m, clock, rest, origin } = started();
    const now = lastPart(await textOf(await get(m, 'stream.m3u8')));
    const pending = get(m, 'stream.m3u8', `_HLS_msn=${now.msn}`); // the segment being written, complete at 2 s
    for (const u of rest.filter((x) => x.atMs < 1950)) { clock.ms = origin + u.atMs; m.writeUnit(u.format, u.unit); }
    assert.equal(await isSettled(pending), false, 'not before the segment is complete');
    for (const u of rest.filter((x) => x.atMs >= 1950 && x.atMs <= 2000)) { clock.ms = origin + u.atMs; m.writeUnit(u.format, u.unit); }
    const text = await textOf(await pending);
    assert.match(text, new RegExp(`\\n[0-9a-f]+_seg${now.msn}\\.mp4\\n`));
    m.close();
  });

  it('answers 400 at once for a segment more than two ahead, a part past the Advance Part Limit, or bad parameters', async () => {
    const { m } = started();
    const now = lastPart(await textOf(await get(m, 'stream.m3u8')));
    const status = async (q: string): Promise<number> => (await get(m, 'stream.m3u8', q)).status;
    assert.equal(await status(`_HLS_msn=${now.msn + 3}`), 400);
    assert.equal(await status(`_HLS_msn=${now.msn + 1}&_HLS_part=15`), 400); // 3 / 0.2 s = 15 parts ahead at most
    assert.equal(await status(`_HLS_msn=${now.msn}&_HLS_part=${now.part + 17}`), 400);
    assert.equal(await status('_HLS_part=1'), 400);
    assert.equal(await status('_HLS_msn=x'), 400);
    assert.equal(await status('_HLS_msn=1&_HLS_part=-1'), 400);
    assert.equal(m.stats().blockedRequests, 0);
    m.close();
  });

  it('ends a blocked request with 503 when its client goes away', async () => {
    const { m } = started();
    const now = lastPart(await textOf(await get(m, 'stream.m3u8')));
    const ac = new AbortController();
    const pending = get(m, 'stream.m3u8', `_HLS_msn=${now.msn + 1}&_HLS_part=2`, ac.signal);
    assert.equal(await isSettled(pending), false);
    assert.equal(m.stats().blockedRequests, 1);
    ac.abort();
    assert.equal((await pending).status, 503);
    assert.equal(m.stats().blockedRequests, 0);
    m.close();
  });

  it('gives up after three target durations with 503 (a stalled stream), and on close', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { m } = started();
    const now = lastPart(await textOf(await get(m, 'stream.m3u8')));
    const stalled = get(m, 'stream.m3u8', `_HLS_msn=${now.msn + 1}&_HLS_part=0`);
    t.mock.timers.tick(2999);
    assert.equal(await isSettled(stalled), false);
    t.mock.timers.tick(1);
    assert.deepEqual([(await stalled).status, (await stalled).headers['Retry-After']], [503, '1']);
    const closing = get(m, 'stream.m3u8', `_HLS_msn=${now.msn + 1}&_HLS_part=0`);
    m.close();
    assert.equal((await closing).status, 503);
  });
});

describe('LL-HLS preload hint', () => {
  it('a request for the hinted part waits for it and gets its bytes; others get 404', async () => {
    const { m, clock, rest, origin } = started();
    const text = await textOf(await get(m, 'stream.m3u8'));
    const [, hinted, prefix, n] = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="(([0-9a-f]+)_part(\d+)\.mp4)"/.exec(text)!;
    const pending = get(m, hinted!);
    assert.equal(await isSettled(pending), false);
    const next = `${prefix}_part${Number(n) + 1}.mp4`;
    assert.equal((await get(m, next)).status, 404, 'only the hinted part is waited for');
    for (const u of rest) {
      if (await isSettled(pending)) break;
      clock.ms = origin + u.atMs;
      m.writeUnit(u.format, u.unit);
    }
    const r = await pending;
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'video/mp4');
    assert.equal((await bodyOf(r)).length, Number(r.headers['Content-Length']));
    assert.match(await textOf(await get(m, 'stream.m3u8')), new RegExp(`URI="${hinted}"`));
    m.close();
  });
});

describe('first playlist', () => {
  it('waits for the first segment, then index.m3u8, stream.m3u8 and init.mp4 answer together', async () => {
    const clock = new FakeClock();
    const { desc, video, audio } = h264AacDescription();
    const m = new HlsMuxer(desc, testOptions(clock));
    const index = get(m, 'index.m3u8');
    const init = get(m, 'init.mp4');
    const units = interleave(videoUnits(video, 60), aacUnits(audio, 110));
    const origin = clock.ms;
    for (const u of units) {
      clock.ms = origin + u.atMs;
      m.writeUnit(u.format, u.unit);
      if (m.stats().readyMs === undefined) assert.equal(await isSettled(index), false);
    }
    assert.equal((await index).status, 200);
    assert.equal((await init).status, 200);
    assert.equal(m.stats().readyMs, origin + 1000, 'ready when the first key frame after 1 s ended the first segment');
    m.close();
  });
});
