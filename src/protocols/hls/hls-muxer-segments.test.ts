import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { h264Format, mpeg4AudioFormat, type Description } from '../../formats/index.ts';
import { HlsMuxer, type HlsVariant } from './index.ts';
import { checkMediaPlaylist, checkMultivariantPlaylist } from './test-support/hls-oracle.ts';
import { fmp4Segments, runChecked, segmentDurations, segmentNames } from './test-support/hls-run.ts';
import {
  AAC_CONFIG, aacUnits, bodyOf, FakeClock, FIXTURE_PPS, FIXTURE_SPS, get, h264AacDescription, interleave, testOptions, textOf, videoUnits,
} from './test-support/hls-units.ts';

const VARIANTS: readonly HlsVariant[] = ['lowLatency', 'fmp4', 'mpegts'];
const segmentCountOf = (v: HlsVariant): number => (v === 'lowLatency' ? 7 : 3);

describe('HlsMuxer segments H264 + AAC', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: cuts at key frames once the segment duration passed, every playlist valid`, async () => {
      const clock = new FakeClock();
      const { desc, video, audio } = h264AacDescription();
      const m = new HlsMuxer(desc, testOptions(clock, { variant, segmentCount: segmentCountOf(variant) }));
      // 25 fps, a key frame every 15 frames (0.6 s): 1 s segments end at the second key frame, 1.2 s in.
      const playlists = await runChecked(m, clock, interleave(videoUnits(video, 250, { gopFrames: 15 }), aacUnits(audio, 460)));
      const last = playlists.at(-1)!;
      const pl = checkMediaPlaylist(last);
      assert.equal(pl.targetDuration, 1);
      assert.deepEqual(segmentDurations(last), Array(segmentCountOf(variant)).fill(1.2));
      const first = variant === 'lowLatency' ? 7 : 0;
      assert.match(segmentNames(last).at(-1) ?? '', new RegExp(`^[0-9a-f]+_seg${first + 7}\\.${variant === 'mpegts' ? 'ts' : 'mp4'}$`)); // 250 frames = 8 segments + 0.4 s
      assert.equal(pl.mediaSequenceBase, first + 8 - segmentCountOf(variant)); // entries so far (gaps included) less those kept
      assert.equal(m.stats().segments, segmentCountOf(variant));
      checkMultivariantPlaylist(await textOf(await get(m, 'index.m3u8')));
      m.close();
    });
  }

  it('Low-Latency: parts of 5 frames (PART-TARGET 0.2 s), independent where a key frame starts them, segments = their parts', async () => {
    const clock = new FakeClock();
    const { desc, video, audio } = h264AacDescription();
    const m = new HlsMuxer(desc, testOptions(clock));
    const last = (await runChecked(m, clock, interleave(videoUnits(video, 130, { gopFrames: 15 }), aacUnits(audio, 240)))).at(-1)!;
    const pl = checkMediaPlaylist(last);
    assert.equal(pl.partTargetDuration, 0.2);
    const listed = pl.segments.filter((s) => s.parts.length > 0 && s.uri !== '');
    assert.equal(listed.length, 2);
    for (const s of listed) {
      assert.deepEqual(s.parts.map((p) => [p.duration, p.independent === true]), [[0.2, true], [0.2, false], [0.2, false], [0.2, true], [0.2, false], [0.2, false]]);
      // A segment's file is its parts one after the other: the same bytes.
      const parts = await Promise.all(s.parts.map(async (p) => bodyOf(await get(m, p.uri))));
      assert.deepEqual(await bodyOf(await get(m, s.uri)), Buffer.concat(parts));
    }
    m.close();
  });

  it('fMP4: each segment starts with a sync sample; decode times run on across segments, audio beside video', async () => {
    const clock = new FakeClock();
    const { desc, video, audio } = h264AacDescription();
    const m = new HlsMuxer(desc, testOptions(clock, { variant: 'fmp4', segmentCount: 3 }));
    const last = (await runChecked(m, clock, interleave(videoUnits(video, 100, { gopFrames: 15 }), aacUnits(audio, 190)))).at(-1)!;
    let nextVideoDts: number | undefined;
    for (const seg of await fmp4Segments(m, last)) {
      const videoSamples = seg.parts.flatMap((p) => p.tracks.filter((t) => t.id === 1).flatMap((t) => t.samples));
      const audioSamples = seg.parts.flatMap((p) => p.tracks.filter((t) => t.id === 2).flatMap((t) => t.samples));
      assert.equal(videoSamples[0]!.isSync, true, `${seg.name} starts with a key frame`);
      assert.equal(videoSamples.length, 30);
      if (nextVideoDts !== undefined) assert.equal(videoSamples[0]!.dts, nextVideoDts, `${seg.name} follows the previous segment`);
      nextVideoDts = videoSamples.at(-1)!.dts + videoSamples.at(-1)!.duration;
      assert.ok(audioSamples.length >= 55 && audioSamples.every((s) => s.duration === 1024));
    }
    m.close();
  });

  it('audio only: segments of the segment duration (whole AAC frames), parts of the part duration', async () => {
    const clock = new FakeClock();
    const audio = mpeg4AudioFormat(97, AAC_CONFIG, 48000, 1);
    const desc: Description = { medias: [{ kind: 'audio', formats: [audio] }] };
    for (const variant of VARIANTS) {
      const m = new HlsMuxer(desc, testOptions(clock, { variant, segmentCount: segmentCountOf(variant) }));
      const last = (await runChecked(m, clock, aacUnits(audio, 400))).at(-1)!;
      // 47 frames of 1024 samples at 48 kHz = 1.00267 s, the first count past 1 s.
      assert.deepEqual(segmentDurations(last), Array(segmentCountOf(variant)).fill(1.00267), variant);
      if (variant === 'lowLatency') assert.equal(checkMediaPlaylist(last).partTargetDuration, 0.214); // 10 frames, 213.3 ms
      m.close();
    }
  });

  it('new parameter sets at a key frame: a new init segment, and a segment starting there', async () => {
    const clock = new FakeClock();
    const video = h264Format(96, FIXTURE_SPS, FIXTURE_PPS);
    const m = new HlsMuxer({ medias: [{ kind: 'video', formats: [video] }] }, testOptions(clock, { variant: 'fmp4', segmentCount: 3, segmentDurationMs: 2000 }));
    const units = videoUnits(video, 100, { gopFrames: 10 });
    const otherPps = Buffer.from([...FIXTURE_PPS, 0x80]); // a different PPS: new parameters
    const changed = units.map((u, i) => (i >= 30 && i % 10 === 0 ? { ...u, unit: { ...u.unit, payload: [FIXTURE_SPS, otherPps, ...(u.unit.payload as Buffer[]).slice(2)] } } : u));
    const last = (await runChecked(m, clock, changed)).at(-1)!;
    // The first segment ends at frame 30, where the PPS changed (1.2 s); the next one after 2 s as usual.
    assert.deepEqual(segmentDurations(last), [1.2, 2]);
    const init = await get(m, 'init.mp4');
    assert.ok((await bodyOf(init)).includes(otherPps));
    assert.match(init.headers['ETag']!, /-init2"$/);
    m.close();
  });

  it('a key frame whose SPS no init segment can describe: video waits for one with usable parameters', async () => {
    const clock = new FakeClock();
    const video = { ...h264Format(96, FIXTURE_SPS, FIXTURE_PPS), sps: undefined, pps: undefined }; // nothing announced
    const m = new HlsMuxer({ medias: [{ kind: 'video', formats: [video] }] }, testOptions(clock, { variant: 'fmp4', segmentCount: 3 }));
    const badSps = Buffer.from([0x67, 0xff]);
    const units = videoUnits(video, 100, { gopFrames: 25 }).map((u, i) => (i === 0
      ? { ...u, unit: { ...u.unit, payload: [badSps, FIXTURE_PPS, ...(u.unit.payload as Buffer[]).slice(2)] } } : u));
    const last = (await runChecked(m, clock, units)).at(-1)!;
    assert.deepEqual(segmentDurations(last), [1, 1]); // from frame 25 on
    assert.ok((await bodyOf(await get(m, 'init.mp4'))).includes(FIXTURE_SPS));
    m.close();
  });

  it('keeps decode times increasing when the publisher\'s clock jumps back', async () => {
    const clock = new FakeClock();
    const video = h264Format(96, FIXTURE_SPS, FIXTURE_PPS);
    const m = new HlsMuxer({ medias: [{ kind: 'video', formats: [video] }] }, testOptions(clock, { variant: 'fmp4', segmentCount: 3 }));
    const a = videoUnits(video, 60, { gopFrames: 15 });
    const b = videoUnits(video, 60, { gopFrames: 15 }).map((u) => ({ ...u, atMs: u.atMs + 2400 })); // restarts at pts 0
    const last = (await runChecked(m, clock, [...a, ...b])).at(-1)!;
    const dts = (await fmp4Segments(m, last)).flatMap((s) => s.parts.flatMap((p) => p.tracks[0]!.samples.map((x) => x.dts)));
    assert.ok(dts.every((d, i) => i === 0 || d > dts[i - 1]!), 'increasing');
    m.close();
  });

  it('Low-Latency: frames with ever new durations before the first cut do not block the event loop', () => {
    const clock = new FakeClock();
    const video = h264Format(96, FIXTURE_SPS, FIXTURE_PPS);
    const m = new HlsMuxer({ medias: [{ kind: 'video', formats: [video] }] }, testOptions(clock));
    const [key, other] = videoUnits(video, 2);
    m.writeUnit(key!.format, key!.unit);
    // No key frame after the first, so the part duration keeps adapting to the steps seen: 1500 different ones, a
    // 6 s stall, then 800 more. Each new step searched every step seen, 960 candidates each: seconds of CPU, growing
    // with the square of the count.
    let pts = 0;
    const write = (step: number): void => { pts += step; clock.ms += 1; m.writeUnit(other!.format, { ...other!.unit, pts }); };
    for (let i = 1; i <= 1500; i++) write(i);
    write(6 * 90000);
    for (let i = 1501; i <= 2300; i++) write(i);
    // The work, not the time (no timed tests): the search weighs a bounded set of durations, not all 2301 seen.
    const fmp4 = (m as unknown as { fmp4: { sampleDurationCount: number } }).fmp4;
    assert.equal(fmp4.sampleDurationCount, 128);
    assert.equal(m.stats().blockedRequests, 0);
    m.close();
  });
});
