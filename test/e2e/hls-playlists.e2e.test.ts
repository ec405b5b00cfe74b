import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, type types } from 'hls-parser';
import { logTail, startServer, type TestServer } from '../support/server.ts';
import { ffmpegPublish } from '../support/media.ts';
import { fetchHttp, hlsUrl } from '../support/hls-media.ts';
import { describeRun, run, waitFor, type Running } from '../support/process.ts';

const LIVE_SECONDS = 300;
// hls-parser's classes are exported as values of `types`; these are their instance types.
type MediaPlaylist = InstanceType<typeof types.MediaPlaylist>;
type MasterPlaylist = InstanceType<typeof types.MasterPlaylist>;

/** The part number in a part URI (`<muxer prefix>_part41.mp4` → 41). */
const partNumber = (uri: string): number => Number(/^[0-9a-f]+_part(\d+)\./.exec(uri)?.[1] ?? NaN);

/** RFC 8216bis rules one Low-Latency media playlist must follow; returns the broken ones. */
function llProblems(pl: MediaPlaylist): string[] {
  const out: string[] = [];
  const target = pl.targetDuration;
  const partTarget = pl.partTargetDuration;
  if (partTarget === undefined) return ['no EXT-X-PART-INF'];
  if (!pl.lowLatencyCompatibility?.canBlockReload) out.push('no CAN-BLOCK-RELOAD=YES');
  if ((pl.lowLatencyCompatibility?.partHoldBack ?? 0) < 2 * partTarget) out.push(`PART-HOLD-BACK ${pl.lowLatencyCompatibility?.partHoldBack} < 2 × PART-TARGET`);
  const base = pl.mediaSequenceBase ?? 0;
  const listed: number[] = [];
  pl.segments.forEach((s, i) => {
    if (s.mediaSequenceNumber !== base + i) out.push(`segment ${i} has msn ${s.mediaSequenceNumber}, wanted ${base + i}`);
    if (s.uri !== '' && !s.gap && Math.round(s.duration) > target) out.push(`${s.uri}: EXTINF ${s.duration} > TARGETDURATION ${target}`);
    for (const p of s.parts ?? []) {
      if (p.hint) continue;
      if ((p.duration ?? 0) > partTarget + 0.001) out.push(`${p.uri}: part duration ${p.duration} > PART-TARGET ${partTarget}`);
      listed.push(partNumber(p.uri));
    }
  });
  for (let i = 1; i < listed.length; i++) if (listed[i] !== listed[i - 1]! + 1) out.push(`parts not continuous: ${listed[i - 1]} then ${listed[i]}`);
  const last = pl.segments.at(-1);
  const hint = last?.parts?.find((p) => p.hint);
  if (!hint) out.push('no EXT-X-PRELOAD-HINT');
  else if (partNumber(hint.uri) !== listed.at(-1)! + 1) out.push(`the preload hint ${hint.uri} is not the part after ${listed.at(-1)}`);
  if (!pl.segments.some((s) => s.programDateTime)) out.push('no EXT-X-PROGRAM-DATE-TIME');
  return out;
}

/** `_HLS_msn` / `_HLS_part` of the hinted part: its segment's number and its index in that segment. */
function hintedPosition(pl: MediaPlaylist): { msn: number; part: number; uri: string } {
  const last = pl.segments.at(-1)!;
  const hint = last.parts.find((p) => p.hint)!;
  if (last.uri === '') return { msn: last.mediaSequenceNumber, part: last.parts.indexOf(hint), uri: hint.uri };
  return { msn: last.mediaSequenceNumber + 1, part: 0, uri: hint.uri };
}

/**
 * The flags ffprobe gives the first video packet of each listed segment (the init segment put in front): `K` first
 * when it is a key frame. The independent oracle of EXT-X-INDEPENDENT-SEGMENTS.
 */
async function firstVideoFlags(server: TestServer, path: string, pl: MediaPlaylist): Promise<{ uri: string; flags: string }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mtx-hls-seg-'));
  try {
    const init = (await fetchHttp(hlsUrl(server, path, 'init.mp4'))).body;
    const out: { uri: string; flags: string }[] = [];
    for (const seg of pl.segments.filter((x) => !x.gap && x.uri !== '')) {
      const r = await fetchHttp(hlsUrl(server, path, seg.uri));
      if (r.status !== 200) { out.push({ uri: seg.uri, flags: `status ${r.status}` }); continue; }
      const file = join(dir, seg.uri);
      writeFileSync(file, Buffer.concat([init, r.body]));
      const p = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags', '-read_intervals', '%+#1', '-of', 'csv=p=0', file], { timeoutMs: 20_000 });
      out.push({ uri: seg.uri, flags: p.code === 0 ? p.stdout.trim().split('\n')[0] ?? '' : describeRun('ffprobe', p, 300) });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('HLS playlists served by the running server, checked with hls-parser against RFC 8216bis', () => {
  let server: TestServer;
  const running: Running[] = [];
  before(async () => {
    server = await startServer('paths:\n  all:\n', {}, { hls: true });
    running.push(ffmpegPublish(server.url('ll'), { video: 'h264', audio: 'aac', seconds: LIVE_SECONDS }));
    await server.waitForLog(/\[path ll\] stream is ready/, 20_000);
  });
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await server?.stop();
  });

  it('lists one variant with its codecs and resolution', async () => {
    const r = await fetchHttp(hlsUrl(server, 'll'));
    assert.equal(r.status, 200, `${r.text}\n${logTail(server)}`);
    assert.equal(r.headers['content-type'], 'application/vnd.apple.mpegurl');
    const pl = parse(r.text) as MasterPlaylist;
    assert.equal(pl.isMasterPlaylist, true);
    assert.equal(pl.variants.length, 1, r.text);
    const v = pl.variants[0]!;
    assert.match(v.codecs ?? '', /^avc1\.[0-9a-f]{6},mp4a\.40\.2$/, r.text);
    assert.deepEqual(v.resolution, { width: 320, height: 240 });
  });

  it('follows the stream with blocking reloads for 8 s: every playlist keeps the rules, each reload returns within about a part', async () => {
    const first = parse((await fetchHttp(hlsUrl(server, 'll', 'stream.m3u8'))).text) as MediaPlaylist;
    assert.deepEqual(llProblems(first), []);
    const partTargetMs = first.partTargetDuration! * 1000;
    let pos = hintedPosition(first);
    let prevBase = first.mediaSequenceBase ?? 0;
    const waits: number[] = [];
    const problems: string[] = [];
    const end = Date.now() + 8000;
    while (Date.now() < end) {
      const r = await fetchHttp(hlsUrl(server, 'll', `stream.m3u8?_HLS_msn=${pos.msn}&_HLS_part=${pos.part}`));
      waits.push(r.ms);
      if (r.status !== 200) { problems.push(`reload for ${pos.uri}: status ${r.status}`); break; }
      const pl = parse(r.text) as MediaPlaylist;
      problems.push(...llProblems(pl).map((p) => `after ${pos.uri}: ${p}`));
      const has = pl.segments.some((s) => s.parts.some((p) => !p.hint && p.uri === pos.uri));
      if (!has) problems.push(`the reload for ${pos.uri} returned a playlist without it`);
      if ((pl.mediaSequenceBase ?? 0) < prevBase) problems.push(`media sequence went back from ${prevBase} to ${pl.mediaSequenceBase}`);
      prevBase = pl.mediaSequenceBase ?? 0;
      const next = hintedPosition(pl);
      if (partNumber(next.uri) !== partNumber(pos.uri) + 1) problems.push(`after ${pos.uri} the hint is ${next.uri}`);
      pos = next;
    }
    assert.deepEqual(problems, [], logTail(server));
    waits.sort((a, b) => a - b);
    assert.ok(waits.length >= 25, `about 5 parts a second were followed (${waits.length} in 8 s)`);
    // Each reload waits for the next part: at most one part duration, plus the time to send it.
    const p95 = waits[Math.floor(waits.length * 0.95)]!;
    assert.ok(p95 <= partTargetMs + 150, `reload wait p95 ${p95} ms (part target ${partTargetMs} ms); all: ${waits.join(',')}`);
  });

  it('promises EXT-X-INDEPENDENT-SEGMENTS only when every segment listed starts with a key frame (ffprobe reads each)', async () => {
    // The muxer started with instant start: the segment after its early cut starts without a key frame, and
    // index.m3u8 leaves the tag out until that segment has left the playlist.
    let index = '';
    await waitFor(async () => {
      index = (await fetchHttp(hlsUrl(server, 'll'))).text;
      return (parse(index) as MasterPlaylist).independentSegments;
    }, { timeoutMs: 40_000, what: 'EXT-X-INDEPENDENT-SEGMENTS in index.m3u8', detail: () => `${index}\n${logTail(server)}` });
    const pl = parse((await fetchHttp(hlsUrl(server, 'll', 'stream.m3u8'))).text) as MediaPlaylist;
    const flags = await firstVideoFlags(server, 'll', pl);
    assert.ok(flags.length >= 3, `segments probed: ${JSON.stringify(flags)}`);
    assert.deepEqual(flags.filter((f) => !f.flags.startsWith('K')), [], `every segment starts with a key frame: ${JSON.stringify(flags)}`);
  });

  it('serves the hinted part as soon as it exists, and delta updates with EXT-X-SKIP', async () => {
    const pl = parse((await fetchHttp(hlsUrl(server, 'll', 'stream.m3u8'))).text) as MediaPlaylist;
    const { uri } = hintedPosition(pl);
    const part = await fetchHttp(hlsUrl(server, 'll', uri));
    assert.equal(part.status, 200);
    assert.equal(part.headers['content-type'], 'video/mp4');
    assert.ok(part.body.length > 100 && part.ms <= pl.partTargetDuration! * 1000 + 150, `${uri}: ${part.body.length} bytes after ${part.ms} ms`);
    const delta = await fetchHttp(hlsUrl(server, 'll', 'stream.m3u8?_HLS_skip=YES'));
    const skipped = /#EXT-X-SKIP:SKIPPED-SEGMENTS=(\d+)/.exec(delta.text);
    assert.ok(skipped && Number(skipped[1]) > 0, delta.text);
    const parsed = parse(delta.text) as MediaPlaylist;
    assert.equal(parsed.skip, Number(skipped[1]));
    // The segments left out are the oldest: the first one listed follows them.
    const base = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(delta.text)?.[1]);
    const firstListed = Number(/^[0-9a-f]+_seg(\d+)\.mp4$/m.exec(delta.text)?.[1]);
    assert.equal(firstListed, base + Number(skipped[1]), delta.text);
  });
});
