import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mpeg4AudioFormat } from '../../formats/index.ts';
import { Logger } from '../../lib/index.ts';
import { HlsDirectoryStorage, HlsMemoryStorage, HlsMuxer } from './index.ts';
import { abortSourceOf } from './blocked-requests.ts';
import { checkMediaPlaylist } from './test-support/hls-oracle.ts';
import { runChecked, segmentDurations, segmentNames } from './test-support/hls-run.ts';
import { AAC_CONFIG, aacUnits, bodyOf, FakeClock, get, h264AacDescription, interleave, testOptions, videoUnits } from './test-support/hls-units.ts';

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: Logger.create({ level: 'info', destinations: [], sink: (l) => lines.push(l) }), lines };
}

describe('segment size bound (hlsSegmentMaxSize)', () => {
  it('cuts a segment that would outgrow it, logs it, and resumes at the next key frame; memory stays bounded', async () => {
    const clock = new FakeClock();
    const { log, lines } = capture();
    const { desc, video, audio } = h264AacDescription();
    // 1 KB frames at 25 fps with a key frame every 2 s: a 2 s segment would hold 50 KB; the bound is 30 KB.
    const m = new HlsMuxer(desc, testOptions(clock, { variant: 'fmp4', segmentCount: 3, segmentDurationMs: 2000, segmentMaxSize: 30_000, log }));
    const last = (await runChecked(m, clock, interleave(videoUnits(video, 400, { gopFrames: 50, sliceBytes: 1000 }), aacUnits(audio, 750)))).at(-1)!;
    assert.ok(lines.some((l) => l.includes('WAR') && l.includes('reached the maximum segment size (hlsSegmentMaxSize, 30000 bytes)')), lines.join('\n'));
    // 29 frames fit (29 × 1 KB + audio); the rest of the GOP is dropped, the next segment starts at the next key frame.
    for (const d of segmentDurations(last)) assert.ok(d < 1.2, `${d} s`);
    const st = m.stats();
    assert.equal(st.segments, 3);
    assert.ok(st.bytesHeld <= 3 * 31_000 + 2000, `${st.bytesHeld} bytes held`);
    m.close();
  });

  it('audio only: a segment that would outgrow it ends there and the next one starts at once', async () => {
    const clock = new FakeClock();
    const { log, lines } = capture();
    const audio = mpeg4AudioFormat(97, AAC_CONFIG, 48000, 1);
    const m = new HlsMuxer({ medias: [{ kind: 'audio', formats: [audio] }] }, testOptions(clock, { variant: 'mpegts', segmentCount: 3, segmentMaxSize: 400, log }));
    const last = (await runChecked(m, clock, aacUnits(audio, 200))).at(-1)!;
    assert.ok(lines.some((l) => l.includes('in a new segment')));
    assert.deepEqual(segmentDurations(last), [0.42667, 0.42667, 0.42667]); // 20 frames of 20 bytes each
    m.close();
  });
});

/** A GET with an If-None-Match header. */
function getIfNoneMatch(m: HlsMuxer, file: string, ifNoneMatch: string): ReturnType<typeof get> {
  return m.handle({ file, query: new URLSearchParams(), ...abortSourceOf(new AbortController().signal), ifNoneMatch });
}

describe('caching by a CDN or browser', () => {
  async function running(): Promise<{ m: HlsMuxer; last: string }> {
    const clock = new FakeClock();
    const { desc, video, audio } = h264AacDescription();
    const m = new HlsMuxer(desc, testOptions(clock));
    return { m, last: (await runChecked(m, clock, interleave(videoUnits(video, 90), aacUnits(audio, 160)))).at(-1)! };
  }

  it('segments and parts are immutable, and answered 304 to an If-None-Match that names them', async () => {
    const { m, last } = await running();
    const seg = checkMediaPlaylist(last).segments.find((x) => x.uri !== '' && x.parts.length > 0)!;
    for (const file of [seg.uri, seg.parts[0]!.uri]) {
      const r = await get(m, file);
      assert.equal(r.headers['Cache-Control'], 'public, max-age=3600, immutable', `${file}: ${JSON.stringify(r.headers)}`);
      assert.equal(r.headers['ETag'], `"${file}"`, `${file}: ${JSON.stringify(r.headers)}`);
      const again = await getIfNoneMatch(m, file, `W/"other", ${r.headers['ETag']!}`);
      assert.deepEqual([again.status, again.body, again.headers['ETag'], again.headers['Cache-Control']], [304, undefined, r.headers['ETag'], r.headers['Cache-Control']], file);
      assert.equal((await getIfNoneMatch(m, file, '"other"')).status, 200, `${file}: another ETag gets the body`);
    }
    const missing = await getIfNoneMatch(m, 'f00d_seg999.mp4', '*');
    assert.deepEqual([missing.status, missing.headers['Cache-Control']], [404, 'no-cache'], 'a 404 is neither cached nor a 304');
    m.close();
  });

  it('the init segment is revalidated: no-cache, and 304 while it has not changed', async () => {
    const { m } = await running();
    const r = await get(m, 'init.mp4');
    assert.equal(r.headers['Cache-Control'], 'no-cache');
    assert.equal((await getIfNoneMatch(m, 'init.mp4', r.headers['ETag']!)).status, 304);
    m.close();
  });

  it('names segments and parts with a random prefix per muxer, so a new muxer never reuses an old one\'s URL', async () => {
    const [a, b] = [await running(), await running()];
    const names = (text: string): string[] => text.split('\n').flatMap((l) => /^[0-9a-f]+_seg\d+\.mp4$/.test(l) ? [l] : [...l.matchAll(/URI="([^"]+_part\d+\.mp4)"/g)].map((x) => x[1]!));
    const [na, nb] = [names(a.last), names(b.last)];
    assert.ok(na.length > 5 && na.every((n) => /^[0-9a-f]{16}_/.test(n)), na.join(' '));
    assert.deepEqual(na.filter((n) => nb.includes(n)), [], `the same stream muxed twice shares no name\n${na.join(' ')}\n${nb.join(' ')}`);
    a.m.close();
    b.m.close();
  });
});

describe('memory storage', () => {
  it('serves every request for a segment from the same bytes, and parts as views of them', async () => {
    const clock = new FakeClock();
    const { desc, video, audio } = h264AacDescription();
    const m = new HlsMuxer(desc, testOptions(clock));
    const last = (await runChecked(m, clock, interleave(videoUnits(video, 90), aacUnits(audio, 160)))).at(-1)!;
    const withParts = checkMediaPlaylist(last).segments.find((x) => x.uri !== '' && x.parts.length > 0)!;
    const seg = withParts.uri;
    const [a, b] = [(await get(m, seg)).body as Buffer, (await get(m, seg)).body as Buffer];
    assert.ok(a === b, 'the same Buffer');
    const p = (await get(m, withParts.parts[1]!.uri)).body as Buffer;
    assert.ok(p.buffer === a.buffer && p.byteOffset > a.byteOffset, 'a view into its segment');
    const r = await get(m, seg);
    assert.deepEqual([r.headers['Content-Type'], r.headers['Content-Length']], ['video/mp4', String(a.length)]);
    assert.equal((await get(m, 'stream.m3u8')).headers['Cache-Control'], 'no-cache');
    assert.equal((await get(m, 'seg999.mp4')).status, 404);
    assert.equal((await get(m, 'gap.mp4')).status, 404);
    assert.equal((await get(m, '../stream.m3u8')).status, 404);
    m.close();
  });

  it('forgets files on remove and close', async () => {
    const s = new HlsMemoryStorage();
    s.put('a', [Buffer.from('xy'), Buffer.from('z')]);
    assert.deepEqual([s.read('a')?.toString(), s.read('a', { offset: 1, length: 2 })?.toString(), s.memoryBytes], ['xyz', 'yz', 3]);
    s.remove('a');
    assert.deepEqual([s.read('a'), s.memoryBytes], [undefined, 0]);
    s.put('b', [Buffer.from('b')]);
    await s.close();
    assert.equal(s.read('b'), undefined);
  });
});

describe('directory storage (hlsDirectory)', () => {
  it('writes the init segment and segments as files, removes evicted ones, and everything on close', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mtx-hls-dir-'));
    try {
      writeFileSync(join(root, 'keep.txt'), 'not the muxer\'s');
      const dir = join(root, 'live', 'cam'); // a path name with a slash
      const storage = new HlsDirectoryStorage(dir);
      const clock = new FakeClock();
      const { desc, video, audio } = h264AacDescription();
      const m = new HlsMuxer(desc, testOptions(clock, { variant: 'fmp4', segmentCount: 3, storage }));
      const last = (await runChecked(m, clock, interleave(videoUnits(video, 150), aacUnits(audio, 280)))).at(-1)!;
      await storage.idle();
      const listed = segmentNames(last);
      assert.deepEqual(readdirSync(dir).sort(), ['init.mp4', ...listed].sort(), 'evicted segments are removed');
      const sizeOf = (f: string): number => readFileSync(join(dir, f)).length;
      assert.ok(listed.length >= 3);
      assert.equal(storage.memoryBytes, sizeOf(listed.at(-1)!) + sizeOf(listed.at(-2)!), 'only the two newest segments stay in memory');
      const newest = await get(m, listed.at(-1)!);
      assert.ok(Buffer.isBuffer(newest.body), 'the newest segment is served from memory');
      assert.deepEqual(newest.body, readFileSync(join(dir, listed.at(-1)!)));
      const r = await get(m, listed[0]!);
      assert.equal(typeof r.body, 'function', 'an older one is read from disk as it is sent');
      assert.deepEqual(await bodyOf(r), readFileSync(join(dir, listed[0]!)));
      assert.deepEqual(await bodyOf(await get(m, 'init.mp4')), readFileSync(join(dir, 'init.mp4')));
      const sent = m.stats().bytesSent;
      assert.ok(sent >= readFileSync(join(dir, listed[0]!)).length, 'streams count as sent');
      m.close();
      await storage.idle();
      assert.equal(existsSync(dir), false, 'the muxer\'s folder is removed');
      assert.ok(existsSync(join(root, 'keep.txt')));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('removes the empty folders of a nested path name (a/b) up to hlsDirectory, and no further', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mtx-hls-dir-'));
    try {
      const s = new HlsDirectoryStorage(join(root, 'a', 'b', 'c'), Logger.silent(), root);
      s.put('init.mp4', [Buffer.from('init')]);
      await s.idle();
      assert.deepEqual(readdirSync(join(root, 'a', 'b', 'c')), ['init.mp4']);
      await s.close();
      assert.deepEqual(readdirSync(root), [], 'a, a/b and a/b/c are gone; the hlsDirectory stays');
      assert.ok(existsSync(root));
      // A parent that holds something else (another path's folder) stays.
      mkdirSync(join(root, 'a', 'other'), { recursive: true });
      const t = new HlsDirectoryStorage(join(root, 'a', 'b'), Logger.silent(), root);
      t.put('init.mp4', [Buffer.from('init')]);
      await t.idle();
      await t.close();
      assert.deepEqual(readdirSync(join(root, 'a')), ['other'], 'a/b is gone, a stays for a/other');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('does not hold the bytes of files removed before a stalled disk wrote them (memory stays bounded)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-hls-dir-'));
    // A FIFO nobody reads stands for a disk that hangs: opening it to write blocks until a reader comes.
    const fifo = join(dir, 'p_seg0.mp4.tmp');
    execFileSync('mkfifo', [fifo]); // coreutils: on every machine the server supports
    try {
      const s = new HlsDirectoryStorage(dir, Logger.silent());
      const mib = 1024 * 1024;
      // The window of a muxer: each new segment evicts the one three before it.
      for (let i = 0; i < 30; i++) {
        s.put(`p_seg${i}.mp4`, [Buffer.alloc(mib, i)]);
        if (i >= 3) s.remove(`p_seg${i - 3}.mp4`);
        if (i === 0) await new Promise((r) => setTimeout(r, 50)); // the first write reaches the disk, and hangs there
      }
      // Held: the one being written (seg0, stuck) and the three still listed, not the 26 evicted while queued.
      assert.ok(s.memoryBytes <= 4 * mib, `${s.memoryBytes / mib} MiB held`);
      assert.equal(s.read('p_seg29.mp4')?.length, mib, 'files still listed are served from memory');
      const reader = createReadStream(fifo);
      reader.resume(); // the disk comes back
      await s.idle();
      reader.destroy();
      assert.deepEqual(readdirSync(dir).sort(), ['p_seg27.mp4', 'p_seg28.mp4', 'p_seg29.mp4']);
      assert.deepEqual(readFileSync(join(dir, 'p_seg29.mp4')), Buffer.alloc(mib, 29));
      assert.equal(s.memoryBytes, 2 * mib, 'the two newest stay in memory once written');
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a folder that holds other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtx-hls-dir-'));
    try {
      writeFileSync(join(dir, 'other'), 'x');
      const s = new HlsDirectoryStorage(dir, Logger.silent());
      s.put('seg0.ts', [Buffer.from('ts')]);
      assert.equal(s.read('seg0.ts')?.toString(), 'ts', 'served from memory until written');
      await s.idle();
      await s.close();
      assert.deepEqual(readdirSync(dir), ['other']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
